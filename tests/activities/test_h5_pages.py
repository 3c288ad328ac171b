"""Worker H5 activity pages, public part: the list with its chips, the detail page (sessions,
place, eligibility, counts, enrol buttons per eligible child) and the iCal download."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import activity, child, member, worker
from zhijia.activities.enums import ActivityKind, ActivityStatus, Delivery
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.positions.models import Position

LIST = "/h5/activities/"


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


def detail(act):
    return reverse("h5:activity_detail", args=[act.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_shows_published_upcoming_with_kind_and_places(futian):
    soon = activity(futian, title="周末插花", capacity=5, kind=ActivityKind.EVENT)
    activity(futian, title="草稿活动", status=ActivityStatus.DRAFT)
    activity(futian, title="去年的活动", starts_at=timezone.now() - dt.timedelta(days=300))
    full = activity(futian, title="满员讲座", capacity=1, kind=ActivityKind.LECTURE)
    enrolment_create(actor=None, activity=full, person=member(futian))
    response = Client().get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "周末插花" in html and "满员讲座" in html
    assert "草稿活动" not in html and "去年的活动" not in html
    cards = {
        c.split("</article>")[0].split('data-id="')[1][:36]: c
        for c in html.split('data-testid="activity-card"')[1:]
    }
    assert "5 places left" in cards[str(soon.pk)] and "Activity" in cards[str(soon.pk)]
    assert "Waiting list" in cards[str(full.pk)] and "Lecture" in cards[str(full.pk)]


def test_filters_this_week_kind_children_and_near(futian):
    now = timezone.now()
    here = Position.objects.create(
        org=futian, kind="outdoor_station", name="近处驿站", address="路1号", lat=30.0, lng=100.0
    )
    far = Position.objects.create(
        org=futian, kind="outdoor_station", name="远处驿站", address="路2号", lat=30.2, lng=100.0
    )
    activity(futian, title="本周近处活动", starts_at=now + dt.timedelta(days=2), position=here)
    activity(futian, title="下月远处活动", starts_at=now + dt.timedelta(days=40), position=far)
    activity(
        futian,
        title="寒假托管营",
        kind=ActivityKind.CAMP,
        for_children=True,
        child_age_min=6,
        child_age_max=12,
    )
    client = Client()

    def titles(query):
        html = client.get(LIST, query).content.decode()
        return {t for t in ("本周近处活动", "下月远处活动", "寒假托管营") if t in html}

    assert titles({}) == {"本周近处活动", "下月远处活动", "寒假托管营"}
    assert titles({"week": "1"}) == {"本周近处活动"}
    assert titles({"kind": "camp"}) == {"寒假托管营"}
    assert titles({"children": "1"}) == {"寒假托管营"}
    assert titles({"near": "1", "lat": "30.001", "lng": "100.0"}) == {"本周近处活动"}  # 5 km, not 22 km
    # "near me" without coordinates yet: the page asks the browser, and lists everything meanwhile
    response = client.get(LIST, {"near": "1"})
    assert b'data-testid="locate-status"' in response.content
    assert client.get(LIST, {"lat": "bad", "near": "1", "kind": "nope"}).status_code == 200


def test_detail_for_anyone_with_sessions_place_links_eligibility_and_counts(futian):
    here = Position.objects.create(
        org=futian, kind="service_center", name="福田职工书院", address="福华路1号", lat=22.54, lng=114.05
    )
    act = activity(
        futian,
        sessions=3,
        title="AI 办公技能课",
        position=here,
        delivery=Delivery.MIXED,
        online_url="https://live.example.com/room",
        capacity=30,
        occupations=["delivery_rider"],
    )
    first = act.sessions.first()
    first.replay_url = "https://replay.example.com/1"
    first.live_url = "https://live.example.com/1"
    first.save()
    response = Client().get(detail(act))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="session"') == 3
    assert "https://live.example.com/1" in html
    assert "https://replay.example.com/1" not in html  # the session has not happened yet
    assert "uri.amap.com" in html  # navigate link for a positioned activity
    assert "Union members only." in html and "Food delivery rider" in html
    assert 'data-testid="count-capacity">30<' in html
    assert 'data-testid="login-to-enrol"' in html and "next=%2Fh5%2Factivities%2F" in html
    assert 'data-testid="enrol-self"' not in html


def test_draft_is_not_found_and_bad_id_too(futian):
    draft = activity(futian, status=ActivityStatus.DRAFT)
    assert Client().get(detail(draft)).status_code == 404
    assert Client().get(reverse("h5:activity_ics", args=[draft.pk])).status_code == 404


def test_detail_offers_one_button_per_eligible_child_with_its_own_key(futian):
    camp = activity(
        futian,
        kind=ActivityKind.CAMP,
        for_children=True,
        child_age_min=6,
        child_age_max=12,
        title="寒假托管营",
    )
    user, person = worker(futian)
    child(person, age=8, at=camp.starts_at, name="小明")
    child(person, age=15, at=camp.starts_at, name="大明")
    html = logged_in(user).get(detail(camp)).content.decode()
    assert html.count('data-testid="enrol-child"') == 1
    assert "Enrol 小明" in html
    assert 'data-testid="enrol-not-eligible"' in html and "大明" in html
    assert 'data-testid="enrol-self"' not in html
    keys = [chunk.split('"')[0] for chunk in html.split('name="key" value="')[1:]]
    assert len(keys) == 1 and len(keys[0]) == 32


def test_detail_for_a_member_and_for_a_worker_without_member_data(futian):
    act = activity(futian, title="讲座")
    user, _person = worker(futian)
    html = logged_in(user).get(detail(act)).content.decode()
    assert 'data-testid="enrol-self"' in html
    enrolment_create(actor=user, activity=act, person=_person)
    html = logged_in(user).get(detail(act)).content.decode()
    assert 'data-testid="already-mine"' in html and 'data-testid="enrol-self"' not in html

    from tests.activities.support import worker_user

    html = logged_in(worker_user()).get(detail(act)).content.decode()
    assert "join the union" in html and 'data-testid="enrol-self"' not in html


def test_closed_registration_shows_why_instead_of_buttons(futian):
    now = timezone.now()
    act = activity(futian, registration_opens_at=now + dt.timedelta(days=3))
    user, _person = worker(futian)
    html = logged_in(user).get(detail(act)).content.decode()
    assert 'data-testid="enrol-closed"' in html and "Registration opens" in html
    assert 'data-testid="enrol-self"' not in html


def test_ical_download(futian):
    act = activity(futian, sessions=2, title="课程")
    response = Client().get(reverse("h5:activity_ics", args=[act.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert f"http://testserver/h5/activities/{act.pk}/" in body.replace("\r\n ", "")


def test_a_replay_link_shows_only_after_its_session_has_ended(futian):
    """Issue 16: a replay link set ahead (a placeholder, last term's recording) is not offered
    before the session happens; once it has ended, it is."""
    start = timezone.now() - dt.timedelta(days=1, hours=1)  # day 1 ended yesterday, day 2 ends in an hour
    act = activity(
        futian,
        sessions=2,
        starts_at=start,
        registration_opens_at=start - dt.timedelta(days=3),
        registration_closes_at=start - dt.timedelta(days=1),
    )
    ended, upcoming = list(act.sessions.order_by("starts_at"))
    assert ended.ends_at < timezone.now() < upcoming.ends_at
    for n, s in enumerate((ended, upcoming), 1):
        s.replay_url = f"https://replay.example.com/{n}"
        s.save()
    html = Client().get(detail(act)).content.decode()
    assert "https://replay.example.com/1" in html
    assert "https://replay.example.com/2" not in html
    assert html.count('data-testid="replay-link"') == 1


def test_a_member_sees_their_own_city_first_and_can_widen_it(demo):
    """A member of a 深圳 union sees 深圳's activities by default (by date), not 中山's; the
    "Everywhere" choice shows both; someone logged out sees everything."""
    mine = activity(demo.org("福田区总"), title="深圳的活动")
    other = activity(demo.org("中山市总"), title="中山的活动")
    user, _p = worker(demo.org("福保精密工会"))
    client = Client()
    client.force_login(user)
    html = client.get(reverse("h5:activity_list")).content.decode()
    assert mine.title in html and other.title not in html
    assert "深圳市总" in html.split('data-testid="filter-area"')[1][:400]
    wide = client.get(reverse("h5:activity_list"), {"area": "all"}).content.decode()
    assert mine.title in wide and other.title in wide
    assert client.get(reverse("h5:activity_list"), {"area": "x" * 500}).status_code == 200
    public = Client().get(reverse("h5:activity_list")).content.decode()
    assert mine.title in public and other.title in public and 'data-testid="filter-area"' not in public
