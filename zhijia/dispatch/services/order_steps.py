"""The building blocks every order step shares (orders and checkin use them): the row lock,
the transition guard, the timeline event and audit entry, and the expert-only rule."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, PermissionDenied
from zhijia.members.notices import notify
from zhijia.orgs.access import has_cap
from zhijia.orgs.capabilities import Cap

from .. import error_codes
from ..enums import TRANSITIONS, OrderStatus
from ..models import Expert, ServiceOrder
from .common import user_or_none

RELATED = ("item__menu", "org", "dispatcher", "expert", "budget")


def lock_order(order: ServiceOrder) -> ServiceOrder:
    """Lock the order's row and return it re-read with its item, menu, unions and expert."""
    return ServiceOrder.objects.select_for_update(of=("self",)).select_related(*RELATED).get(pk=order.pk)


def invalid() -> Conflict:
    return Conflict(
        _("This order cannot take that step in its current state."), code=error_codes.INVALID_TRANSITION
    )


def guard(order: ServiceOrder, target: str) -> None:
    if target not in TRANSITIONS[order.status]:
        raise invalid()


def event(
    order: ServiceOrder, status: str, actor: Any, *, expert: Expert | None = None, note: str = ""
) -> None:
    order.events.create(
        status=status,
        expert=expert if expert is not None else order.expert,
        actor=user_or_none(actor),
        note=note[:300],
        at=timezone.now(),
    )


def audit(actor: Any, action: str, order: ServiceOrder, **data: Any) -> None:
    data.setdefault("number", order.number)
    data.setdefault("status", order.status)
    audit_log(actor=actor, action=action, obj=order, org=order.dispatcher, data=data)


def expert_actor(actor: Any, order: ServiceOrder) -> Expert:
    """The order's expert when `actor` is its login (404 for anyone else, a previous expert
    included; 403 when the login no longer holds expert.work). The system passes."""
    expert = order.expert
    if actor is None and expert is not None:
        return expert
    if expert is None or expert.user_id is None or expert.user_id != getattr(actor, "pk", None):
        raise NotFound(code="not_found")
    if not has_cap(actor, Cap.EXPERT_WORK):
        raise PermissionDenied(code="permission_denied")
    return expert


def params(order: ServiceOrder, **extra: Any) -> dict[str, Any]:
    return {"number": order.number, "title": order.item.title, **extra}


def save(order: ServiceOrder, *fields: str) -> None:
    order.save(update_fields=[*fields, "status", "updated_at"])


def over_budget(order: ServiceOrder) -> Conflict:
    return Conflict(
        _("The cost (%(cost)s yuan) would exceed the remaining budget.") % {"cost": order.cost},
        code=error_codes.OVER_BUDGET,
    )


def time_out(order: ServiceOrder) -> None:
    """Under the order's lock: not accepted in time → timed_out, expert cleared, the
    dispatcher told (its contact phone)."""
    expert = order.expert
    order.status = OrderStatus.TIMED_OUT
    order.expert, order.accept_by = None, None
    save(order, "expert", "accept_by")
    event(order, OrderStatus.TIMED_OUT, None, expert=expert)
    audit(None, "order.timeout", order, expert=str(expert.pk) if expert else "")
    notify(order.dispatcher.contact_phone, "dispatch_order_timed_out", params(order))
