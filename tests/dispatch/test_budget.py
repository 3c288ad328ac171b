"""Budgets: set by dispatch.budget holders; checked at dispatch, committed at acceptance
(guarded), released at cancellation, spent at settlement; the payer rule; overrides."""

from decimal import Decimal

import pytest

from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import OrderStatus, Payer
from zhijia.dispatch.models import Budget
from zhijia.dispatch.selectors.reports import budget_list, budget_used
from zhijia.dispatch.services import budget as money
from zhijia.dispatch.services import orders as svc

from .support import budget, menu, order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


def fresh(b):
    b.refresh_from_db()
    return (b.amount, b.committed, b.spent)


def test_budget_set_creates_and_changes(w, demo):
    admin = w.budget_admin
    b = money.budget_set(actor=admin, org=w.unit, year=w.year, amount="20000.50", note="年度预算")
    assert (b.org, b.year, b.amount, b.note) == (w.unit, w.year, Decimal("20000.50"), "年度预算")
    again = money.budget_set(actor=admin, org=w.unit, year=w.year, amount=30000)
    assert again.pk == b.pk and again.amount == 30000
    logged = AuditEntry.objects.filter(action="budget.set", object_id=str(b.pk)).values_list(
        "data", flat=True
    )
    assert sorted(float(d["to"]) for d in logged) == [20000.5, 30000.0]


def test_budget_set_needs_the_budget_capability(w):
    with pytest.raises(PermissionDenied):  # a clerk has assign but not budget
        money.budget_set(actor=w.clerk, org=w.dispatcher, year=w.year, amount=1)
    with pytest.raises(NotFound):
        money.budget_set(actor=w.outsider, org=w.dispatcher, year=w.year, amount=1)
    assert fresh(w.budget)[0] == 50000


BAD = [("amount", {"amount": -1}), ("amount", {"amount": "abc"}), ("year", {"year": 1800})]
BAD += [("amount", {"amount": "1.234"})]


@pytest.mark.parametrize(("field", "kwargs"), BAD)
def test_budget_set_field_errors(w, field, kwargs):
    values = {"actor": w.budget_admin, "org": w.unit, "year": w.year, "amount": 100} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        money.budget_set(**values)
    assert field in exc.value.fields


def test_budget_cannot_drop_below_what_is_used(w):
    budget(w.dispatcher, w.year, 5000, committed=1000, spent=2000)
    with pytest.raises(ValidationFailed) as exc:
        money.budget_set(actor=w.budget_admin, org=w.dispatcher, year=w.year, amount=2999)
    assert "amount" in exc.value.fields
    assert money.budget_set(actor=w.budget_admin, org=w.dispatcher, year=w.year, amount=3000).amount == 3000


def test_the_payer_rule(w):
    o = order(w.psy, org=w.unit)
    assert money.budget_for(o) == w.budget
    own = budget(w.unit, w.year, 800)
    ordering_pays = menu(w.dispatcher, payer=Payer.ORDERING)
    o2 = order(ordering_pays.items.get(), org=w.unit)
    assert money.budget_for(o2) == own
    o3 = order(
        w.psy,
        org=w.unit,
        wanted_from=w.wanted_from.replace(year=w.year + 1),
        wanted_to=w.wanted_to.replace(year=w.year + 1),
    )
    assert money.budget_for(o3) is None  # no budget that year: not budget-controlled


def test_guarded_commit_release_spend_never_go_negative(w):
    b = budget(w.dispatcher, w.year, 1500)
    assert money.budget_commit(b, Decimal(1000))
    assert not money.budget_commit(b, Decimal(501))  # 500 left
    assert fresh(b) == (1500, 1000, 0)
    assert money.budget_commit(b, Decimal(501), override=True)
    assert fresh(b) == (1500, 1501, 0)
    money.budget_spend(b, Decimal(1000))
    assert fresh(b) == (1500, 501, 1000)
    money.budget_release(b, Decimal(501))
    assert fresh(b) == (1500, 0, 1000)
    money.budget_release(b, Decimal(1))  # nothing committed: refused, stays at zero
    assert fresh(b) == (1500, 0, 1000)


def test_dispatch_refuses_over_budget_and_the_override_needs_the_right(w):
    budget(w.dispatcher, w.year, 1500, committed=1000)
    o = svc.order_create(actor=w.unit_staff, **w.order_kwargs())
    with pytest.raises(Conflict) as exc:
        svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert)
    assert exc.value.code == error_codes.OVER_BUDGET
    with pytest.raises(PermissionDenied):
        svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert, override_budget=True)
    o.refresh_from_db()
    assert o.status == S.SUBMITTED
    o = svc.order_dispatch(actor=w.budget_admin, order=o, expert=w.expert, override_budget=True)
    assert o.status == S.DISPATCHED and o.budget_override
    audit = AuditEntry.objects.filter(action="order.dispatch", object_id=str(o.pk)).get()
    assert audit.data["override_budget"] is True
    o = svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts())
    assert fresh(w.budget) == (1500, 2000, 0)  # over the amount, on purpose
    assert budget_used(actor=w.budget_admin, year=w.year)[0]["overrun"] >= 500


def test_acceptance_is_refused_when_the_budget_was_used_up_meanwhile(w):
    budget(w.dispatcher, w.year, 1500)
    first = svc.order_dispatch(
        actor=w.clerk, order=svc.order_create(actor=w.unit_staff, **w.order_kwargs()), expert=w.expert
    )
    second = svc.order_dispatch(
        actor=w.clerk, order=svc.order_create(actor=w.unit_staff, **w.order_kwargs()), expert=w.expert2
    )
    svc.order_accept(actor=w.expert_user, order=first, starts_at=w.starts())
    with pytest.raises(Conflict) as exc:
        svc.order_accept(actor=w.expert2_user, order=second, starts_at=w.starts())
    assert exc.value.code == error_codes.OVER_BUDGET
    second.refresh_from_db()
    assert second.status == S.DISPATCHED and fresh(w.budget) == (1500, 1000, 0)
    # a re-dispatch with the override lets it through
    second = svc.order_dispatch(actor=w.budget_admin, order=second, expert=w.expert2, override_budget=True)
    assert svc.order_accept(actor=w.expert2_user, order=second, starts_at=w.starts()).status == S.ACCEPTED
    assert fresh(w.budget) == (1500, 2000, 0)


def test_settle_spends_and_cancel_releases(w):
    o = order(w.psy, org=w.unit, status=S.CONFIRMED, expert=w.expert)
    assert o.budget == w.budget and fresh(w.budget) == (50000, 1000, 0)
    svc.order_settle(actor=w.clerk, order=o)
    assert fresh(w.budget) == (50000, 0, 1000)
    booked = order(w.law, org=w.unit, status=S.ACCEPTED, expert=w.expert2)
    assert fresh(w.budget) == (50000, 500, 1000)
    svc.order_cancel(actor=w.clerk, order=booked, reason="取消")
    assert fresh(w.budget) == (50000, 0, 1000)


def test_unbudgeted_orders_flow_without_a_budget(w):
    Budget.objects.all().delete()
    o = svc.order_create(actor=w.unit_staff, **w.order_kwargs())
    o = svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert)
    o = svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts())
    assert o.status == S.ACCEPTED and o.budget is None


def test_budget_list_is_scoped_and_annotated(w, demo):
    budget(w.dispatcher, w.year, 5000, committed=1000, spent=500)
    budget(demo.org("宝安区总"), w.year, 9000)
    rows = {b.org.short_name: b for b in budget_list(actor=w.clerk, year=w.year)}
    assert set(rows) == {"福田区总"}
    assert (rows["福田区总"].used, rows["福田区总"].remaining) == (1500, 3500)
    assert {b.org.short_name for b in budget_list(actor=w.budget_admin)} == {"福田区总", "宝安区总"}
    assert list(budget_list(actor=w.expert_user)) == []
    assert [r["share"] for r in budget_used(actor=w.clerk, year=w.year)] == [0.3]
