"""Issue "Activities" journey on a 375-px phone: a member enrols her child in the winter camp
(托管营) that is already full, is put on the waiting list with her position, is offered the
place after another family cancels, accepts it and is confirmed; then checks in by scanning
the organiser's session QR."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import activity, child, member
from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import worker_login
from zhijia.accounts import sms
from zhijia.accounts.models import User, UserKind
from zhijia.activities.enums import ActivityKind, EnrolmentStatus
from zhijia.activities.models import Attendance, Enrolment
from zhijia.activities.services.checkin import session_code
from zhijia.activities.services.enrolment import enrolment_cancel, enrolment_create
from zhijia.positions.models import Position

WORKER_PHONE = "13800000001"


@pytest.fixture
def winter_camp(demo):
    """桃源镇's 10-day winter camp for members' children aged 6–12, 2 places, both taken."""
    org = demo.org("福田区总")
    place = Position.objects.create(
        org=org, kind="service_center", name="桃源职工服务中心", address="桃源路8号", lat=22.55, lng=113.95
    )
    day = timezone.localtime() + dt.timedelta(days=3)
    start = day.replace(hour=9, minute=0, second=0, microsecond=0)
    camp = activity(
        org,
        sessions=10,
        kind=ActivityKind.CAMP,
        title="桃源镇寒假托管营",
        summary="十天寒假托管：作业辅导、手工、体育。",
        capacity=2,
        starts_at=start,
        position=place,
        for_children=True,
        child_age_min=6,
        child_age_max=12,
        limit_group="2027寒假托管",
        limit_count=1,
        offer_hold_minutes=120,
        category="托管",
    )
    fillers = []
    for i in range(2):
        parent = member(org, name=f"家长{i}")
        kid = child(parent, age=7 + i, at=start, name=f"同学{i}")
        fillers.append(enrolment_create(actor=None, activity=camp, person=parent, child=kid))
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    mother = member(org, name="李女士", user=worker)
    kid = child(mother, age=8, at=start, name="小明")
    return {"camp": camp, "fillers": fillers, "kid": kid, "worker": worker}


def test_worker_enrols_child_in_full_camp_is_waitlisted_offered_accepts_and_checks_in(phone, winter_camp):
    sms.outbox.clear()
    camp, kid = winter_camp["camp"], winter_camp["kid"]

    phone.goto("/h5/activities/?week=1")
    card = phone.locator(f"[data-testid=activity-card][data-id='{camp.pk}']")
    assert "候补" in card.inner_text() or "Waiting list" in card.inner_text()
    shot(phone, "h5-activities-list")
    card.locator("a").click()
    phone.wait_for_selector("[data-testid=login-to-enrol]")
    phone.click("[data-testid=login-to-enrol]")
    worker_login(phone, WORKER_PHONE)  # and back to the camp
    phone.wait_for_selector("[data-testid=enrol-child]")
    assert "小明" in phone.locator("[data-testid=enrol-child]").inner_text()
    assert phone.url.endswith(f"/h5/activities/{camp.pk}/#enrol")
    phone.evaluate("window.scrollTo(0, 0)")  # the full-page shot from the top (sticky header)
    shot(phone, "h5-activity-detail")

    phone.locator("[data-testid=enrol-child]").dblclick()  # an impatient double tap
    phone.wait_for_selector("[data-testid=enrol-result]")
    assert phone.get_attribute("[data-testid=enrol-result]", "data-status") == "waitlisted"
    assert phone.inner_text("[data-testid=waitlist-position]") == "1"
    assert Enrolment.objects.filter(activity=camp, child=kid).count() == 1
    shot(phone, "h5-activity-enrol-result")

    phone.click("[data-testid=go-my-enrolments]")
    mine = phone.locator("[data-testid=enrolment]").first
    assert mine.get_attribute("data-status") == "waitlisted"
    assert mine.locator("[data-testid=waitlist-position]").inner_text() == "1"
    shot(phone, "h5-my-enrolments-waitlisted")

    # Another family cancels (through the enrolment engine): the place is offered to us.
    enrolment_cancel(actor=None, enrolment=winter_camp["fillers"][0], reason="孩子生病")
    phone.reload()
    mine = phone.locator("[data-testid=enrolment]").first
    assert mine.get_attribute("data-status") == "offered"
    assert mine.locator("[data-testid=offer-deadline]").inner_text()
    shot(phone, "h5-my-enrolments-offered")
    mine.locator("[data-testid=offer-accept]").click()
    phone.wait_for_selector("[data-testid=enrolment][data-status=confirmed]")
    enrolment = Enrolment.objects.get(activity=camp, child=kid)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    camp.refresh_from_db()
    assert camp.taken == 2
    shot(phone, "h5-my-enrolments-confirmed")

    # On the first day: the worker scans the organiser's rotating QR.
    session = camp.sessions.order_by("starts_at").first()
    phone.goto(f"/h5/activities/checkin/{session_code(session)}/")
    phone.wait_for_selector("[data-testid=checkin-result][data-state=done]")
    assert "桃源镇寒假托管营" in phone.inner_text("[data-testid=checkin-activity]")
    assert Attendance.objects.filter(session=session, child=kid).count() == 1
    shot(phone, "h5-activity-checkin")

    # Back on the list, a member starts in their own city and may widen it.
    phone.goto("/h5/activities/")
    assert phone.locator("[data-testid=filter-area] option:checked").get_attribute("value") == "mine"
    shot(phone, "h5-activities-my-city")


def test_near_me_asks_the_phone_for_its_position_and_lists_activities_within_5_km(phone, winter_camp, demo):
    far = activity(demo.org("宝安区总"), title="远处的讲座", kind=ActivityKind.LECTURE)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 22.56, "longitude": 113.95})  # ~1 km from the camp
    phone.goto("/h5/activities/")
    assert phone.locator(f"[data-testid=activity-card][data-id='{far.pk}']").count() == 1
    phone.locator("label:has([data-testid=chip-near])").click()
    phone.wait_for_selector("[data-testid=near-note]")
    assert "lat=22.56" in phone.url
    cards = phone.locator("[data-testid=activity-card]")
    assert cards.count() == 1 and cards.first.get_attribute("data-id") == str(winter_camp["camp"].pk)
    shot(phone, "h5-activities-near-me")
