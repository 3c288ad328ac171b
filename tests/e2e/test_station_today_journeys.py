"""Issue 19 in a browser (375-px phone): a station keeper's "today" page, and a worker who has
to log in by SMS after scanning a session code and still lands on a valid check-in."""

import datetime as dt

from django.utils import timezone

from tests.activities.support import activity, worker
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from zhijia.accounts import sms
from zhijia.accounts.services import user_create
from zhijia.activities.models import Attendance
from zhijia.activities.services import checkin as checkin_service
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant
from zhijia.positions.services import position_create, visit_record


def _today_session_start():
    now = timezone.localtime()
    soon = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return soon if soon.date() == now.date() else now.replace(hour=0, minute=5, second=0, microsecond=0)


def test_keeper_today_page_on_a_phone(demo, phone):
    org = demo.org("福田区总")
    keeper = user_create(actor=None, username="e2e_keeper", password=DEMO_PASSWORD, org=org)
    role_grant(actor=None, user=keeper, org=org, role=Role.objects.get(code="station_keeper"))
    role_grant(actor=None, user=keeper, org=org, role=Role.objects.get(code="viewer"))
    station = position_create(
        actor=demo.user("province_admin"),
        org=org,
        data={
            "kind": "outdoor_station",
            "name": "福田口岸户外驿站",
            "address": "福田路1号",
            "lat": 22.52,
            "lng": 114.06,
        },
    )
    act = activity(org, position=station, starts_at=_today_session_start(), title="夏季防暑讲座")
    visit_record(actor=keeper, position=station, visitor_group="courier", services=[])
    visit_record(actor=keeper, position=station, visitor_group="sanitation", services=[])
    staff_login(phone, "e2e_keeper")
    phone.goto("/console/positions/today/")
    phone.wait_for_selector("[data-testid=today-station]")
    assert phone.locator("[data-testid=today-visits]").inner_text() == "2"
    assert "夏季防暑讲座" in phone.locator("[data-testid=today-session]").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # no sideways scrolling on a phone
    shot(phone, "station-today-phone")
    phone.click("[data-testid=today-checkin]")
    phone.wait_for_url(f"**/console/activities/sessions/{act.sessions.get().pk}/checkin/")
    shot(phone, "station-today-checkin-screen")
    phone.goto("/console/positions/today/")
    phone.click("[data-testid=today-visit-new]")
    phone.wait_for_selector("[data-testid=visit-form]")


def test_scanned_code_survives_the_sms_login(demo, phone, monkeypatch):
    # codes rotate every second here, so the few seconds of an SMS login outlive the code
    monkeypatch.setattr(checkin_service, "WINDOW_SECONDS", 1)
    org = demo.org("福田区总")
    act = activity(org, registration_closes_at=None, title="工会健步走")
    session = act.sessions.get()
    user, person = worker(org, phone="13900006611")
    enrolment_create(actor=user, activity=act, person=person)
    sms.outbox.clear()
    phone.goto(checkin_service.checkin_url(session))
    phone.wait_for_selector("input[name=phone]")  # sent to the SMS login
    shot(phone, "checkin-detour-login")
    phone.wait_for_timeout(2500)  # the code on the screen has changed twice meanwhile
    worker_login(phone, "13900006611")
    phone.wait_for_selector("[data-testid=checkin-result][data-state=done]")
    assert "工会健步走" in phone.locator("[data-testid=checkin-activity]").inner_text()
    shot(phone, "checkin-detour-done")
    assert Attendance.objects.filter(session=session, person=person).count() == 1
