"""The public API contract: published lists and plans only, org subtree filter, query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijia.catalog import services

from .conftest import make_list, make_plan


def test_lists_are_public_and_only_published(client, demo, futian, fubao_list, baoan_list):
    make_list(demo.org("福保街道"), futian, title="草稿清单", publish=False)
    response = client.get("/api/v1/service-lists")
    assert response.status_code == 200
    titles = {row["title"] for row in response.json()}
    assert titles == {"测试服务清单", "宝安服务清单"}
    futian_only = client.get("/api/v1/service-lists", {"org": str(demo.org("福田区总").pk)}).json()
    assert [row["title"] for row in futian_only] == ["测试服务清单"]
    row = futian_only[0]
    assert row["version"] == 1 and row["org"]["name"] == "福田区福保街道总工会" and row["published_at"]


def test_unknown_org_is_404(client, demo):
    response = client.get("/api/v1/service-lists", {"org": "7d2f5a4e-1111-4c1b-9a1e-000000000000"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_detail_shows_the_current_published_version(client, demo, futian, fubao_list):
    from zhijia.positions.models import Position

    station = Position.objects.create(
        org=demo.org("福保街道"), kind="outdoor_station", name="福保驿站", address="福保", lat=22.5, lng=114.0
    )
    draft = services.service_list_draft(actor=futian, service_list=fubao_list)
    category = draft.categories.get()
    services.item_add(
        actor=futian, category=category, name="充电", access_modes=["walk_in", "phone"], positions=[station]
    )
    before = client.get(f"/api/v1/service-lists/{fubao_list.pk}").json()
    assert before["version"] == 1 and [i["name"] for i in before["categories"][0]["items"]] == [
        "职工书屋",
        "咖啡坊",
    ]
    services.service_list_publish(actor=futian, service_list=fubao_list)
    body = client.get(f"/api/v1/service-lists/{fubao_list.pk}").json()
    assert body["version"] == 2
    item = body["categories"][0]["items"][-1]
    assert item["positions"] == [{"id": str(station.pk), "name": "福保驿站"}]
    assert [m["code"] for m in item["access_modes"]] == ["walk_in", "phone"]
    assert set(item) >= {"description", "audience", "contact"}


def test_detail_404_without_published_version(client, demo, futian):
    draft_only = make_list(demo.org("福保街道"), futian, publish=False)
    assert client.get(f"/api/v1/service-lists/{draft_only.pk}").status_code == 404
    assert client.get("/api/v1/service-lists/not-a-uuid").status_code == 404


def test_plans_with_totals(client, demo, futian):
    plan, _ = make_plan(demo.org("福保街道"), futian)
    make_plan(demo.org("福保街道"), futian, title="草稿计划", publish=False)
    body = client.get("/api/v1/activity-plans", {"year": 2026}).json()
    assert [p["title"] for p in body] == [plan.title]
    assert body[0]["totals"] == {
        "planned": 3,
        "planned_times": 3,
        "held": 1,
        "held_times": 2,
        "cancelled": 1,
        "planned_participants": 150,
        "participants": 130,
    }
    assert [e["month"] for e in body[0]["entries"]] == [1, 3, 3]
    assert client.get("/api/v1/activity-plans", {"year": 2025}).json() == []
    baoan = client.get("/api/v1/activity-plans", {"org": str(demo.org("宝安区总").pk)}).json()
    assert baoan == []


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_rows(client, demo, futian):
    org = demo.org("福保街道")
    make_list(org, futian, title="一")
    make_plan(org, futian, title="一")
    lists_one, plans_one = _count(client, "/api/v1/service-lists"), _count(client, "/api/v1/activity-plans")
    detail_small = _count(client, f"/api/v1/service-lists/{make_list(org, futian, title='二').pk}")
    for n in range(4):
        make_list(org, futian, title=f"多{n}")
        make_plan(org, futian, title=f"多{n}")
    big = make_list(
        org, futian, title="大", categories=[(f"类{c}", [f"项{c}{i}" for i in range(5)]) for c in range(6)]
    )
    assert _count(client, "/api/v1/service-lists") == lists_one
    assert _count(client, "/api/v1/activity-plans") == plans_one
    assert _count(client, f"/api/v1/service-lists/{big.pk}") == detail_small
