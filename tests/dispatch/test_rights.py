"""Expert services in the person's data: the needs a worker submitted and the delivered services
they checked in at are in their own export; their anonymisation clears the needs' text and the
links to their account, and keeps the needs the surveys counted and the attendances the ledger
counted. Someone else's need is in neither."""

import pytest

from tests.activities.support import worker
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import Need, OrderAttendance
from zhijia.dispatch.selectors.needs import survey_list
from zhijia.dispatch.services import checkin
from zhijia.dispatch.services import needs as svc
from zhijia.members.services.rights import person_anonymise, self_export
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

from .support import order, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(demo):
    w = world(demo)
    survey = svc.survey_create(actor=w.clerk, org=w.dispatcher, title="2027 年职工服务需求调研", menu=w.menu)
    (user, person), (other_user, _other) = worker(w.unit), worker(w.unit)
    mine = svc.need_submit(actor=user, survey=survey, text="我是快递员王五，想要腰椎保健讲座", people=20)
    theirs = svc.need_submit(actor=other_user, survey=survey, text="法律讲座")
    booked = order(w.psy, org=w.unit, status=OrderStatus.ACCEPTED, expert=w.expert)
    attended = checkin.order_checkin_by_code(user=user, code=checkin.order_checkin_code(booked))
    assert (mine.created_by, attended.recorded_by) == (user, user)  # the worker's own account
    return {"w": w, "survey": survey, "person": person, "mine": mine, "theirs": theirs, "attended": attended}


def test_the_needs_and_attendances_are_in_the_persons_export(setting):
    data = self_export(actor=None, person=setting["person"])
    assert [(n["survey"], n["text"], n["people"]) for n in data["expert_service_needs"]] == [
        ("2027 年职工服务需求调研", "我是快递员王五，想要腰椎保健讲座", 20)
    ]  # not the other person's
    attended = setting["attended"]
    assert [(a["order"], a["service"]) for a in data["expert_service_attendances"]] == [
        (attended.order.number, attended.order.item.title)
    ]


def test_anonymisation_clears_the_text_and_keeps_the_counted_rows(setting):
    w = setting["w"]
    person_anonymise(actor=w.clerk, person=setting["person"])
    mine = Need.objects.get(pk=setting["mine"].pk)
    assert (mine.text, mine.people, mine.status, mine.person_id, mine.created_by) == (
        "",
        20,
        "open",
        setting["person"].pk,
        None,
    )
    assert survey_list(actor=w.clerk).get(pk=setting["survey"].pk).open_count == 2  # still counted
    attended = OrderAttendance.objects.get(pk=setting["attended"].pk)
    assert (attended.person_id, attended.recorded_by) == (setting["person"].pk, None)
    assert ServiceRecord.objects.filter(source=RecordSource.EXPERT, source_id=attended.pk).count() == 1
    assert Need.objects.get(pk=setting["theirs"].pk).text == "法律讲座"  # not theirs
