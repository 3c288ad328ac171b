"""The enrolment API contract the mini-program relies on: exact shapes and codes."""

import pytest
from django.urls import reverse

from zhijia.activities.enums import ActivityStatus
from zhijia.activities.models import Enrolment

from .support import activity, child, member, worker


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


def as_worker(api_client, user):
    from zhijia.accounts.tokens import token_issue

    api_client.token, _ = token_issue(user=user)
    return api_client


def url(act):
    return f"/api/v1/activities/{act.pk}/enrolments"


def test_worker_enrols_and_gets_the_exact_201_shapes(api_client, futian):
    act = activity(futian, capacity=1)
    (u1, _p1), (u2, _p2) = worker(futian), worker(futian)
    r1 = as_worker(api_client, u1).post(url(act))
    assert r1.status_code == 201
    first = Enrolment.objects.get(person__user=u1)
    assert r1.json() == {"id": str(first.pk), "status": "confirmed", "waitlist_position": None}
    r2 = as_worker(api_client, u2).post(url(act))
    second = Enrolment.objects.get(person__user=u2)
    assert r2.status_code == 201
    assert r2.json() == {"id": str(second.pk), "status": "waitlisted", "waitlist_position": 1}


def test_409_codes(api_client, futian):
    user, _person = worker(futian)
    other, _ = worker(futian)
    client = as_worker(api_client, user)
    full = activity(futian, capacity=0, waitlist_enabled=False)
    closed = activity(futian, status=ActivityStatus.CANCELLED)
    open_ = activity(futian)
    assert client.post(url(open_)).status_code == 201
    for act, code in ((open_, "already_enrolled"), (closed, "closed"), (full, "full")):
        response = client.post(url(act))
        assert response.status_code == 409
        assert response.json()["code"] == code
        assert set(response.json()) == {"code", "message", "fields"}
    assert as_worker(api_client, other).post(url(full)).json()["code"] == "full"


def test_idempotency_key_replays(api_client, futian):
    user, _ = worker(futian)
    act = activity(futian)
    client = as_worker(api_client, user)
    one = client.post(url(act), headers={"Idempotency-Key": "k-1"})
    two = client.post(url(act), headers={"Idempotency-Key": "k-1"})
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert Enrolment.objects.filter(activity=act).count() == 1


def test_not_eligible_403_and_422(api_client, futian, demo):
    user, person = worker(futian)
    client = as_worker(api_client, user)
    for_others = activity(futian, occupations=["delivery_rider"])
    response = client.post(url(for_others))
    assert response.status_code == 403
    assert response.json()["code"] == "not_eligible" and "occupations" in response.json()["fields"]
    camp = activity(futian, for_children=True)
    response = client.post(url(camp))
    assert (response.status_code, response.json()["code"]) == (422, "not_eligible")
    foreign = child(member(futian))
    response = client.post(url(camp), {"child_id": str(foreign.pk)})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    mine = child(person, age=8)
    response = client.post(url(camp), {"child_id": str(mine.pk)})
    assert response.status_code == 201


def test_worker_cannot_enrol_someone_else_and_delete_cancels(api_client, futian):
    user, _ = worker(futian)
    stranger = member(futian)
    act = activity(futian)
    client = as_worker(api_client, user)
    assert client.post(url(act), {"person_id": str(stranger.pk)}).status_code == 404
    created = client.post(url(act)).json()
    response = client.delete(f"/api/v1/enrolments/{created['id']}")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Enrolment.objects.get(pk=created["id"]).status == "cancelled"
    mine = client.get("/api/v1/me/enrolments").json()
    assert [e["id"] for e in mine] == [created["id"]]
    draft = activity(futian, status=ActivityStatus.DRAFT)
    assert client.post(url(draft)).status_code == 404


def test_staff_enrol_on_behalf_offer_accept_and_scope(api_client, futian, demo):
    act = activity(futian, capacity=1)
    a, b = member(futian), member(futian)
    staff = api_client.login("futian_staff")
    assert staff.post(url(act)).status_code == 400  # person_id required
    first = staff.post(url(act), {"person_id": str(a.pk)}).json()
    second = staff.post(url(act), {"person_id": str(b.pk)}).json()
    assert staff.delete(f"/api/v1/enrolments/{first['id']}").status_code == 200
    response = staff.post(f"/api/v1/enrolments/{second['id']}/accept")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    outsider = api_client.login("baoan_staff")
    assert outsider.post(url(act), {"person_id": str(a.pk)}).status_code == 404


def test_approve_reject_and_bulk(api_client, futian):
    act = activity(futian, capacity=3, requires_approval=True, waitlist_enabled=False)
    people = [member(futian) for _ in range(4)]
    staff = api_client.login("futian_staff")
    body = {"person_ids": [str(p.pk) for p in people], "mode": "all_or_nothing"}
    response = staff.post(url(act) + "/bulk", body)
    assert response.status_code == 200
    data = response.json()
    assert data["all_or_nothing"] is True and data["enrolled"] == 0
    assert [r["code"] for r in data["results"]] == [None, None, None, "full"]
    body["mode"] = "partial"
    data = staff.post(url(act) + "/bulk", body).json()
    assert [r["status"] for r in data["results"]] == ["pending_approval"] * 3 + [None]
    ids = list(Enrolment.objects.filter(activity=act).values_list("pk", flat=True))
    assert staff.post(f"/api/v1/enrolments/{ids[0]}/approve").json()["status"] == "confirmed"
    response = staff.post(f"/api/v1/enrolments/{ids[1]}/reject", {"reason": "不符合"})
    assert response.json()["status"] == "rejected"
    assert staff.post(f"/api/v1/enrolments/{ids[1]}/approve").json()["code"] == "invalid_transition"


def test_someone_elses_child_answers_404_in_the_api_as_on_the_phone(api_client, futian, client):
    """One entry point (activities.permissions.enrolment_target): someone else's child, an
    unknown child id and another activity's session answer the same 404 in both interfaces,
    and the message does not tell whether the id exists."""
    import uuid

    user, person = worker(futian)
    camp = activity(futian, for_children=True)
    other = activity(futian)
    foreign = child(member(futian), age=8, at=camp.starts_at)
    api = as_worker(api_client, user)
    answers = [
        api.post(url(camp), {"child_id": str(foreign.pk)}),
        api.post(url(camp), {"child_id": str(uuid.uuid4())}),
    ]
    assert [r.status_code for r in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    client.force_login(user)
    phone = client.post(reverse("h5:activity_enrol", args=[camp.pk]), {"key": "k", "child": str(foreign.pk)})
    assert phone.status_code == 404
    session_elsewhere = other.sessions.first()
    if session_elsewhere is not None:
        r = api.post(url(camp), {"session_id": str(session_elsewhere.pk)})
        assert r.status_code == 404
    staff = api_client.login("futian_staff")
    r = staff.post(url(camp), {"person_id": str(person.pk), "child_id": str(foreign.pk)})
    assert r.status_code == 404
