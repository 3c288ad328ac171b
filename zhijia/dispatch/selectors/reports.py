"""Reports of expert services for a year, over the orders the actor dispatches (dispatch.assign
on the dispatcher) — budgets also over the units where the actor holds dispatch.budget or
dispatch.order: orders by item and unit, response times, satisfaction and budget use."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from ..enums import OrderStatus
from ..models import Budget, OrderEvent, ServiceOrder

S = OrderStatus
COUNTED: tuple[str, ...] = (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.CONFIRMED, S.DISPUTED)
COUNTED += (S.SETTLED, S.DECLINED, S.TIMED_OUT)


def _year(year: Any) -> int:
    return int(year) if year else timezone.localdate().year


def budget_list(*, actor: Any, year: Any = None) -> QuerySet[Budget]:
    """Budgets of units where the actor holds dispatch.budget, dispatch.assign or dispatch.order
    (`year`: that year only), annotated `used` (committed + spent), `remaining` (amount - used)
    and `overrun` (used beyond the amount after overrides, else 0), unit fetched."""
    q = (
        scope_for(actor, Cap.DISPATCH_BUDGET).q("org")
        | scope_for(actor, Cap.DISPATCH_ASSIGN).q("org")
        | scope_for(actor, Cap.DISPATCH_ORDER).q("org")
    )
    qs = Budget.objects.filter(q).select_related("org")
    if year:
        qs = qs.filter(year=int(year))
    return qs.annotate(used=F("committed") + F("spent"), remaining=F("amount") - F("committed") - F("spent"))


def _orders(actor: Any, year: Any) -> QuerySet[ServiceOrder]:
    y = _year(year)
    return ServiceOrder.objects.filter(
        scope_for(actor, Cap.DISPATCH_ASSIGN).q("dispatcher"),
        wanted_from__gte=dt.date(y, 1, 1),
        wanted_from__lt=dt.date(y + 1, 1, 1),
    )


def orders_by_item_and_unit(*, actor: Any, year: Any = None) -> list[dict[str, Any]]:
    """Rows {item_code, item_title, org_id, org_name, orders, delivered, attendees, cost}: orders
    placed (drafts and cancelled ones left out) per item code and ordering union, most first."""
    rows = (
        _orders(actor, year)
        .filter(status__in=COUNTED)
        .values("item__code", "item__title", "org_id", "org__name")
        .annotate(
            orders=Count("pk"),
            delivered=Count("pk", filter=Q(status__in=(S.DELIVERED, S.CONFIRMED, S.DISPUTED, S.SETTLED))),
            attendees=Sum("attendees"),
            cost=Sum("cost"),
        )
        .order_by("-orders", "item__code", "org__name")
    )
    merged: dict[tuple, dict[str, Any]] = {}
    for r in rows:  # an item code spans menu versions: one row per code and union
        key = (r["item__code"], r["org_id"])
        row = merged.setdefault(
            key,
            {
                "item_code": r["item__code"],
                "item_title": r["item__title"],
                "org_id": r["org_id"],
                "org_name": r["org__name"],
                "orders": 0,
                "delivered": 0,
                "attendees": 0,
                "cost": Decimal(0),
            },
        )
        row["orders"] += r["orders"]
        row["delivered"] += r["delivered"]
        row["attendees"] += r["attendees"] or 0
        row["cost"] += r["cost"] or Decimal(0)
    return sorted(merged.values(), key=lambda r: (-r["orders"], r["item_code"], r["org_name"]))


def _hours(spans: list[float]) -> float | None:
    return round(sum(spans) / len(spans) / 3600, 1) if spans else None


def response_times(*, actor: Any, year: Any = None) -> dict[str, Any]:
    """Average hours (one decimal, None without data) from the order's first submission to its
    first dispatch, from the dispatch that was accepted to the acceptance, and from acceptance
    to the delivery report; with the number of orders each average is over."""
    events = (
        OrderEvent.objects.filter(order__in=_orders(actor, year))
        .filter(status__in=(S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.DELIVERED))
        .order_by("order_id", "at", "created_at")
        .values_list("order_id", "status", "at")
    )
    timeline: dict[Any, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for order_id, status, at in events:
        timeline[order_id].append((status, at))
    spans: dict[str, list[float]] = {
        "submit_to_dispatch": [],
        "dispatch_to_accept": [],
        "accept_to_deliver": [],
    }
    for steps in timeline.values():
        submitted = next((at for s, at in steps if s == S.SUBMITTED), None)
        first_dispatch = next((at for s, at in steps if s == S.DISPATCHED), None)
        accepted = next((at for s, at in steps if s == S.ACCEPTED), None)
        delivered = next((at for s, at in steps if s == S.DELIVERED), None)
        if submitted and first_dispatch:
            spans["submit_to_dispatch"].append((first_dispatch - submitted).total_seconds())
        if accepted:
            last_dispatch = max((at for s, at in steps if s == S.DISPATCHED and at <= accepted), default=None)
            if last_dispatch:
                spans["dispatch_to_accept"].append((accepted - last_dispatch).total_seconds())
            if delivered:
                spans["accept_to_deliver"].append((delivered - accepted).total_seconds())
    result: dict[str, Any] = {key: _hours(values) for key, values in spans.items()}
    result["counts"] = {key: len(values) for key, values in spans.items()}
    return result


def satisfaction(*, actor: Any, year: Any = None) -> dict[str, list[dict[str, Any]]]:
    """Average rating (one decimal) by item code and by expert over the rated orders:
    {"items": [{code, title, rating, count}], "experts": [{id, name, rating, count}]}."""
    rated = _orders(actor, year).filter(rating__isnull=False)
    items = (
        rated.values("item__code", "item__title")
        .annotate(avg=Avg("rating"), count=Count("pk"))
        .order_by("item__code")
    )
    experts = (
        rated.filter(expert__isnull=False)
        .values("expert_id", "expert__name")
        .annotate(avg=Avg("rating"), count=Count("pk"))
        .order_by("expert__name")
    )
    by_code: dict[str, dict[str, Any]] = {}
    for r in items:
        row = by_code.setdefault(
            r["item__code"], {"code": r["item__code"], "title": r["item__title"], "sum": 0.0, "count": 0}
        )
        row["sum"] += float(r["avg"]) * r["count"]
        row["count"] += r["count"]
    return {
        "items": [
            {
                "code": r["code"],
                "title": r["title"],
                "rating": round(r["sum"] / r["count"], 1),
                "count": r["count"],
            }
            for r in by_code.values()
        ],
        "experts": [
            {
                "id": r["expert_id"],
                "name": r["expert__name"],
                "rating": round(float(r["avg"]), 1),
                "count": r["count"],
            }
            for r in experts
        ],
    }


def budget_used(*, actor: Any, year: Any = None) -> list[dict[str, Any]]:
    """The year's budgets the actor sees: {budget, org, amount, committed, spent, used,
    remaining, overrun, share (used / amount, 0–1+ or None)}."""
    rows = []
    for b in budget_list(actor=actor, year=_year(year)).order_by("org__path"):
        used = b.committed + b.spent
        rows.append(
            {
                "budget": b,
                "org": b.org,
                "amount": b.amount,
                "committed": b.committed,
                "spent": b.spent,
                "used": used,
                "remaining": max(b.amount - used, Decimal(0)),
                "overrun": max(used - b.amount, Decimal(0)),
                "share": float(used / b.amount) if b.amount else None,
            }
        )
    return rows
