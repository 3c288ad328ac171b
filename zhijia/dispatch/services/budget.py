"""Yearly expert-service budgets. `committed` grows when an order is accepted, moves to `spent`
when it is settled and goes back when a booked order is cancelled. The three moves are single
guarded UPDATE statements (the row is the lock), so concurrent acceptances can never take more
than the budget, and no column ever goes below zero. A dispatcher holding dispatch.budget may
override the limit for one order (`ServiceOrder.budget_override`): its commit is then
unconditional and the excess shows as overrun (committed + spent - amount) in the reports.

A unit without a budget row for the year is not budget-controlled: its orders carry no budget.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import busy_as_conflict, field_error
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..enums import Payer
from ..models import Budget, ServiceOrder
from .common import integer, logger, money, require, text


def payer_org(order: ServiceOrder) -> Org:
    """Whose budget pays: the dispatching union's (menu payer "dispatching") or the ordering
    union's ("ordering")."""
    return order.dispatcher if order.item.menu.payer == Payer.DISPATCHING else order.org


def budget_for(order: ServiceOrder) -> Budget | None:
    """The payer's budget of the year of `wanted_from`, or None (no budget control)."""
    return Budget.objects.filter(org=payer_org(order), year=order.wanted_from.year).first()


def budget_room(budget: Budget | None, amount: Decimal) -> bool:
    """Whether `amount` still fits (read, no lock: the commit decides)."""
    if budget is None or amount <= 0:
        return True
    return budget.amount - budget.committed - budget.spent >= amount


def budget_commit(budget: Budget, amount: Decimal, *, override: bool = False) -> bool:
    """Commit `amount` in the caller's transaction: one guarded UPDATE that succeeds only while
    amount - committed - spent >= `amount`; with `override`, unconditionally. Returns whether
    it was committed (False: over budget, nothing changed)."""
    if amount <= 0:
        return True
    if override:
        Budget.objects.filter(pk=budget.pk).update(committed=F("committed") + amount)
        return True
    guarded = Budget.objects.filter(pk=budget.pk, amount__gte=F("committed") + F("spent") + amount)
    return guarded.update(committed=F("committed") + amount) == 1


def budget_release(budget: Budget, amount: Decimal) -> None:
    """Give back a committed `amount` (a booked order was cancelled); never below zero."""
    if amount <= 0:
        return
    done = Budget.objects.filter(pk=budget.pk, committed__gte=amount).update(
        committed=F("committed") - amount
    )
    if not done:
        logger.error("budget %s: releasing %s would make committed negative; skipped", budget.pk, amount)


def budget_spend(budget: Budget, amount: Decimal) -> None:
    """Move a committed `amount` to spent (the order was settled); never below zero."""
    if amount <= 0:
        return
    done = Budget.objects.filter(pk=budget.pk, committed__gte=amount).update(
        committed=F("committed") - amount, spent=F("spent") + amount
    )
    if not done:
        logger.error("budget %s: spending %s exceeds what was committed; spent only", budget.pk, amount)
        Budget.objects.filter(pk=budget.pk).update(spent=F("spent") + amount)


def budget_set(*, actor: Any, org: Org, year: Any, amount: Any, note: str = "") -> Budget:
    """Create or change `org`'s budget of `year` (dispatch.budget on `org`). An amount below
    what is already committed and spent: 400 on "amount". Locks the row. Audited `budget.set`."""
    try:
        return _budget_set(actor, org, year, amount, note)
    except IntegrityError:  # created concurrently: now it exists, change it
        return _budget_set(actor, org, year, amount, note)


@busy_as_conflict
@transaction.atomic
def _budget_set(actor: Any, org: Org, year: Any, amount: Any, note: str) -> Budget:
    require(actor, Cap.DISPATCH_BUDGET, org)
    number = integer(year, "year", low=2000, high=2100)
    assert number is not None
    value = money(amount, "amount")
    clean_note = text(note, "note", max_length=200)
    budget = Budget.objects.select_for_update().filter(org=org, year=number).first()
    old = None
    if budget is None:
        with transaction.atomic():
            budget = Budget.objects.create(org=org, year=number, amount=value, note=clean_note)
    else:
        if value < budget.committed + budget.spent:
            raise field_error(
                "amount",
                _("%(used)s yuan are already committed or spent; the budget cannot be lower.")
                % {"used": budget.committed + budget.spent},
            )
        old = budget.amount
        budget.amount, budget.note = value, clean_note
        budget.save(update_fields=["amount", "note", "updated_at"])
    audit_log(actor=actor, action="budget.set", obj=budget, data={"year": number, "from": old, "to": value})
    return budget
