"""Browser check of the console benefits pages on a 375-px phone (marker e2e: run with
`uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_benefits_console_phone.py`): the demo
benefits seeded, province_admin goes through the campaign list, the new-campaign form with the
rounds generator, a campaign, its lottery and dashboard, a voucher search, the merchants and a
reconciliation. No page scrolls sideways; screenshots land in tests/e2e/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from zhijia.benefits.models import Campaign, Merchant, Voucher
from zhijia.demo.benefits import CONSUMPTION, RECUPERATION, SUPERMARKET, seed_benefits

pytestmark = pytest.mark.e2e


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def visit(page, url: str, name: str) -> None:
    page.goto(url)
    page.wait_for_selector("main")
    shot(page, name)
    assert fits(page), f"{url} scrolls sideways at 375 px"


def test_console_benefits_on_a_phone(demo, phone):
    seed_benefits(claimers=10)
    page = phone
    staff_login(page, "province_admin")
    consumption = Campaign.objects.get(title=CONSUMPTION)
    lottery = Campaign.objects.get(title=RECUPERATION)
    shop = Merchant.objects.get(name=SUPERMARKET)
    voucher = Voucher.objects.filter(campaign=consumption, status="redeemed").first()

    visit(page, "/console/benefits/", "console-benefits-list")
    assert page.locator("[data-testid=campaign-row]").count() == 3

    page.goto("/console/benefits/new/")
    start = (timezone.localtime() + dt.timedelta(days=1)).replace(hour=10, minute=0)
    page.fill("[data-testid=gen_start]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("[data-testid=gen_per_day]", "1000")
    page.fill("[data-testid=gen_days]", "10")
    page.click("[data-testid=rounds-generate]")
    page.wait_for_selector("[data-testid=round-row]")
    assert page.locator("#round-rows [data-testid=round-row]").count() == 10
    assert page.locator("[data-testid=round-sum]").inner_text() == "10000"
    page.click("[data-testid=round-add]")
    assert page.locator("#round-rows [data-testid=round-row]").count() == 11
    shot(page, "console-benefits-form")
    assert fits(page)
    page.fill("[data-testid=title]", "长春冰雪季满减消费券")
    page.fill("[data-testid=face_value]", "40")
    page.fill("[data-testid=threshold]", "50")
    page.check("[data-testid=merchants] input[type=checkbox] >> nth=0")
    page.click("[data-testid=campaign-submit]")
    page.wait_for_selector("[data-testid=campaign-publish]")
    page.click("[data-testid=campaign-publish]")
    page.wait_for_selector("[data-testid=campaign-end]")
    created = Campaign.objects.get(title="长春冰雪季满减消费券")
    assert (created.status, created.total, created.rounds.count()) == ("published", 10000, 10)

    visit(page, f"/console/benefits/{consumption.pk}/", "console-benefits-campaign")
    visit(page, f"/console/benefits/{lottery.pk}/lottery/", "console-benefits-lottery")
    assert page.locator("[data-testid=lottery-seed-hash]").inner_text() == lottery.seed_hash
    visit(page, f"/console/benefits/{consumption.pk}/dashboard/", "console-benefits-dashboard")
    assert int(page.locator("[data-testid=dash-redeemed]").inner_text()) > 0
    visit(page, f"/console/benefits/vouchers/?code={voucher.code}", "console-benefits-voucher")
    assert page.locator("[data-testid=voucher-found]").count() == 1
    visit(page, "/console/benefits/merchants/", "console-benefits-merchants")
    visit(page, f"/console/benefits/merchants/{shop.pk}/", "console-benefits-merchant")
    visit(page, f"/console/benefits/merchants/{shop.pk}/reconciliation/", "console-benefits-reconciliation")
    assert page.locator("[data-testid=rec-row]").count() > 0
