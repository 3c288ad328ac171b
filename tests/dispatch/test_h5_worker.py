"""The worker's side of expert services on the phone: the landing page of an order's rotating
check-in QR (scanned from the expert's screen), and the needs surveys of the worker's unions."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import worker, worker_user
from tests.dispatch.support import expert_login, menu, order
from zhijia.dispatch.enums import NeedSource, OrderStatus
from zhijia.dispatch.models import Need, NeedSurvey, OrderAttendance
from zhijia.dispatch.services.checkin import order_checkin_code
from zhijia.records.models import ServiceRecord

S = OrderStatus


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def county(demo):
    return demo.org("新丰县总")


@pytest.fixture
def accepted(county):
    m = menu(county, items=[{"title": "《职场压力与情绪管理》"}])
    _user, e = expert_login(county, specialties=["C1"])
    start = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=30)
    return order(
        m.items.get(code="C1"),
        status=S.ACCEPTED,
        expert=e,
        wanted_from=timezone.localdate(start),
        starts_at=start,
    )


def test_scanning_the_expert_code_checks_the_worker_in_once(county, accepted):
    user, person = worker(county)
    client = logged_in(user)
    url = reverse("h5:expert_checkin", args=[order_checkin_code(accepted)])
    ask = client.get(url)
    assert (
        ask.status_code == 200 and b'data-state="ask"' in ask.content and b"data-zj-autosubmit" in ask.content
    )
    assert OrderAttendance.objects.count() == 0  # a GET never checks in

    done = client.post(url)
    assert done.status_code == 200 and b'data-state="done"' in done.content
    assert "《职场压力与情绪管理》" in done.content.decode()
    again = client.post(url)
    assert b'data-state="done"' in again.content
    assert OrderAttendance.objects.filter(order=accepted, person=person).count() == 1
    record = ServiceRecord.objects.get(source="expert", person=person)
    assert record.org == accepted.org


def test_a_stale_or_forged_code_is_refused(county, accepted):
    user, _person = worker(county)
    client = logged_in(user)
    stale = order_checkin_code(accepted, at=timezone.now() - dt.timedelta(minutes=5))
    for code in (stale, "forged.code"):
        response = client.post(reverse("h5:expert_checkin", args=[code]))
        assert response.status_code == 200 and b'data-state="bad_checkin_code"' in response.content
    assert OrderAttendance.objects.count() == 0


def test_a_worker_who_is_no_member_is_told(accepted):
    response = logged_in(worker_user()).post(
        reverse("h5:expert_checkin", args=[order_checkin_code(accepted)])
    )
    assert b'data-state="not_a_member"' in response.content
    assert OrderAttendance.objects.count() == 0


def test_checkin_closed_before_acceptance(county):
    m = menu(county)
    _user, e = expert_login(county, specialties=["C1"])
    dispatched = order(m.items.get(code="C1"), status=S.DISPATCHED, expert=e)
    user, _person = worker(county)
    response = logged_in(user).post(reverse("h5:expert_checkin", args=[order_checkin_code(dispatched)]))
    assert b'data-state="checkin_closed"' in response.content


def test_the_landing_page_needs_a_worker_login(accepted, demo):
    url = reverse("h5:expert_checkin", args=[order_checkin_code(accepted)])
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("h5:login"))
    assert logged_in(demo.user("expert_demo")).post(url).status_code == 302
    assert OrderAttendance.objects.count() == 0


# --- needs surveys ----------------------------------------------------------------------------


@pytest.fixture
def survey(county):
    from zhijia.dispatch.services.needs import survey_create

    m = menu(
        county,
        items=[
            {"title": "OH卡牌团体心理辅导", "category": "团体辅导"},
            {"title": "一对一心理疏导", "category": "危机干预"},
            {"title": "已暂停的服务", "category": "危机干预", "paused": True},
        ],
    )
    return survey_create(actor=None, org=county, title="2026年职工心理健康服务需求调研", menu=m)


def test_needs_list_shows_the_open_surveys_of_my_unions(county, survey, demo):
    from zhijia.dispatch.services.needs import survey_create

    elsewhere = survey_create(actor=None, org=demo.org("福田区总"), title="福田区调研")
    closed = survey_create(actor=None, org=county, title="已结束的调研")
    NeedSurvey.objects.filter(pk=closed.pk).update(status="closed")
    user, _person = worker(county)
    html = logged_in(user).get(reverse("h5:need_surveys")).content.decode()
    assert f'data-id="{survey.pk}"' in html
    assert str(elsewhere.pk) not in html and str(closed.pk) not in html
    outsider, _p = worker(demo.org("福田区总"))
    assert logged_in(outsider).get(reverse("h5:need_submit", args=[survey.pk])).status_code == 404
    assert f'data-id="{elsewhere.pk}"' in logged_in(outsider).get(reverse("h5:need_surveys")).content.decode()


def test_no_member_sees_how_to_join(survey):
    html = logged_in(worker_user()).get(reverse("h5:need_surveys")).content.decode()
    assert 'data-testid="needs-no-member"' in html and str(survey.pk) not in html


def test_submit_a_need_by_picking_a_menu_item(county, survey):
    user, person = worker(county)
    client = logged_in(user)
    url = reverse("h5:need_submit", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "OH卡牌团体心理辅导" in page and "一对一心理疏导" in page
    assert "已暂停的服务" not in page
    item = survey.menu.items.get(title="OH卡牌团体心理辅导")
    response = client.post(url, {"item": str(item.pk), "people": "12"})
    assert response.status_code == 200 and b'data-testid="need-done"' in response.content
    need = Need.objects.get(survey=survey)
    assert (need.source, need.person, need.item, need.people, need.org) == (
        NeedSource.WORKER,
        person,
        item,
        12,
        county,
    )


def test_submit_free_text_and_nothing_at_all(county, survey):
    user, _person = worker(county)
    client = logged_in(user)
    url = reverse("h5:need_submit", args=[survey.pk])
    empty = client.post(url, {"item": "", "text": "  "})
    assert empty.status_code == 200 and b'data-testid="error-text"' in empty.content
    assert Need.objects.count() == 0
    response = client.post(url, {"item": "", "text": "希望开展针对夜班职工的睡眠讲座"})
    assert b'data-testid="need-done"' in response.content
    assert Need.objects.get().text == "希望开展针对夜班职工的睡眠讲座"


def test_a_closed_survey_is_gone(county, survey):
    from zhijia.dispatch.services.needs import survey_close

    survey_close(actor=None, survey=survey)
    user, _person = worker(county)
    assert logged_in(user).get(reverse("h5:need_submit", args=[survey.pk])).status_code == 404
