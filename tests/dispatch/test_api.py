"""/api/v1 expert services: menus and service orders, every endpoint and error code, scoping
(404 outside the caller's scope, 403 inside without the capability, an expert sees only the
orders dispatched to them now), the Idempotency-Key on ordering, and the list's query count."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.dispatch.support import budget, expert, expert_login, item, menu, order, staff
from zhijia.accounts import sms
from zhijia.dispatch.enums import MenuStatus, OrderStatus
from zhijia.dispatch.models import Budget, ServiceOrder

pytestmark = pytest.mark.django_db
S = OrderStatus
ORDERS = "/api/v1/service-orders"


@pytest.fixture
def w(demo):
    """福田区总 publishes a menu (C1 needs 心理咨询师); its pool holds a qualified expert with a
    login and 河套科创工会 has ordered C1."""
    futian, hetao = demo.org("福田区总"), demo.org("河套科创工会")
    m = menu(
        futian, items=[{"qualification": "心理咨询师", "title": "职场减压讲座"}, {"title": "亲子沟通沙龙"}]
    )
    c1 = m.items.get(code="C1")
    user, good = expert_login(futian, name="王心理", specialties=["C1"], qualifications=["心理咨询师"])
    o = order(c1, org=hetao, contact_name="赵联系", contact_phone="13912345678")
    return type("W", (), {"futian": futian, "hetao": hetao, "menu": m, "c1": c1, "good": good,
                          "expert_user": user, "order": o})  # fmt: skip


def login(api_client, user):
    """A fresh API client logged in as `user` (a username or a User)."""
    from tests.conftest import ApiClient

    return ApiClient().login(user if isinstance(user, str) else user.username)


def _body(code, response):
    assert response.headers["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"code", "message", "fields"} and data["message"]
    assert data["code"] == code, data
    return data


# --- menus -------------------------------------------------------------------------------------


def test_menus_are_public_and_published_only(w, api_client, demo):
    menu(w.futian, status=MenuStatus.DRAFT, title="草稿菜单")
    response = api_client.get("/api/v1/menus")
    assert response.status_code == 200
    menus = response.json()
    assert [m["title"] for m in menus] == [w.menu.title]
    first = menus[0]
    assert first["org"] == {"id": str(w.futian.pk), "name": w.futian.name}
    assert first["number"] == 1 and first["payer"] == "dispatching"
    assert {i["code"] for i in first["items"]} == {"C1", "C2"}
    c1 = next(i for i in first["items"] if i["code"] == "C1")
    assert c1["qualification"] == "心理咨询师" and c1["paused"] is False and c1["cost"] == "1000.00"


def test_menus_filter_by_org_and_by_who_may_order(w, api_client, demo):
    item(w.menu, code="P1", paused=True)
    baoan = demo.org("宝安区总")
    menu(baoan, title="宝安菜单")
    by_org = api_client.get("/api/v1/menus", {"org": str(w.futian.pk)}).json()
    assert [m["title"] for m in by_org] == [w.menu.title] and len(by_org[0]["items"]) == 3
    orderable = api_client.get("/api/v1/menus", {"orderable_by": str(w.hetao.pk)}).json()
    assert [m["title"] for m in orderable] == [w.menu.title]
    assert {i["code"] for i in orderable[0]["items"]} == {"C1", "C2"}  # the paused one is left out
    missing = api_client.get("/api/v1/menus", {"org": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404
    _body("not_found", missing)


# --- ordering ----------------------------------------------------------------------------------


def _new(w, **over):
    start = timezone.localdate() + dt.timedelta(days=7)
    return {
        "item_id": str(w.c1.pk),
        "org_id": str(w.hetao.pk),
        "wanted_from": start.isoformat(),
        "wanted_to": (start + dt.timedelta(days=2)).isoformat(),
        "place": "三楼会议室",
        "audience": 40,
        "contact_name": "周干事",
        "contact_phone": "13800138000",
    } | over


def test_order_is_created_and_idempotent(w, api_client):
    client = api_client.login("enterprise_staff")
    response = client.post(ORDERS, _new(w), headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["number"].startswith("FW")
    assert body["org"]["id"] == str(w.hetao.pk) and body["dispatcher"]["id"] == str(w.futian.pk)
    assert body["contact_phone"] == "138****8000" and body["contact_name"] == "周*事"
    assert body["cost"] == "1000.00" and body["expert"] is None
    assert [e["status"] for e in body["timeline"]] == ["submitted"]
    again = client.post(ORDERS, _new(w), headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert ServiceOrder.objects.filter(org=w.hetao).count() == 2  # the fixture's and this one
    draft = client.post(ORDERS, _new(w, submit=False)).json()
    assert draft["status"] == "draft"


def test_order_errors(w, api_client, demo):
    client = api_client.login("enterprise_staff")
    too_many = client.post(ORDERS, _new(w, audience=500))
    assert too_many.status_code == 400 and "audience" in _body("invalid", too_many)["fields"]
    w.c1.paused = True
    w.c1.save()
    paused = client.post(ORDERS, _new(w))
    assert paused.status_code == 409
    _body("item_unavailable", paused)
    w.c1.paused = False
    w.c1.save()
    other = menu(demo.org("宝安区总"))
    outside = client.post(ORDERS, _new(w, item_id=str(other.items.get().pk)))
    assert outside.status_code == 409  # 河套 may not order 宝安's menu
    _body("item_unavailable", outside)
    draft_menu = menu(w.futian, status=MenuStatus.DRAFT)
    hidden = client.post(ORDERS, _new(w, item_id=str(draft_menu.items.get().pk)))
    assert hidden.status_code == 404
    _body("not_found", hidden)
    bad = client.post(ORDERS, _new(w, audience="many"))
    assert bad.status_code == 400 and "audience" in _body("invalid", bad)["fields"]
    assert ServiceOrder.objects.count() == 1


def test_ordering_for_a_union_outside_or_without_the_right(w, api_client):
    outside = api_client.login("baoan_staff").post(ORDERS, _new(w))
    assert outside.status_code == 404
    _body("not_found", outside)
    viewer = staff(w.hetao, role="viewer")
    inside = login(api_client, viewer).post(ORDERS, _new(w))
    assert inside.status_code == 403
    _body("permission_denied", inside)
    from tests.conftest import ApiClient

    anonymous = ApiClient().post(ORDERS, _new(w))
    assert anonymous.status_code == 401
    assert ServiceOrder.objects.count() == 1


# --- reading -----------------------------------------------------------------------------------


def test_list_by_side_and_status(w, api_client, demo):
    accepted = order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=w.good)
    dispatcher = api_client.login("futian_staff").get(ORDERS).json()
    assert dispatcher["count"] == 2
    row = next(r for r in dispatcher["items"] if r["id"] == str(w.order.pk))
    assert row["contact_phone"] == "139****5678" and row["contact_name"] == "赵*系"
    assert row["item"]["code"] == "C1" and row["status_label"]
    assert "13912345678" not in str(dispatcher)
    orderer = login(api_client, "enterprise_staff")
    assert orderer.get(ORDERS, {"side": "order"}).json()["count"] == 2
    assert orderer.get(ORDERS, {"side": "dispatch"}).json()["count"] == 0
    only = orderer.get(ORDERS, {"status": "accepted"}).json()
    assert [r["id"] for r in only["items"]] == [str(accepted.pk)]
    assert login(api_client, "baoan_staff").get(ORDERS).json()["count"] == 0
    assert orderer.get(ORDERS, {"status": "nonsense"}).status_code == 400


def test_an_expert_sees_only_their_orders(w, api_client, demo):
    mine = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    other = expert(w.futian, specialties=["C1"], qualifications=["心理咨询师"])
    theirs = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=other)
    client = login(api_client, w.expert_user)
    listed = client.get(ORDERS).json()
    assert [r["id"] for r in listed["items"]] == [str(mine.pk)]
    assert client.get(f"{ORDERS}/{mine.pk}").status_code == 200
    assert client.get(f"{ORDERS}/{theirs.pk}").status_code == 404
    assert client.get(f"{ORDERS}/{w.order.pk}").status_code == 404


def test_detail_has_the_timeline_and_is_scoped(w, api_client):
    client = api_client.login("futian_staff")
    client.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(w.good.pk)})
    body = client.get(f"{ORDERS}/{w.order.pk}").json()
    assert body["status"] == "dispatched" and body["expert"]["name"] == "王心理"
    assert body["timeline"][-1]["status"] == "dispatched"
    assert body["timeline"][-1]["expert"]["id"] == str(w.good.pk)
    assert body["accept_by"] is not None
    missing = login(api_client, "baoan_staff").get(f"{ORDERS}/{w.order.pk}")
    assert missing.status_code == 404
    _body("not_found", missing)
    assert login(api_client, "baoan_staff").get(f"{ORDERS}/not-a-uuid").status_code == 404


def test_list_query_count_does_not_grow(w, api_client, django_assert_max_num_queries):
    client = api_client.login("futian_staff")
    for _ in range(2):
        order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    with django_assert_max_num_queries(12) as few:
        assert client.get(ORDERS).json()["count"] == 3
    other = expert(w.futian)
    start = timezone.now() + dt.timedelta(days=10)
    for i in range(10):  # one expert, never two bookings at the same time
        order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=other, starts_at=start + dt.timedelta(hours=3 * i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(ORDERS).json()["count"] == 13


# --- dispatching -------------------------------------------------------------------------------


def test_suggestions_with_reasons(w, api_client, demo):
    stale = expert(
        w.futian,
        name="李过期",
        specialties=["C1"],
        qualifications=[("心理咨询师", timezone.localdate() - dt.timedelta(days=1))],
    )
    response = api_client.login("futian_staff").get(f"{ORDERS}/{w.order.pk}/suggestions")
    assert response.status_code == 200
    rows = response.json()
    assert [r["name"] for r in rows] == ["王心理", "李过期"]
    assert rows[0]["blocked"] == "" and rows[0]["reasons"] and rows[0]["score"] > 0
    assert rows[1]["blocked"] == "certificate_expired" and rows[1]["expert_id"] == str(stale.pk)
    assert login(api_client, "enterprise_staff").get(f"{ORDERS}/{w.order.pk}/suggestions").status_code == 404
    viewer = staff(w.futian, role="viewer")
    assert login(api_client, viewer).get(f"{ORDERS}/{w.order.pk}/suggestions").status_code == 403


def test_dispatch_and_its_refusals(w, api_client, demo, django_capture_on_commit_callbacks):
    client = api_client.login("futian_staff")
    stale = expert(
        w.futian,
        specialties=["C1"],
        qualifications=[("心理咨询师", timezone.localdate() - dt.timedelta(days=1))],
    )
    expired = client.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(stale.pk)})
    assert expired.status_code == 409
    _body("certificate_expired", expired)
    away = expert(
        w.futian,
        qualifications=["心理咨询师"],
        unavailable=[(w.order.wanted_from, w.order.wanted_to)],
    )
    unavailable = client.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(away.pk)})
    assert unavailable.status_code == 409
    _body("expert_unavailable", unavailable)
    elsewhere = expert(demo.org("宝安区总"), qualifications=["心理咨询师"])
    not_pool = client.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(elsewhere.pk)})
    assert not_pool.status_code == 404
    w.order.refresh_from_db()
    assert w.order.status == S.SUBMITTED and w.order.expert is None
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(w.good.pk)})
    assert done.status_code == 200 and done.json()["status"] == "dispatched"
    assert len(sms.outbox) == 1  # the expert is told
    settled = order(w.c1, org=w.hetao, status=S.SETTLED, expert=w.good)
    late = client.post(f"{ORDERS}/{settled.pk}/dispatch", {"expert_id": str(w.good.pk)})
    assert late.status_code == 409
    _body("invalid_transition", late)


def test_over_budget_and_its_override(w, api_client):
    budget(w.futian, w.order.wanted_from.year, 500)
    clerk = api_client.login("futian_staff")
    refused = clerk.post(f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(w.good.pk)})
    assert refused.status_code == 409
    _body("over_budget", refused)
    forbidden = clerk.post(
        f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(w.good.pk), "override_budget": True}
    )
    assert forbidden.status_code == 403
    _body("permission_denied", forbidden)
    admin = login(api_client, "shenzhen_admin")
    done = admin.post(
        f"{ORDERS}/{w.order.pk}/dispatch", {"expert_id": str(w.good.pk), "override_budget": True}
    )
    assert done.status_code == 200 and done.json()["budget_override"] is True


def test_dispatch_by_the_ordering_union_is_404_and_by_a_viewer_403(w, api_client):
    body = {"expert_id": str(w.good.pk)}
    assert (
        api_client.login("enterprise_staff").post(f"{ORDERS}/{w.order.pk}/dispatch", body).status_code == 404
    )
    viewer = staff(w.futian, role="viewer")
    assert login(api_client, viewer).post(f"{ORDERS}/{w.order.pk}/dispatch", body).status_code == 403
    w.order.refresh_from_db()
    assert w.order.status == S.SUBMITTED


# --- the expert's steps ------------------------------------------------------------------------


def _at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))).isoformat()


def test_accept_decline_and_revocation(w, api_client):
    dispatched = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    client = login(api_client, w.expert_user)
    outside = client.post(
        f"{ORDERS}/{dispatched.pk}/accept", {"starts_at": _at(dispatched.wanted_to + dt.timedelta(days=5), 9)}
    )
    assert outside.status_code == 400 and "starts_at" in _body("invalid", outside)["fields"]
    declined = client.post(f"{ORDERS}/{dispatched.pk}/decline", {"reason": "时间冲突"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["expert"] is None
    # the expert lost sight of it at once
    assert client.get(f"{ORDERS}/{dispatched.pk}").status_code == 404
    assert (
        client.post(
            f"{ORDERS}/{dispatched.pk}/accept", {"starts_at": _at(dispatched.wanted_from, 9)}
        ).status_code
        == 404
    )
    other = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    accepted = client.post(f"{ORDERS}/{other.pk}/accept", {"starts_at": _at(other.wanted_from, 9)})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["ends_at"] is not None


def test_accept_refuses_a_double_booking(w, api_client):
    first = order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=w.good)
    second = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    response = login(api_client, w.expert_user).post(
        f"{ORDERS}/{second.pk}/accept", {"starts_at": first.starts_at.isoformat()}
    )
    assert response.status_code == 409
    _body("expert_unavailable", response)
    second.refresh_from_db()
    assert second.status == S.DISPATCHED


def test_accept_with_a_proposed_time_and_note_and_bad_input(w, api_client):
    o = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    client = login(api_client, w.expert_user)
    url = f"{ORDERS}/{o.pk}/accept"
    for body, field in (
        ({"starts_at": _at(o.wanted_from, 9), "note": "长" * 301}, "note"),
        ({"starts_at": _at(o.wanted_from, 9), "note": "a\x00b"}, "note"),
        ({"starts_at": "2026-02-30T09:00:00+08:00"}, "starts_at"),
        ({"starts_at": "99999-01-01T00:00:00"}, "starts_at"),
        ({"starts_at": 10**30}, "starts_at"),
        ({"starts_at": _at(o.wanted_from, 9), "note": ["x"]}, "note"),
        ({"starts_at": _at(o.wanted_from, 9), "ends_at": _at(o.wanted_from, 8)}, "ends_at"),
    ):
        response = client.post(url, body)
        assert response.status_code in (400, 422), (body, response.status_code)
        assert field in str(response.json()), (body, response.json())
    o.refresh_from_db()
    assert o.status == S.DISPATCHED
    accepted = client.post(url, {"starts_at": _at(o.wanted_to, 15), "note": "下午三点开始，需投影"})
    assert accepted.status_code == 200 and accepted.json()["expert_note"] == "下午三点开始，需投影"
    # the ordering union reads the proposal through the same API
    seen = login(api_client, "enterprise_staff").get(f"{ORDERS}/{o.pk}")
    assert seen.status_code == 200 and seen.json()["expert_note"] == "下午三点开始，需投影"


def test_the_expert_reveals_the_contact_before_accepting(w, api_client):
    from zhijia.core.models import AuditEntry

    o = order(
        w.c1,
        org=w.hetao,
        status=S.DISPATCHED,
        expert=w.good,
        contact_name="赵联系",
        contact_phone="13912345678",
    )
    listed = login(api_client, w.expert_user).get(f"{ORDERS}/{o.pk}")
    assert listed.json()["contact_phone"] == "139****5678" and listed.json()["contact_name"] == "赵*系"
    response = login(api_client, w.expert_user).post(f"{ORDERS}/{o.pk}/contact")
    assert response.status_code == 200 and response.json() == {"name": "赵联系", "phone": "13912345678"}
    assert response["X-Zhijia-Reveal"] == "1" and "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="order.contact_reveal").count() == 1
    for who in ("futian_staff", "enterprise_staff", "expert_demo"):
        assert login(api_client, who).post(f"{ORDERS}/{o.pk}/contact").status_code == 404
    assert login(api_client, w.expert_user).post(f"{ORDERS}/not-a-uuid/contact").status_code == 404
    settled = order(w.c1, org=w.hetao, status=S.SETTLED, expert=w.good, contact_phone="13912345678")
    assert login(api_client, w.expert_user).post(f"{ORDERS}/{settled.pk}/contact").status_code == 404
    assert AuditEntry.objects.filter(action="order.contact_reveal").count() == 1


def test_expert_steps_are_404_for_others(w, api_client):
    dispatched = order(w.c1, org=w.hetao, status=S.DISPATCHED, expert=w.good)
    for who in ("futian_staff", "enterprise_staff", "expert_demo"):
        client = login(api_client, who)
        assert (
            client.post(
                f"{ORDERS}/{dispatched.pk}/accept", {"starts_at": _at(dispatched.wanted_from, 9)}
            ).status_code
            == 404
        )
        assert client.post(f"{ORDERS}/{dispatched.pk}/decline", {"reason": "x"}).status_code == 404
    dispatched.refresh_from_db()
    assert dispatched.status == S.DISPATCHED


def test_deliver_confirm_dispute_settle(w, api_client):
    b = budget(w.futian, w.order.wanted_from.year, 50000)
    accepted = order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=w.good)
    expert_client = login(api_client, w.expert_user)
    empty = expert_client.post(f"{ORDERS}/{accepted.pk}/decline", {"reason": ""})
    assert empty.status_code == 409  # an accepted order cannot be declined
    _body("invalid_transition", empty)
    delivered = expert_client.post(
        f"{ORDERS}/{accepted.pk}/deliver", {"attendees": 30, "summary": "讲座顺利"}
    )
    assert delivered.status_code == 200 and delivered.json()["attendees"] == 30
    orderer = login(api_client, "enterprise_staff")
    bad_rating = orderer.post(f"{ORDERS}/{accepted.pk}/confirm", {"rating": 6})
    assert bad_rating.status_code == 400 and "rating" in _body("invalid", bad_rating)["fields"]
    disputed = orderer.post(f"{ORDERS}/{accepted.pk}/dispute", {"reason": "人数不符"})
    assert disputed.status_code == 200 and disputed.json()["dispute_reason"] == "人数不符"
    redelivered = expert_client.post(
        f"{ORDERS}/{accepted.pk}/deliver", {"attendees": 28, "summary": "更正人数"}
    )
    assert redelivered.json()["status"] == "delivered"
    assert (
        login(api_client, "futian_staff").post(f"{ORDERS}/{accepted.pk}/confirm", {"rating": 5}).status_code
        == 200
    )
    # futian_staff holds dispatch.order on 福田区总's subtree (河套 included): they may confirm too
    settle_early = orderer.post(f"{ORDERS}/{accepted.pk}/settle")
    assert settle_early.status_code == 404  # 河套's clerk does not see the dispatcher
    settled = login(api_client, "futian_staff").post(f"{ORDERS}/{accepted.pk}/settle")
    assert settled.status_code == 200 and settled.json()["status"] == "settled"
    b.refresh_from_db()
    assert b.spent == accepted.cost and b.committed == 0
    again = login(api_client, "futian_staff").post(f"{ORDERS}/{accepted.pk}/settle")
    assert again.status_code == 409
    _body("invalid_transition", again)


def test_cancel_by_either_side(w, api_client):
    b = budget(w.futian, w.order.wanted_from.year, 50000)
    orderer = api_client.login("enterprise_staff")
    empty = orderer.post(f"{ORDERS}/{w.order.pk}/cancel", {"reason": ""})
    assert empty.status_code == 400 and "reason" in _body("required", empty)["fields"]
    assert (
        orderer.post(f"{ORDERS}/{w.order.pk}/cancel", {"reason": "场地取消"}).json()["status"] == "cancelled"
    )
    accepted = order(w.c1, org=w.hetao, status=S.ACCEPTED, expert=w.good)
    b.refresh_from_db()
    assert b.committed == accepted.cost
    refused = orderer.post(f"{ORDERS}/{accepted.pk}/cancel", {"reason": "不要了"})
    assert refused.status_code == 403
    _body("permission_denied", refused)
    assert (
        login(api_client, "baoan_staff").post(f"{ORDERS}/{accepted.pk}/cancel", {"reason": "x"}).status_code
        == 404
    )
    done = login(api_client, "futian_staff").post(f"{ORDERS}/{accepted.pk}/cancel", {"reason": "专家生病"})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    b.refresh_from_db()
    assert b.committed == 0
    assert Budget.objects.get(pk=b.pk).spent == 0
