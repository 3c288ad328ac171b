"""Worker H5 activity pages, the worker's part: enrol (idempotent, refusals explained), my
enrolments (waiting-list position, offer accept/decline, cancel with confirmation, rating) and
the check-in landing page of the session QR."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import activity, child, member, worker
from zhijia.accounts import sms
from zhijia.activities.enums import ActivityKind, EnrolmentStatus
from zhijia.activities.models import Attendance, Enrolment
from zhijia.activities.services.checkin import checkin_mark, session_code
from zhijia.activities.services.enrolment import enrolment_cancel, enrolment_create

S = EnrolmentStatus
MINE = "/h5/activities/mine/"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.fixture
def camp(futian):
    return activity(
        futian,
        kind=ActivityKind.CAMP,
        title="寒假托管营",
        capacity=1,
        for_children=True,
        child_age_min=6,
        child_age_max=12,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol_url(act):
    return reverse("h5:activity_enrol", args=[act.pk])


def result(response) -> str:
    html = response.content.decode()
    return html.split('data-testid="enrol-result" data-status="')[1].split('"')[0]


def test_enrol_child_confirmed_then_a_retry_with_the_same_key_changes_nothing(futian, camp):
    user, person = worker(futian)
    kid = child(person, age=8, at=camp.starts_at, name="小明")
    client = logged_in(user)
    body = {"key": "k1", "child": str(kid.pk)}
    first = client.post(enrol_url(camp), body)
    assert first.status_code == 200 and result(first) == "confirmed"
    assert "You are enrolled" in first.content.decode() and "小明" in first.content.decode()
    again = client.post(enrol_url(camp), body)  # a double tap that got through
    assert result(again) == "confirmed"
    assert Enrolment.objects.filter(activity=camp).count() == 1
    camp.refresh_from_db()
    assert camp.taken == 1 and camp.arrivals == 1


def test_waitlisted_shows_the_position_and_refusals_are_explained(futian, camp):
    other = member(futian)
    enrolment_create(actor=None, activity=camp, person=other, child=child(other, age=7, at=camp.starts_at))
    user, person = worker(futian)
    kid = child(person, age=8, at=camp.starts_at)
    client = logged_in(user)
    waiting = client.post(enrol_url(camp), {"key": "a", "child": str(kid.pk)})
    assert result(waiting) == "waitlisted"
    assert 'data-testid="waitlist-position">1<' in waiting.content.decode()
    again = client.post(enrol_url(camp), {"key": "b", "child": str(kid.pk)})
    assert result(again) == "already_enrolled" and "Already enrolled" in again.content.decode()
    too_old = child(person, age=14, at=camp.starts_at)
    refused = client.post(enrol_url(camp), {"key": "c", "child": str(too_old.pk)})
    assert result(refused) == "not_eligible"
    assert 'data-testid="result-reason"' in refused.content.decode()
    myself = client.post(enrol_url(camp), {"key": "d"})  # a children's camp needs a child
    assert result(myself) == "not_eligible"


def test_full_without_waiting_list_and_closed(futian):
    act = activity(futian, capacity=1, waitlist_enabled=False)
    enrolment_create(actor=None, activity=act, person=member(futian))
    user, _person = worker(futian)
    response = logged_in(user).post(enrol_url(act), {"key": "x"})
    assert result(response) == "full" and "No places left" in response.content.decode()
    closed = activity(futian, registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    response = logged_in(user).post(enrol_url(closed), {"key": "y"})
    assert result(response) == "closed" and "Enrolment is closed" in response.content.decode()


def test_someone_elses_child_or_a_foreign_session_is_not_found(futian, camp):
    user, _person = worker(futian)
    stranger = member(futian)
    theirs = child(stranger, age=8, at=camp.starts_at)
    client = logged_in(user)
    assert client.post(enrol_url(camp), {"key": "z", "child": str(theirs.pk)}).status_code == 404
    other = activity(futian, sessions=2)
    assert client.post(enrol_url(camp), {"session": str(other.sessions.first().pk)}).status_code == 404
    assert not Enrolment.objects.filter(activity=camp).exists()


def test_anonymous_enrol_goes_to_login_and_back_to_the_activity(futian, camp):
    response = Client().post(enrol_url(camp), {"key": "k"})
    assert response.status_code == 302 and response["Location"].startswith("/h5/login/?next=")
    user, _person = worker(futian)
    back = logged_in(user).get(enrol_url(camp))  # what the login's `next` leads to
    assert back.status_code == 302 and back["Location"] == reverse("h5:activity_detail", args=[camp.pk])


def test_offer_accept_after_a_cancellation(futian, camp):
    other = member(futian)
    holder = enrolment_create(
        actor=None, activity=camp, person=other, child=child(other, age=7, at=camp.starts_at)
    )
    user, person = worker(futian)
    mine = enrolment_create(
        actor=user, activity=camp, person=person, child=child(person, age=8, at=camp.starts_at)
    )
    client = logged_in(user)
    html = client.get(MINE).content.decode()
    assert 'data-testid="waitlist-position">1<' in html and 'data-testid="my-qr"' in html
    enrolment_cancel(actor=None, enrolment=holder)
    html = client.get(MINE).content.decode()
    assert 'data-testid="offer-deadline"' in html and 'data-testid="offer-accept"' in html
    response = client.post(reverse("h5:offer_respond", args=[mine.pk]), {"action": "accept"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.CONFIRMED
    assert "Your enrolment is confirmed" in client.get(MINE).content.decode()


def test_offer_decline_passes_it_on(futian, camp):
    other = member(futian)
    holder = enrolment_create(
        actor=None, activity=camp, person=other, child=child(other, age=7, at=camp.starts_at)
    )
    user, person = worker(futian)
    mine = enrolment_create(
        actor=user, activity=camp, person=person, child=child(person, age=8, at=camp.starts_at)
    )
    enrolment_cancel(actor=None, enrolment=holder)
    logged_in(user).post(reverse("h5:offer_respond", args=[mine.pk]), {"action": "decline"})
    mine.refresh_from_db()
    assert mine.status == S.OFFER_DECLINED
    # answering again is refused with a message, not an error page
    response = logged_in(user).post(
        reverse("h5:offer_respond", args=[mine.pk]), {"action": "accept"}, follow=True
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()


def test_cancel_asks_first_then_cancels_and_others_cannot(futian):
    act = activity(futian)
    user, person = worker(futian)
    enrolment = enrolment_create(actor=user, activity=act, person=person)
    client = logged_in(user)
    url = reverse("h5:enrolment_cancel", args=[enrolment.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="cancel-confirm"' in page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED  # GET changes nothing
    intruder, _p = worker(futian)
    assert logged_in(intruder).post(url).status_code == 404
    assert client.post(url, {"reason": "有事"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == S.CANCELLED
    html = client.get(MINE).content.decode()
    assert 'data-testid="past-enrolment" data-status="cancelled"' in html


def test_rate_after_attending_only(demo, futian):
    act = activity(futian)
    user, person = worker(futian)
    enrolment = enrolment_create(actor=user, activity=act, person=person)
    client = logged_in(user)
    url = reverse("h5:enrolment_rate", args=[enrolment.pk])
    refused = client.post(url, {"rating": "5"}, follow=True)
    assert "Only participants can rate" in refused.content.decode()
    checkin_mark(actor=demo.user("futian_staff"), session=act.sessions.first(), enrolment=enrolment)
    assert 'data-testid="rate"' in client.get(MINE).content.decode()
    client.post(url, {"rating": "4", "comment": "很好"})
    enrolment.refresh_from_db()
    assert enrolment.rating == 4 and enrolment.comment == "很好"
    assert client.post(url, {"rating": "9"}).status_code == 302  # a bad rating: a message


def test_checkin_landing_asks_then_checks_in_once(futian):
    act = activity(futian, registration_closes_at=None)
    session = act.sessions.first()
    user, person = worker(futian)
    enrolment_create(actor=user, activity=act, person=person)
    url = reverse("h5:activity_checkin", args=[session_code(session)])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/h5/login/" in anonymous["Location"]
    client = logged_in(user)
    ask = client.get(url)
    assert 'data-state="ask"' in ask.content.decode()
    assert not Attendance.objects.exists()  # GET changes nothing
    done = client.post(url)
    assert 'data-state="done"' in done.content.decode() and act.title in done.content.decode()
    assert 'data-state="done"' in client.post(url).content.decode()  # a second scan: same answer
    assert Attendance.objects.filter(session=session).count() == 1


def test_checkin_with_a_bad_code_or_without_enrolment_says_why(futian):
    act = activity(futian)
    user, _person = worker(futian)
    client = logged_in(user)
    bad = client.post(reverse("h5:activity_checkin", args=["forged.code"]))
    assert 'data-state="bad_checkin_code"' in bad.content.decode()
    code = session_code(act.sessions.first())
    response = client.post(reverse("h5:activity_checkin", args=[code]))
    assert 'data-state="not_enrolled"' in response.content.decode()


def test_drop_in_course_enrols_per_session_from_the_detail_page(futian):
    course = activity(futian, sessions=3, per_session=True, capacity=5, title="无人机体验课")
    user, _person = worker(futian)
    client = logged_in(user)
    html = client.get(reverse("h5:activity_detail", args=[course.pk])).content.decode()
    assert html.count('data-testid="enrol-self"') == 3
    second = course.sessions.order_by("starts_at")[1]
    response = client.post(enrol_url(course), {"key": "s2", "session": str(second.pk)})
    assert result(response) == "confirmed"
    assert Enrolment.objects.get(activity=course).session == second
    html = client.get(reverse("h5:activity_detail", args=[course.pk])).content.decode()
    assert html.count('data-testid="enrol-self"') == 2  # the other two sessions
    no_session = client.post(enrol_url(course), {"key": "s0"})
    assert result(no_session) == "session_required"
