"""/api/v1 activities: public list and detail, staff writes with scoping, check-in, rating."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import activity, worker
from zhijia.accounts.services import user_create
from zhijia.activities.enums import ActivityStatus
from zhijia.activities.models import Activity
from zhijia.activities.services import checkin
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant

pytestmark = pytest.mark.django_db


def _viewer(demo):
    org = demo.org("福田区总")
    user = user_create(actor=None, username="futian_viewer", password=demo.password, org=org)
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code="viewer"))
    return user


def test_public_list_shows_published_only_with_filters(demo, api_client):
    futian, baoan = demo.org("福田区总"), demo.org("宝安区总")
    shown = activity(futian, kind="lecture", category="讲座")
    activity(futian, status=ActivityStatus.DRAFT)
    other = activity(baoan)
    body = api_client.get("/api/v1/activities").json()
    assert {i["id"] for i in body["items"]} == {str(shown.pk), str(other.pk)}
    assert body["items"][0]["capacity"] == 10 and "confirmed_count" in body["items"][0]
    by_org = api_client.get("/api/v1/activities", {"org": str(futian.pk)}).json()
    assert [i["id"] for i in by_org["items"]] == [str(shown.pk)]
    assert api_client.get("/api/v1/activities", {"kind": "camp"}).json()["count"] == 0
    later = (timezone.localdate() + dt.timedelta(days=100)).isoformat()
    assert api_client.get("/api/v1/activities", {"from": later}).json()["count"] == 0


def test_public_list_has_no_n_plus_one(demo, api_client, django_assert_max_num_queries):
    org = demo.org("福田区总")
    for _ in range(3):
        activity(org, sessions=2)
    with django_assert_max_num_queries(6) as few:
        assert api_client.get("/api/v1/activities").json()["count"] == 3
    for _ in range(10):
        activity(org, sessions=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get("/api/v1/activities").json()["count"] == 13


def test_detail_shape(demo, api_client):
    org = demo.org("福田区总")
    act = activity(
        org, capacity=1, for_children=False, occupations=["courier"], limit_group="寒假", limit_count=1
    )
    (u1, p1), (u2, p2) = worker(org, occupation="courier"), worker(org, occupation="courier")
    enrolment_create(actor=u1, activity=act, person=p1)
    enrolment_create(actor=u2, activity=act, person=p2)
    body = api_client.get(f"/api/v1/activities/{act.pk}").json()
    assert (body["capacity"], body["confirmed_count"], body["waitlist_count"]) == (1, 1, 1)
    assert body["registration_opens_at"] and body["registration_closes_at"]
    assert len(body["sessions"]) == 1
    assert "Union members only." in body["eligibility"]
    assert any("Courier" in line for line in body["eligibility"])
    draft = activity(org, status=ActivityStatus.DRAFT)
    assert api_client.get(f"/api/v1/activities/{draft.pk}").status_code == 404
    assert api_client.get("/api/v1/activities/not-a-uuid").status_code == 404


def test_calendar_ics(demo, api_client):
    act = activity(demo.org("福田区总"), sessions=2)
    response = api_client.get(f"/api/v1/activities/{act.pk}/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response.content.count(b"BEGIN:VEVENT") == 2


def _create_body(org):
    start = timezone.now() + dt.timedelta(days=20)
    return {
        "org_id": str(org.pk),
        "kind": "course",
        "title": "无人机培训",
        "capacity": 20,
        "sessions": [
            {
                "starts_at": (start + dt.timedelta(days=i)).isoformat(),
                "ends_at": (start + dt.timedelta(days=i, hours=2)).isoformat(),
            }
            for i in range(3)
        ],
    }


def test_staff_create_publish_duplicate_cancel(demo, api_client):
    api = api_client.login("futian_staff")
    created = api.post("/api/v1/activities", _create_body(demo.org("福保街道")))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and len(created.json()["sessions"]) == 3
    patched = api.patch(f"/api/v1/activities/{pk}", {"summary": "说明", "capacity": 25})
    assert patched.status_code == 200 and patched.json()["capacity"] == 25
    assert api.post(f"/api/v1/activities/{pk}/publish").json()["status"] == "published"
    copy = api.post(f"/api/v1/activities/{pk}/duplicate")
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    cancelled = api.post(f"/api/v1/activities/{pk}/cancel", {"reason": "场地维修"})
    assert cancelled.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/activities/{pk}/cancel", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    bad = api.post("/api/v1/activities", {**_create_body(demo.org("福田区总")), "title": ""})
    assert bad.status_code == 400 and "title" in bad.json()["fields"]


def test_scoping_404_outside_403_for_viewers(demo, api_client):
    baoan_act = activity(demo.org("宝安区总"), status=ActivityStatus.DRAFT)
    futian_act = activity(demo.org("福田区总"))
    api = api_client.login("futian_staff")
    assert api.patch(f"/api/v1/activities/{baoan_act.pk}", {"title": "x"}).status_code == 404
    assert api.post(f"/api/v1/activities/{baoan_act.pk}/publish").status_code == 404
    assert api.get(f"/api/v1/activities/{baoan_act.pk}/roster").status_code == 404
    assert api.post("/api/v1/activities", _create_body(demo.org("宝安区总"))).status_code == 404
    session = baoan_act.sessions.get()
    assert api.get(f"/api/v1/sessions/{session.pk}/checkin-code").status_code == 404
    _viewer(demo)
    viewer = api_client.__class__().login("futian_viewer")
    assert viewer.patch(f"/api/v1/activities/{futian_act.pk}", {"title": "x"}).status_code == 403
    assert viewer.post(f"/api/v1/activities/{futian_act.pk}/cancel", {"reason": "x"}).status_code == 403
    assert viewer.post("/api/v1/activities", _create_body(demo.org("福田区总"))).status_code == 403
    futian_act.refresh_from_db()
    assert futian_act.status == ActivityStatus.PUBLISHED and futian_act.title != "x"
    assert Activity.objects.count() == 2


def test_roster_endpoint_is_masked(demo, api_client):
    org = demo.org("福田区总")
    act = activity(org)
    user, person = worker(org, name="欧阳娜娜")
    enrolment_create(actor=user, activity=act, person=person)
    body = api_client.login("futian_staff").get(f"/api/v1/activities/{act.pk}/roster").json()
    assert body["rows"][0]["name"] == "欧**娜" and body["rows"][0]["attended_count"] == 0


def test_checkin_flow_over_the_api(demo, api_client):
    org = demo.org("福田区总")
    act = activity(org, allow_walk_ins=True)
    session = act.sessions.get()
    user, person = worker(org)
    enrolment = enrolment_create(actor=user, activity=act, person=person)
    staff = api_client.login("futian_staff")
    code = staff.get(f"/api/v1/sessions/{session.pk}/checkin-code").json()
    assert code["refresh_seconds"] == 30 and code["url"].endswith(f"{code['code']}/")
    from zhijia.accounts.tokens import token_issue

    me = api_client.__class__()
    me.token, _ = token_issue(user=user)
    first = me.post("/api/v1/checkins", {"code": code["code"]})
    assert first.status_code == 200, first.json()
    assert me.post("/api/v1/checkins", {"code": code["code"]}).json()["id"] == first.json()["id"]
    assert me.post("/api/v1/checkins", {"code": "nonsense"}).json()["code"] == "bad_checkin_code"
    marked = staff.post(f"/api/v1/sessions/{session.pk}/checkins", {"enrolment_id": str(enrolment.pk)})
    assert marked.json()["id"] == first.json()["id"]
    walk_in = staff.post(f"/api/v1/sessions/{session.pk}/checkins", {"visitor_group": "courier"})
    assert walk_in.status_code == 200 and walk_in.json()["name"] == ""
    assert staff.post(f"/api/v1/sessions/{session.pk}/checkins", {}).status_code == 400
    rated = me.post(f"/api/v1/enrolments/{enrolment.pk}/rating", {"rating": 5, "comment": "好"})
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    assert staff.post(f"/api/v1/enrolments/{enrolment.pk}/rating", {"rating": 5}).status_code == 404
    assert checkin.WINDOW_SECONDS == 30
