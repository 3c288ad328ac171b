"""Permission-matrix entries for the expert-services API (merged into tests/matrix/table.ROUTES).

Menus are public. Each unit publishes a menu and orders from it itself, so the unit is both the
dispatcher and the ordering union of its matrix order: dispatch.assign on it for suggestions,
dispatch and settle; dispatch.order for ordering, confirming and disputing; either for cancel
(404 outside scope, 403 inside without the capability). The order's expert has no login, so
the expert's steps are 404 for the whole cast (tests/dispatch/test_api.py covers the expert
who does get through). Reading an order needs one of the sides (never 403: 404)."""

from datetime import timedelta

from django.utils import timezone

from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

ORDERS = "/api/v1/service-orders"
OID = ORDERS + "/<order_id>"
ASSIGN, ORDER = Cap.DISPATCH_ASSIGN, Cap.DISPATCH_ORDER


def _on(cap, method="get", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def either(u, org, o):
    """Seen from one side: the dispatcher (dispatch.assign) or the ordering union (dispatch.order)."""
    results = (scoped(u, ASSIGN, org), scoped(u, ORDER, org))
    if None in results:
        return None
    return 403 if 403 in results else 404


def visible(u, org, o):
    """order_get: any side sees it, else 404 (an order's existence never leaks as 403)."""
    return None if either(u, org, o) is None else 404


def _order_body(org, objs):
    start = timezone.localdate() + timedelta(days=7)
    return {
        "item_id": str(objs["api_dispatch_item"].pk),
        "org_id": str(org.pk),
        "wanted_from": start.isoformat(),
        "wanted_to": (start + timedelta(days=2)).isoformat(),
        "place": "矩阵会议室",
        "audience": 20,
    }


def _starts(org, objs):
    order = objs["api_dispatch_order"]
    return {"starts_at": f"{order.wanted_from.isoformat()}T09:00:00+08:00"}


ROUTES: dict = {
    "/api/v1/menus": [Check("public")],
    ORDERS: [_on(ORDER, "post", body=_order_body), Check("staff", api=True)],
    OID: [Check("rule", api=True, rule=visible)],
    OID + "/suggestions": [_on(ASSIGN)],
    OID + "/dispatch": [
        _on(ASSIGN, "post", body=lambda org, o: {"expert_id": str(o["api_dispatch_expert"].pk)})
    ],
    OID + "/accept": [Check("rule", "post", api=True, rule=lambda u, org, o: 404, body=_starts)],
    OID + "/contact": [Check("rule", "post", api=True, rule=lambda u, org, o: 404)],
    OID + "/decline": [
        Check("rule", "post", api=True, rule=lambda u, org, o: 404, body=lambda org, o: {"reason": "矩阵"})
    ],
    OID + "/deliver": [
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: 404,
            body=lambda org, o: {"attendees": 3, "summary": "矩阵"},
        )
    ],
    OID + "/confirm": [_on(ORDER, "post", body=lambda org, o: {"rating": 5})],
    OID + "/dispute": [_on(ORDER, "post", body=lambda org, o: {"reason": "矩阵"})],
    OID + "/settle": [_on(ASSIGN, "post")],
    OID + "/cancel": [Check("rule", "post", api=True, rule=either, body=lambda org, o: {"reason": "矩阵"})],
}


def extend(unit: dict, demo) -> None:
    """A published menu of the unit (item C1), a qualified expert of its pool without a login,
    and a submitted order of C1 placed by the unit itself."""
    from tests.dispatch.support import expert, menu, order

    org = unit["org"]
    m = menu(org, title=f"矩阵接口菜单 {org.short_name}")
    item = m.items.get(code="C1")
    unit["api_dispatch_item"] = item
    unit["api_dispatch_expert"] = expert(org, name=f"矩阵接口专家 {org.short_name}", specialties=["C1"])
    unit["api_dispatch_order"] = order(item, org=org, contact_phone="13800007777")
    unit["url_values"]["order_id"] = unit["api_dispatch_order"].pk


def snapshot() -> list:
    """Rows a denied request must not change."""
    from zhijia.dispatch.models import Budget, Expert, OrderEvent, ServiceOrder

    return [
        list(
            ServiceOrder.objects.order_by("pk").values_list(
                "pk", "status", "expert_id", "budget_override", "rating", "dispute_reason", "updated_at"
            )
        ),
        OrderEvent.objects.count(),
        list(Expert.objects.order_by("pk").values_list("pk", "rating_sum", "rating_count")),
        list(Budget.objects.order_by("pk").values_list("pk", "amount", "committed", "spent")),
    ]
