"""Needs surveys: workers and grassroots unions answer, staff turn a need into an order."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import worker, worker_user
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import NeedSource, NeedStatus, OrderStatus, SurveyStatus
from zhijia.dispatch.models import NeedSurvey
from zhijia.dispatch.selectors.needs import open_surveys, survey_list, survey_needs
from zhijia.dispatch.services import needs as svc

from .support import menu, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(demo):
    return world(demo)


@pytest.fixture
def survey(w):
    return svc.survey_create(actor=w.clerk, org=w.dispatcher, title="2027 年职工服务需求调研", menu=w.menu)


def test_a_worker_and_a_union_answer(w, survey):
    user, person = worker(w.unit)
    need = svc.need_submit(actor=user, survey=survey, text="希望有亲子沟通讲座", people=40)
    assert (need.source, need.org, need.person, need.people) == (NeedSource.WORKER, w.unit, person, 40)
    picked = svc.need_submit(actor=w.unit_staff, survey=survey, item=w.psy, org=w.unit)
    assert (picked.source, picked.org, picked.person, picked.item) == (NeedSource.UNION, w.unit, None, w.psy)
    assert [n.pk for n in survey_needs(survey)] == [picked.pk, need.pk]
    assert survey_list(actor=w.clerk).get(pk=survey.pk).open_count == 2


def test_answers_need_content_and_the_survey_menu(w, survey):
    user, _p = worker(w.unit)
    with pytest.raises(ValidationFailed) as exc:
        svc.need_submit(actor=user, survey=survey, text="  ")
    assert "text" in exc.value.fields
    other = menu(w.dispatcher).items.get()
    with pytest.raises(ValidationFailed) as exc:
        svc.need_submit(actor=user, survey=survey, item=other)
    assert "item_id" in exc.value.fields


def test_only_members_inside_the_survey_area(w, survey, demo):
    with pytest.raises(Conflict) as exc:
        svc.need_submit(actor=worker_user(), survey=survey, text="x")
    assert exc.value.code == error_codes.NOT_A_MEMBER
    outsider, _p = worker(demo.org("宝安区总"))
    with pytest.raises(NotFound):
        svc.need_submit(actor=outsider, survey=survey, text="x")
    with pytest.raises(NotFound):  # staff answer only for unions they order for
        svc.need_submit(actor=w.unit_staff, survey=survey, text="x", org=w.other_unit)
    with pytest.raises(PermissionDenied):
        svc.need_submit(actor=w.expert_user, survey=survey, text="x", org=w.unit)


def test_closed_surveys_refuse_answers(w, survey):
    user, _p = worker(w.unit)
    closed = svc.survey_close(actor=w.clerk, survey=survey)
    assert closed.status == SurveyStatus.CLOSED
    with pytest.raises(Conflict) as exc:
        svc.need_submit(actor=user, survey=survey, text="x")
    assert exc.value.code == error_codes.SURVEY_CLOSED
    past = svc.survey_create(actor=w.clerk, org=w.dispatcher, title="t", closes_on=timezone.localdate())
    NeedSurvey.objects.filter(pk=past.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(Conflict):
        svc.need_submit(actor=user, survey=past, text="x")
    with pytest.raises(ValidationFailed):
        svc.survey_create(actor=w.clerk, org=w.dispatcher, title="t", closes_on="2000-01-01")


def test_open_surveys_for_workers_and_unions(w, survey, demo):
    user, _p = worker(w.unit)
    baoan_survey = svc.survey_create(actor=w.outsider, org=demo.org("宝安区总"), title="宝安调研")
    assert list(open_surveys(user=user)) == [survey]
    assert list(open_surveys(user=w.unit_staff)) == [survey]
    outsider, _q = worker(demo.org("宝安区总"))
    assert list(open_surveys(user=outsider)) == [baoan_survey]
    svc.survey_close(actor=w.clerk, survey=survey)
    assert list(open_surveys(user=user)) == []


def test_a_need_becomes_an_order(w, survey):
    user, _p = worker(w.unit)
    need = svc.need_submit(actor=user, survey=survey, text="心理讲座", people=30)
    order = svc.need_to_order(
        actor=w.clerk,
        need=need,
        item=w.psy,
        wanted_from=w.wanted_from,
        wanted_to=w.wanted_to,
        place="车间会议室",
        audience=30,
    )
    need.refresh_from_db()
    assert (need.status, need.order) == (NeedStatus.ORDERED, order)
    assert (order.org, order.status, order.item) == (w.unit, OrderStatus.SUBMITTED, w.psy)
    with pytest.raises(Conflict) as exc:
        svc.need_to_order(
            actor=w.clerk,
            need=need,
            item=w.psy,
            wanted_from=w.wanted_from,
            wanted_to=w.wanted_to,
            place="x",
            audience=3,
        )
    assert exc.value.code == error_codes.INVALID_TRANSITION


def test_need_to_order_rights_and_closing(w, survey):
    need = svc.need_submit(actor=w.unit_staff, survey=survey, text="法律讲座", org=w.unit)
    with pytest.raises(PermissionDenied):
        svc.need_to_order(
            actor=w.expert_user, need=need, item=w.law, wanted_from=w.wanted_from, wanted_to=w.wanted_to,
            place="x", audience=3,
        )  # fmt: skip
    order = svc.need_to_order(  # the need's own union may order it too
        actor=w.unit_staff, need=need, item=w.law, wanted_from=w.wanted_from, wanted_to=w.wanted_to,
        place="x", audience=3,
    )  # fmt: skip
    assert order.org == w.unit
    other = svc.need_submit(actor=w.unit_staff, survey=survey, text="别的", org=w.unit)
    with pytest.raises(NotFound):  # need_close needs dispatch.menus on the survey's union
        svc.need_close(actor=w.unit_staff, need=other)
    assert svc.need_close(actor=w.clerk, need=other).status == NeedStatus.CLOSED
    with pytest.raises(Conflict):
        svc.need_close(actor=w.clerk, need=other)
