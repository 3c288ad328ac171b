"""The periodic job of the order workflow: acceptance deadlines and delivery reminders."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.core.errors import Conflict, busy_as_conflict
from zhijia.members.notices import notify

from ..enums import OrderStatus
from ..models import ServiceOrder
from .common import local_text
from .order_steps import RELATED, audit, params, time_out

S = OrderStatus


def orders_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic (Celery `zhijia.dispatch.tasks.orders_tick`, `manage.py orders_tick`):
    dispatched orders past accept_by time out (back to the dispatcher, expert cleared,
    dispatcher notified); accepted orders starting within 24 hours get one reminder SMS (expert
    and contact). One short transaction per order, re-checked under its lock: safe to retry and
    to run twice at once. Returns {"timed_out": n, "reminded": m}."""
    now = now or timezone.now()
    due = ServiceOrder.objects.filter(status=S.DISPATCHED, accept_by__lte=now).order_by("accept_by")
    soon = ServiceOrder.objects.filter(
        status=S.ACCEPTED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=24),
    ).order_by("starts_at")
    counts = {"timed_out": 0, "reminded": 0}
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        try:
            counts["timed_out"] += _tick_timeout(pk, now)
        except Conflict:  # busy: the next run takes it
            continue
    for pk in list(soon.values_list("pk", flat=True)[:1000]):
        try:
            counts["reminded"] += _tick_remind(pk, now)
        except Conflict:
            continue
    return counts


@busy_as_conflict
@transaction.atomic
def _tick_timeout(pk: Any, now: dt.datetime) -> int:
    order = ServiceOrder.objects.select_for_update(of=("self",)).select_related(*RELATED).get(pk=pk)
    if order.status != S.DISPATCHED or order.accept_by is None or order.accept_by > now:
        return 0
    time_out(order)
    return 1


@busy_as_conflict
@transaction.atomic
def _tick_remind(pk: Any, now: dt.datetime) -> int:
    order = ServiceOrder.objects.select_for_update(of=("self",)).select_related(*RELATED).get(pk=pk)
    if order.status != S.ACCEPTED or order.reminded_at is not None or order.starts_at is None:
        return 0
    order.reminded_at = now
    order.save(update_fields=["reminded_at", "updated_at"])
    audit(None, "order.remind", order, starts_at=order.starts_at)
    values = params(order, starts=local_text(order.starts_at), place=order.place)
    if order.expert is not None:
        notify(order.expert.phone, "dispatch_order_reminder", values)
    notify(order.contact_phone, "dispatch_order_reminder", values)
    return 1
