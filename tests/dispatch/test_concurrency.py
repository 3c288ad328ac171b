"""Accepting expert orders at the same moment on PostgreSQL: threads with their own
connections, released together by a barrier. Whatever the interleaving: an expert never holds
two booked orders at overlapping times (the service's lock and check, and behind them the
exclusion constraint `expert_no_overlap`), and concurrent acceptances never commit more than
the budget. Every refusal is a clean ApplicationError."""

import datetime as dt
import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from tests.conftest import Demo
from zhijia.core.audit_chain import seal_pending
from zhijia.core.errors import ApplicationError
from zhijia.demo.seed import seed
from zhijia.dispatch.enums import BOOKED, OrderStatus
from zhijia.dispatch.models import Budget, ServiceOrder
from zhijia.dispatch.services import expert_steps
from zhijia.dispatch.services import orders as svc

from .support import budget, expert_login, order, world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = OrderStatus


@pytest.fixture
def w(transactional_db, monkeypatch):
    """The demo tree and the dispatch world, committed so the threads see them; the audit chain
    is sealed once at the end (see tests/activities/test_concurrency.py)."""
    seed(password=Demo.password)
    monkeypatch.setattr("zhijia.core.audit._seal_after_commit", lambda: None)
    yield world(Demo())
    seal_pending()


def race(calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, function, kwargs):
        try:
            barrier.wait()
            results[i] = (True, function(**kwargs))
        except BaseException as exc:  # judged by the caller
            results[i] = (False, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert None not in results, "a thread did not finish"
    return results


def refusals(results, allowed):
    errors = [value for ok, value in results if not ok]
    leaked = [repr(e) for e in errors if not isinstance(e, ApplicationError)]
    assert leaked == [], leaked[:3]
    codes = Tally(e.code for e in errors)
    assert set(codes) <= allowed, codes
    return codes


def overlapping_pairs():
    booked = list(
        ServiceOrder.objects.filter(status__in=BOOKED).values_list("expert_id", "starts_at", "ends_at")
    )
    return [
        (a, b)
        for n, a in enumerate(booked)
        for b in booked[n + 1 :]
        if a[0] == b[0] and a[1] < b[2] and b[1] < a[2]
    ]


def test_one_expert_accepting_eight_overlapping_orders_books_one(w):
    orders = [order(w.law, org=w.unit, status=S.DISPATCHED, expert=w.expert) for _ in range(8)]
    calls = [
        (
            svc.order_accept,
            {"actor": w.expert_user, "order": o, "starts_at": w.starts(1, 9) + dt.timedelta(minutes=10 * i)},
        )
        for i, o in enumerate(orders)
    ]
    results = race(calls)
    codes = refusals(results, {"expert_unavailable", "busy"})
    assert sum(ok for ok, _ in results) == 1 and codes["expert_unavailable"] >= 1
    assert ServiceOrder.objects.filter(status=S.ACCEPTED, expert=w.expert).count() == 1
    assert overlapping_pairs() == []
    w.budget.refresh_from_db()
    assert w.budget.committed == w.law.cost


def test_the_database_constraint_decides_without_the_python_check(w, monkeypatch):
    """With the service's overlap check switched off, the exclusion constraint still refuses
    the overlapping bookings, and its violation becomes 409 expert_unavailable."""
    monkeypatch.setattr(expert_steps, "booked_overlap", lambda *a, **k: False)
    orders = [order(w.law, org=w.unit, status=S.DISPATCHED, expert=w.expert) for _ in range(6)]
    calls = [
        (svc.order_accept, {"actor": w.expert_user, "order": o, "starts_at": w.starts(2, 14)}) for o in orders
    ]
    results = race(calls)
    codes = refusals(results, {"expert_unavailable", "busy"})
    assert sum(ok for ok, _ in results) == 1 and codes["expert_unavailable"] + codes["busy"] == 5
    assert overlapping_pairs() == []
    w.budget.refresh_from_db()
    assert w.budget.committed == w.law.cost  # the refused ones rolled their commits back


def test_concurrent_acceptances_never_exceed_a_small_budget(w):
    small = budget(w.dispatcher, w.year, 2500)
    experts = [expert_login(w.dispatcher) for _ in range(8)]
    orders = [order(w.law, org=w.unit, status=S.DISPATCHED, expert=e, cost=1000) for _u, e in experts]
    calls = [
        (svc.order_accept, {"actor": u, "order": o, "starts_at": w.starts(3, 9)})
        for (u, _e), o in zip(experts, orders, strict=True)
    ]
    results = race(calls)
    codes = refusals(results, {"over_budget", "busy"})
    accepted = sum(ok for ok, _ in results)
    assert accepted == 2 or (accepted < 2 and codes["busy"])  # a lock timeout may lose a winner
    assert accepted + codes["over_budget"] + codes["busy"] == 8
    small = Budget.objects.get(pk=small.pk)
    assert small.committed == 1000 * accepted <= small.amount and small.spent == 0
    assert ServiceOrder.objects.filter(status=S.ACCEPTED).count() == accepted
