"""The console home's to-do (staff.todo): each count follows its domain's scope — a new item
waiting for a user raises their count and nobody else's — and the page lists what waits."""

from datetime import date

import pytest
from django.test import Client

from tests.dispatch.support import order, world
from tests.members.joining_support import apply_to
from tests.stats.support import add
from zhijia.staff.todo import todo_items
from zhijia.stats.fold import fold_all
from zhijia.stats.reports.services import report_open, report_save, report_submit

pytestmark = pytest.mark.django_db


def _count(user, key: str) -> int:
    return next((i["count"] for i in todo_items(user) if i["key"] == key), 0)


def test_a_join_application_waits_for_its_reviewers_only(demo):
    reviewer, outsider = demo.user("futian_staff"), demo.user("baoan_staff")
    before = (_count(reviewer, "applications"), _count(outsider, "applications"))
    apply_to(demo.org("福保精密工会"), 41)
    assert _count(reviewer, "applications") == before[0] + 1
    assert _count(outsider, "applications") == before[1]


def test_orders_wait_for_the_dispatcher_and_deliveries_for_the_ordering_union(demo):
    w = world(demo)
    before = (_count(w.clerk, "orders_to_dispatch"), _count(w.outsider, "orders_to_dispatch"))
    order(w.psy, org=w.unit)
    assert _count(w.clerk, "orders_to_dispatch") == before[0] + 1
    assert _count(w.outsider, "orders_to_dispatch") == before[1]
    waiting = _count(w.unit_staff, "orders_to_confirm")
    order(w.law, org=w.unit, status="delivered", expert=w.expert2)
    assert _count(w.unit_staff, "orders_to_confirm") == waiting + 1


def test_a_submitted_report_waits_for_the_unit_above(demo):
    street, clerk = demo.org("福保街道"), demo.user("fubao_staff")
    district, sibling = demo.user("futian_staff"), demo.user("baoan_staff")
    add(street, date(2026, 3, 4))
    fold_all()
    before = (_count(district, "reports"), _count(sibling, "reports"), _count(clerk, "reports"))
    report = report_open(actor=clerk, org=street, form="monthly", period="2026-03")
    report = report_save(actor=clerk, report=report, values={"volunteers": "3"}, notes={})
    report_submit(actor=clerk, report=report)
    assert _count(district, "reports") == before[0] + 1
    assert _count(sibling, "reports") == before[1]
    assert _count(clerk, "reports") == before[2]  # nobody reviews their own report


def test_the_home_page_lists_what_waits_with_links(demo):
    client = Client()
    client.force_login(demo.user("futian_staff"))
    apply_to(demo.org("福保精密工会"), 42)
    html = client.get("/console/", follow=True).content.decode()
    assert 'data-testid="todo"' in html
    part = html.split('data-testid="todo-applications')[1][:600]
    assert "/console/" in part and 'data-testid="todo-count"' in part
