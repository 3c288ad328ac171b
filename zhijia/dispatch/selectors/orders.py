"""Reads of orders, limited to what the actor may see. Three sides see an order: the
dispatcher (dispatch.assign on `order.dispatcher`), the ordering union (dispatch.order on
`order.org`) and the expert it is assigned to now (`order.expert.user`). A replaced, declining
or timed-out expert loses sight of it at once: the expert side is the current assignment."""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from ..enums import OrderStatus
from ..models import OrderEvent, ServiceOrder

S = OrderStatus
SIDES = ("dispatch", "order", "expert")
RELATED = ("item__menu__org", "org", "dispatcher", "expert", "budget")
BOARD = (
    S.SUBMITTED,
    S.DECLINED,
    S.TIMED_OUT,
    S.DISPATCHED,
    S.ACCEPTED,
    S.DELIVERED,
    S.DISPUTED,
    S.CONFIRMED,
    S.SETTLED,
    S.CANCELLED,
)
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
BOARD_DONE_LIMIT = 20  # settled and cancelled columns show the latest ones only


def side_q(actor: Any, side: str) -> Q:
    if side == "dispatch":
        return scope_for(actor, Cap.DISPATCH_ASSIGN).q("dispatcher")
    if side == "order":
        return scope_for(actor, Cap.DISPATCH_ORDER).q("org")
    if side == "expert":
        if not getattr(actor, "is_authenticated", False):
            return Q(pk__in=[])
        return Q(expert__user=actor)
    raise ValueError(side)


def visible_q(actor: Any, side: str | None = None) -> Q:
    """Orders the actor sees from `side` (None: any side)."""
    if side in SIDES:
        return side_q(actor, side)
    return side_q(actor, "dispatch") | side_q(actor, "order") | side_q(actor, "expert")


def order_list(*, actor: Any, status: Any = None, side: str | None = None) -> QuerySet[ServiceOrder]:
    """Orders the actor sees (any side, or `side` in dispatch / order / expert), newest first,
    item, menu, unions, expert and budget fetched. `status`: one status or a list."""
    qs = ServiceOrder.objects.filter(visible_q(actor, side))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    return qs.select_related(*RELATED).order_by("-created_at")


def order_get(*, actor: Any, id: Any) -> ServiceOrder:
    """One order the actor sees (any side), with its timeline (events with actor and expert),
    photos and attendance count; 404 otherwise."""
    pk = parse_uuid(id)
    found = (
        ServiceOrder.objects.filter(visible_q(actor), pk=pk)
        .select_related(*RELATED)
        .prefetch_related(
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor", "expert").order_by("at")),
            "photos",
        )
        .annotate(attendance_count=Count("attendances", distinct=True))
        .first()
        if pk
        else None
    )
    if found is None:
        raise NotFound(code="not_found")
    return found


def order_timeline(order: ServiceOrder) -> list[OrderEvent]:
    return list(order.events.select_related("actor", "expert").order_by("at", "created_at"))


def is_overdue(order: ServiceOrder, now: Any = None) -> bool:
    """Dispatched past its acceptance deadline, or accepted and started without a delivery."""
    now = now or timezone.now()
    if order.status == S.DISPATCHED:
        return order.accept_by is not None and order.accept_by < now
    if order.status == S.ACCEPTED:
        return order.starts_at is not None and order.starts_at < now
    return False


def board(*, actor: Any) -> dict[str, list[ServiceOrder]]:
    """The dispatcher's board: {status: orders} for every column in BOARD order, from the
    orders the actor dispatches (dispatch.assign). Each order carries `overdue`; overdue ones
    come first, then by deadline / wanted date. Settled and cancelled: the latest 20."""
    now = timezone.now()
    base = ServiceOrder.objects.filter(side_q(actor, "dispatch")).select_related(*RELATED)
    active = list(base.exclude(status__in=(S.SETTLED, S.CANCELLED, S.DRAFT)))
    done = list(base.filter(status=S.SETTLED).order_by("-updated_at")[:BOARD_DONE_LIMIT]) + list(
        base.filter(status=S.CANCELLED).order_by("-updated_at")[:BOARD_DONE_LIMIT]
    )
    columns: dict[str, list[ServiceOrder]] = {status: [] for status in BOARD}
    for order in active + done:
        order.overdue = is_overdue(order, now)  # type: ignore[attr-defined]
        columns[order.status].append(order)
    for status in BOARD:
        if status in (S.SETTLED, S.CANCELLED):
            continue
        columns[status].sort(
            key=lambda o: (
                not o.overdue,  # type: ignore[attr-defined]
                o.accept_by or o.starts_at or FAR,
                o.wanted_from,
            )
        )
    return columns


def my_expert_orders(*, user: Any, status: Any = None) -> QuerySet[ServiceOrder]:
    """The orders assigned to the expert linked to `user` now, soonest first."""
    qs = ServiceOrder.objects.filter(side_q(user, "expert"))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    return qs.select_related(*RELATED).order_by("starts_at", "wanted_from")


WAITING_FOR_DISPATCH = (S.SUBMITTED, S.DECLINED, S.TIMED_OUT, S.DISPUTED)


def waiting_counts(*, actor: Any) -> dict[str, int]:
    """For the dashboard's to-do: orders back with the actor as dispatcher (ordered, declined,
    not accepted in time, disputed), and delivered orders of the actor's unions waiting for
    their confirmation."""
    return {
        "to_dispatch": ServiceOrder.objects.filter(
            side_q(actor, "dispatch"), status__in=WAITING_FOR_DISPATCH
        ).count(),
        "to_confirm": ServiceOrder.objects.filter(side_q(actor, "order"), status=S.DELIVERED).count(),
    }
