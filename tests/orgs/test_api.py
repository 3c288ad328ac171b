"""/api/v1/orgs: scope (404 outside, 403 inside without orgs.manage), writes, rendering."""

import pytest

from zhijia.orgs.models import Org
from zhijia.orgs.services import org_update

FIELDS = {
    "id",
    "name",
    "short_name",
    "level",
    "uscc",
    "division_code",
    "parent_id",
    "path",
    "depth",
    "status",
    "contact_name",
    "contact_phone",
}


def snapshot():
    return list(
        Org.objects.order_by("path").values_list("id", "name", "path", "status", "level", "parent_id")
    )


def test_get_out_of_scope_is_404_and_in_scope_is_200(demo, api_client):
    api = api_client.login("futian_staff")
    assert api.get(f"/api/v1/orgs/{demo.org('宝安区总').pk}").status_code == 404
    response = api.get(f"/api/v1/orgs/{demo.org('福保街道').pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS
    assert body["short_name"] == "福保街道" and body["parent_id"] == str(demo.org("福田区总").pk)


def test_missing_and_malformed_ids_are_404(demo, api_client):
    api = api_client.login("futian_staff")
    assert api.get("/api/v1/orgs/0190aaaa-0000-7000-8000-000000000000").status_code == 404
    assert api.get("/api/v1/orgs/not-a-uuid").status_code in {404, 422, 400}


def test_anonymous_is_401(demo, api_client):
    assert api_client.get("/api/v1/orgs").status_code == 401


def test_contact_phone_is_masked(demo, api_client):
    org = demo.org("福保街道")
    org_update(actor=None, org=org, contact_phone="13812345678")
    body = api_client.login("futian_staff").get(f"/api/v1/orgs/{org.pk}").json()
    assert body["contact_phone"] == "138****5678"


def test_list_is_paginated_scoped_and_searchable(demo, api_client):
    api = api_client.login("futian_staff")
    body = api.get("/api/v1/orgs", {"limit": 2}).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert api.get("/api/v1/orgs", {"limit": 100000}).status_code == 400  # above the 500 cap
    assert body["items"][0]["short_name"] == "福田区总"
    children = api.get("/api/v1/orgs", {"parent": str(demo.org("福田区总").pk)}).json()
    assert [o["short_name"] for o in children["items"]] == ["福保街道"]
    found = api.get("/api/v1/orgs", {"q": "hetao"}).json()
    assert {o["short_name"] for o in found["items"]} == {"河套科创工会", "河套联合工会"}
    assert api.get("/api/v1/orgs", {"parent": str(demo.org("宝安区总").pk)}).status_code == 404


def test_viewer_cannot_create_and_nothing_changes(demo, api_client, make_user):
    make_user("viewer1", role="viewer", org=demo.org("福田区总"))
    before = snapshot()
    response = api_client.login("viewer1").post(
        "/api/v1/orgs", {"parent_id": str(demo.org("福保街道").pk), "name": "新工会", "level": "grassroots"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("patch", "", {"short_name": "改"}), ("post", "/move", None), ("post", "/dissolve", {})],
)
def test_read_only_writes_are_403_and_change_nothing(demo, api_client, make_user, method, suffix, body):
    make_user("futian_viewer", role="viewer", org=demo.org("福田区总"))
    org = demo.org("河套联合工会")
    if body is None:
        body = {"parent_id": str(demo.org("福保街道").pk)}
    before = snapshot()
    response = getattr(api_client.login("futian_viewer"), method)(f"/api/v1/orgs/{org.pk}{suffix}", body)
    assert response.status_code == 403
    assert snapshot() == before


def test_writes_outside_scope_are_404(demo, api_client, make_user):
    make_user("futian_admin", role="admin", org=demo.org("福田区总"))
    api = api_client.login("futian_admin")
    before = snapshot()
    baoan = demo.org("西乡街道")
    assert api.patch(f"/api/v1/orgs/{baoan.pk}", {"short_name": "x"}).status_code == 404
    assert (
        api.post("/api/v1/orgs", {"parent_id": str(baoan.pk), "name": "x", "level": "grassroots"}).status_code
        == 404
    )
    # Moving an own unit under a unit outside scope is a 404 too.
    org = demo.org("河套联合工会")
    assert api.post(f"/api/v1/orgs/{org.pk}/move", {"parent_id": str(baoan.pk)}).status_code == 404
    assert snapshot() == before


def test_admin_create_update_move_dissolve(demo, api_client):
    api = api_client.login("shenzhen_admin")
    street = demo.org("福保街道")
    created = api.post(
        "/api/v1/orgs",
        {
            "parent_id": str(street.pk),
            "name": "测试工会",
            "level": "grassroots",
            "contact_phone": "13900001111",
            "status": "dissolved",
        },
    )
    assert created.status_code == 201
    org = created.json()
    assert org["status"] == "active"  # not mass-assignable
    assert org["contact_phone"] == "139****1111"
    assert org["path"].startswith(street.path)

    patched = api.patch(f"/api/v1/orgs/{org['id']}", {"short_name": "测试", "level": "city"})
    assert patched.status_code == 400
    assert patched.json()["code"] == "bad_level" and "level" in patched.json()["fields"]
    patched = api.patch(f"/api/v1/orgs/{org['id']}", {"short_name": "测试"})
    assert patched.status_code == 200 and patched.json()["short_name"] == "测试"

    target = demo.org("西乡工联会")
    moved = api.post(f"/api/v1/orgs/{org['id']}/move", {"parent_id": str(target.pk)})
    assert moved.status_code == 200
    assert moved.json()["parent_id"] == str(target.pk) and moved.json()["path"].startswith(target.path)

    refused = api.post(f"/api/v1/orgs/{target.pk}/dissolve")
    assert refused.status_code == 409 and refused.json()["code"] == "has_active_children"
    dissolved = api.post(f"/api/v1/orgs/{org['id']}/dissolve")
    assert dissolved.status_code == 200 and dissolved.json()["status"] == "dissolved"


def test_invalid_fields_are_named(demo, api_client):
    api = api_client.login("shenzhen_admin")
    response = api.post(
        "/api/v1/orgs",
        {
            "parent_id": str(demo.org("福保街道").pk),
            "name": "x",
            "level": "grassroots",
            "uscc": "91350100M000100Y44",
            "division_code": "12",
        },
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"uscc", "division_code"}
    taken = api.post(
        "/api/v1/orgs",
        {
            "parent_id": str(demo.org("福保街道").pk),
            "name": "x",
            "level": "grassroots",
            "uscc": demo.org("河套科创工会").uscc,
        },
    )
    assert taken.status_code == 409 and taken.json()["code"] == "uscc_taken"
