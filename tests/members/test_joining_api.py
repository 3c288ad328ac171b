"""/api/v1/join-applications, /api/v1/unions/search and /api/v1/transfers: contract, workers
only for applying, scope (404 outside, 403 inside without the capability), masking, error codes."""

import pytest
from django.core.cache import cache

from zhijia.accounts.services import worker_for_phone
from zhijia.members.models import JoinApplication, Membership, Person, Transfer

from .joining_support import NOTICE, apply_to, cn_id, member_of, person

URL = "/api/v1/join-applications"


def body(org, seq=1, **extra):
    return {**person(seq), "workplace_org_id": str(org.pk), "consent_version": NOTICE, **extra}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def worker_api(api_client):
    """An API client logged in (bearer token) as a new worker account of `phone`."""

    def make(phone: str = "13900006666"):
        return api_client.__class__().login(worker_for_phone(phone=phone).username)

    return make


def test_worker_apply_answers_the_contract(demo, worker_api):
    response = worker_api().post(URL, body(demo.org("河套科创工会")))
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "status", "org_id", "org_name", "due_on", "routed"}
    assert data["status"] == "submitted" and data["routed"] is False
    assert data["org_name"] == "深圳河套深港科创有限公司工会委员会"
    app = JoinApplication.objects.get(pk=data["id"])
    assert app.source == "api" and app.due_on.isoformat() == data["due_on"] and not app.notify_employer


def test_applying_needs_a_worker_account(demo, api_client):
    payload = body(demo.org("河套科创工会"))
    anonymous = api_client.post(URL, payload)
    assert anonymous.status_code == 401
    session_less = api_client.post(URL, {})  # not even the body is looked at
    assert session_less.status_code == 401
    staff = api_client.__class__().login("futian_staff").post(URL, payload)
    assert staff.status_code == 403 and staff.json()["code"] == "worker_only"
    assert not JoinApplication.objects.exists() and not Person.objects.exists()


def test_routed_application_and_error_codes(demo, worker_api):
    api = worker_api()
    routed = {**person(2), "work_org_id": str(demo.org("福保街道").pk), "consent_version": NOTICE}
    assert api.post(URL, routed).json()["routed"] is True
    no_consent = api.post(URL, body(demo.org("河套科创工会"), 3, consent_version=""))
    assert no_consent.status_code == 400 and no_consent.json()["code"] == "consent_required"
    wrong = api.post(URL, body(demo.org("福田区总"), 4))
    assert wrong.status_code == 400 and wrong.json()["fields"].keys() == {"workplace_org_id"}
    again = api.post(URL, {**routed, "workplace_org_id": str(demo.org("河套科创工会").pk)})
    assert again.status_code == 409 and again.json()["code"] == "application_open"
    bad_id = api.post(URL, body(demo.org("河套科创工会"), 5, id_number="440304199003070000"))
    assert bad_id.status_code == 400 and "id_number" in bad_id.json()["fields"]
    taken = worker_api("13900007777").post(URL, routed)  # person 2 belongs to the first account
    assert taken.status_code == 409 and taken.json()["code"] == "identity_in_use"
    assert JoinApplication.objects.count() == 1


def test_apply_is_rate_limited_per_account(demo, worker_api, settings, frozen_clock):
    settings.JOIN_APPLY_PER_MINUTE = 2
    api = worker_api()
    codes = [api.post(URL, body(demo.org("福田区总"), seq)).status_code for seq in range(3)]
    assert codes == [400, 400, 429]
    other = worker_api("13900007777")  # same address, another account: its own allowance
    assert other.post(URL, body(demo.org("福田区总"), 9)).status_code == 400


def test_worker_applies_as_themself_and_reads_their_own(demo, api_client):
    worker = worker_for_phone(phone="13900006666")
    api = api_client.login(worker.username)
    data = {**body(demo.org("河套科创工会")), "phone": "13800000000"}  # not a field: ignored
    created = api.post(URL, data).json()
    app = JoinApplication.objects.select_related("person").get(pk=created["id"])
    assert app.person.user == worker and app.person.phone == "13900006666"
    mine = api.get(f"{URL}/{app.pk}")
    assert mine.status_code == 200
    shown = mine.json()["person"]
    assert shown["id_number"] == cn_id(1)[:4] + "*" * 10 + cn_id(1)[-4:]
    assert shown["phone"] == "139****6666" and shown["name"] == "李*手"
    other = api_client.__class__().login(worker_for_phone(phone="13900007777").username)
    assert other.get(f"{URL}/{app.pk}").status_code == 404
    assert api_client.__class__().get(f"{URL}/{app.pk}").status_code == 401  # anonymous
    assert api.post(f"{URL}/{app.pk}/approve").status_code == 404  # a worker is no reviewer
    assert api.post(f"{URL}/{app.pk}/withdraw").json()["status"] == "withdrawn"


def test_staff_read_in_scope_only(demo, api_client):
    app = apply_to(demo.org("河套科创工会"))
    got = api_client.login("futian_staff").get(f"{URL}/{app.pk}")
    assert got.status_code == 200 and got.json()["working_days_left"] == 15
    assert api_client.login("baoan_staff").get(f"{URL}/{app.pk}").status_code == 404
    assert (
        api_client.login("auditor").get(f"{URL}/{app.pk}").status_code == 403
    )  # in scope, no members.review


def test_review_endpoints(demo, api_client):
    api = api_client.login("futian_staff")
    first, second, third = (apply_to(demo.org("河套科创工会"), seq) for seq in (1, 2, 3))
    approved = api.post(f"{URL}/{first.pk}/approve").json()
    assert approved["status"] == "approved" and approved["member_no"].startswith("440304")
    assert api.post(f"{URL}/{first.pk}/approve").json()["code"] == "invalid_transition"
    assert api.post(f"{URL}/{second.pk}/reject", {"reason": ""}).json()["code"] == "reason_required"
    assert api.post(f"{URL}/{second.pk}/reject", {"reason": "重复申请"}).json()["reason"] == "重复申请"
    moved = api.post(f"{URL}/{third.pk}/forward", {"org_id": str(demo.org("福保精密工会").pk)}).json()
    assert moved["org_id"] == str(demo.org("福保精密工会").pk)
    assert moved["forwarded_from_id"] == str(demo.org("河套科创工会").pk)
    outside = api_client.login("baoan_staff").post(f"{URL}/{third.pk}/approve")
    assert outside.status_code == 404 and not Membership.objects.filter(person=third.person).exists()


def test_staff_list_filters_and_query_count(demo, api_client, django_assert_max_num_queries):
    for seq in range(1, 6):
        apply_to(demo.org("河套科创工会"), seq)
    api = api_client.login("futian_staff")
    with django_assert_max_num_queries(12):
        page = api.get(URL, {"limit": 3}).json()
    assert page["count"] == 5 and len(page["items"]) == 3
    assert api.get(URL, {"overdue": "true"}).json()["count"] == 0
    assert api_client.login("baoan_staff").get(URL).json()["count"] == 0
    assert api_client.login("auditor").get(URL).status_code == 403


def test_union_search_is_public(demo, api_client):
    found = api_client.get("/api/v1/unions/search", {"q": "hetao"}).json()
    assert {u["name"] for u in found} == {
        "深圳河套深港科创有限公司工会委员会",
        "河套深港职工服务中心联合工会",
    }
    area = api_client.get("/api/v1/unions/search", {"q": "fbjd", "kind": "area"}).json()
    assert [u["short_name"] for u in area] == ["福保街道"] and area[0]["parent_name"] == "福田区总"
    assert api_client.get("/api/v1/unions/search", {"q": "福田区总", "kind": "area"}).json() == []


def test_transfers_api(demo, api_client):
    owner = worker_for_phone(phone="13900008888")
    membership = member_of(demo.org("河套科创工会"), actor=owner)
    payload = {
        "membership_id": str(membership.pk),
        "to_org_id": str(demo.org("臣田园区").pk),
        "reason": "搬家",
    }
    assert api_client.login("baoan_staff").post("/api/v1/transfers", payload).status_code == 404
    stranger = api_client.__class__().login(worker_for_phone(phone="13900009999").username)
    assert stranger.post("/api/v1/transfers", payload).status_code == 404
    created = api_client.__class__().login(owner.username).post("/api/v1/transfers", payload)
    assert created.status_code == 201 and created.json()["person_name"] == "李*手"
    tr = created.json()["id"]
    sender = api_client.__class__().login("futian_staff")
    assert sender.post(f"/api/v1/transfers/{tr}/accept").status_code == 403
    assert sender.get("/api/v1/transfers", {"direction": "out"}).json()["count"] == 1
    assert (
        api_client.__class__().login("expert_demo").post(f"/api/v1/transfers/{tr}/accept").status_code == 404
    )
    accepted = api_client.__class__().login("xixiang_staff").post(f"/api/v1/transfers/{tr}/accept").json()
    assert accepted["status"] == "accepted" and accepted["new_member_no"].startswith("440306")
    assert Transfer.objects.get(pk=tr).new_membership.org == demo.org("臣田园区")
