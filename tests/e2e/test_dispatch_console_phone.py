"""The expert-services console on a 375-px phone (browser test, marker e2e): every page of the
dispatcher fits the screen without sideways scrolling. Screenshots land in
tests/e2e/screenshots/console-dispatch-*.png.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_dispatch_console_phone.py"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD
from tests.dispatch.support import budget, expert, menu, order
from tests.e2e.conftest import shot
from zhijia.dispatch.enums import NeedSource, OrderStatus
from zhijia.dispatch.models import Need, NeedSurvey

pytestmark = pytest.mark.e2e
S = OrderStatus


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide"


def test_dispatcher_pages_fit_a_phone(demo, phone):
    futian, hetao = demo.org("福田区总"), demo.org("河套科创工会")
    m = menu(futian, items=[{"qualification": "心理咨询师", "title": "职场压力与情绪管理（团体辅导）"}, {}])
    c1 = m.items.get(code="C1")
    today = timezone.localdate()
    good = expert(
        futian, name="王心理", title="国家二级心理咨询师", specialties=["C1"], qualifications=["心理咨询师"]
    )
    expert(
        futian,
        name="李过期",
        specialties=["C1"],
        qualifications=[("心理咨询师", today - dt.timedelta(days=1))],
    )
    submitted = order(c1, org=hetao)
    late = order(c1, org=hetao, status=S.DISPATCHED, expert=good)
    late.accept_by = timezone.now() - dt.timedelta(hours=2)
    late.save(update_fields=["accept_by"])
    budget(futian, today.year, 50000, committed=1000, spent=3000)
    order(c1, org=hetao, status=S.CONFIRMED, expert=good)
    survey = NeedSurvey.objects.create(org=futian, title="2026 年职工心理服务需求调研", menu=m)
    Need.objects.create(
        survey=survey, source=NeedSource.UNION, org=hetao, item=c1, people=40, text="希望安排减压讲座"
    )

    year = c1.orders.first().wanted_from.year
    _visit(phone, submitted, late, m, good, survey, year)


def _visit(phone, submitted, late, m, good, survey, year) -> None:
    phone.goto("/console/login/")
    phone.fill("input[name=username]", "futian_staff")
    phone.fill("input[name=password]", DEMO_PASSWORD)
    phone.click("[data-testid=login-submit]")
    phone.wait_for_selector("[data-testid=logout]")

    pages = [
        ("board", "/console/dispatch/", "[data-testid=board]"),
        ("order", f"/console/dispatch/orders/{submitted.pk}/", "[data-testid=suggestions]"),
        ("orders", "/console/dispatch/orders/", "[data-testid=order-list]"),
        ("menu", f"/console/dispatch/menus/{m.pk}/", "[data-testid=item-list]"),
        ("experts", "/console/dispatch/experts/", "[data-testid=expert-list]"),
        ("expert", f"/console/dispatch/experts/{good.pk}/", "[data-testid=qualifications]"),
        ("budgets", "/console/dispatch/budgets/", "[data-testid=budget-bar]"),
        ("reports", f"/console/dispatch/reports/?year={year}", "[data-testid=report-by-item]"),
        ("survey", f"/console/dispatch/surveys/{survey.pk}/", "[data-testid=need-list]"),
    ]  # fmt: skip
    for name, url, ready in pages:
        phone.goto(url)
        phone.wait_for_selector(ready)
        phone.evaluate("window.scrollTo(0, 0)")
        shot(phone, f"console-dispatch-{name}")
        _fits(phone)
    phone.goto("/console/dispatch/")
    overdue = phone.locator(
        "[data-testid=board-column][data-status=dispatched] [data-testid=board-card]"
    ).first
    assert late.number in overdue.inner_text() and overdue.locator("[data-testid=overdue]").count() == 1
