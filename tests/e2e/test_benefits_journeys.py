"""Issue "Benefits" journey: a courier waits on a 375-px phone for 中山's courier vouchers (满50减40),
the countdown runs out and the round opens, she claims — an impatient double tap gives one
voucher —, shows it at the shop, where the cashier types the code on the till phone, enters a
bill above the threshold and is told what the customer still pays; union staff see the
redemption on the campaign's dashboard."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from zhijia.accounts import sms
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Campaign, LotteryEntry, Redemption, Round, Voucher
from zhijia.benefits.services.lottery import entry_register, lottery_draw, lottery_rank
from zhijia.members.services.rights import consent_give

WAIT_SECONDS = 8  # the round opens this long after the courier opens the page


@pytest.fixture
def flash_sale(demo):
    """中山市总's courier vouchers at 好邻居便利店 (one outlet, merchant_demo at its till), the
    round not open yet; a courier member of 中山 with a worker account."""
    org = demo.org("中山市总")
    shop = merchant(org, name="好邻居便利店")
    till = outlet_of(shop)
    cashier(till, user=demo.user("merchant_demo"))
    camp = campaign(
        org,
        total=3,
        merchants=[shop],
        title="中山快递员满减券",
        face_value=Decimal("40"),
        threshold=Decimal("50"),
        occupations=["courier"],
    )
    courier, person = claimer(org, occupation="courier", name="刘快递")
    # the courier lets merchants see the masked name (without it the till shows "—")
    consent_give(actor=courier, person=person, purpose="merchant_sharing", notice_version="2026-11")
    return {"campaign": camp, "till": till, "courier": courier, "person": person}


def _open_in(camp, seconds: int) -> dt.datetime:
    opens = timezone.now() + dt.timedelta(seconds=seconds)
    Round.objects.filter(campaign=camp).update(opens_at=opens, closes_at=opens + dt.timedelta(hours=2))
    return opens


def test_courier_claims_at_release_once_cashier_redeems_union_sees_it(
    flash_sale, phone, browser, live_server
):
    sms.outbox.clear()
    camp, courier = flash_sale["campaign"], flash_sale["courier"]
    page_url = reverse("h5:vouchers_campaign", args=[camp.pk])

    # The courier finds the campaign on the voucher list, logs in by SMS, and opens it before
    # the release.
    _open_in(camp, 600)
    phone.goto(reverse("h5:vouchers_list"))
    phone.wait_for_selector(
        f"[data-testid=section-upcoming] [data-testid=campaign-card][data-id='{camp.pk}']"
    )
    shot(phone, "h5-vouchers-list")
    phone.goto(reverse("h5:login") + "?next=" + page_url)
    worker_login(phone, courier.phone)
    phone.wait_for_url(f"**{page_url}")
    _open_in(camp, WAIT_SECONDS)
    phone.goto(page_url)
    phone.wait_for_selector("[data-testid=claim-box][data-pane=wait]")
    assert phone.is_disabled("[data-testid=claim]")
    countdown = phone.inner_text("[data-testid=countdown]")
    assert countdown.startswith("00:00:0"), countdown
    shot(phone, "h5-voucher-countdown")

    # The countdown runs out on the server's clock: the button comes alive with the stock.
    phone.wait_for_selector("[data-testid=claim-box][data-pane=open]", timeout=(WAIT_SECONDS + 10) * 1000)
    phone.wait_for_function("() => !document.querySelector('[data-testid=claim]').disabled")
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=remaining]').textContent.trim() === '3'"
    )
    shot(phone, "h5-voucher-open")
    phone.locator("[data-testid=claim]").dblclick()  # the impatient double tap
    phone.wait_for_selector("[data-testid=claim-result][data-status=claimed]")
    voucher = Voucher.objects.get(campaign=camp)
    assert Voucher.objects.filter(campaign=camp).count() == 1
    assert voucher.person_id == flash_sale["person"].pk
    assert phone.inner_text("[data-testid=result-code]") == voucher.code
    shot(phone, "h5-voucher-claimed")

    # Back on the campaign page there is no second button: she holds hers.
    phone.goto(page_url)
    phone.wait_for_selector("[data-testid=holds-enough]")
    assert phone.locator("[data-testid=claim]").count() == 0
    assert Voucher.objects.filter(campaign=camp).count() == 1

    phone.goto(reverse("h5:vouchers_mine"))
    phone.wait_for_selector(f"[data-testid=voucher][data-id='{voucher.pk}']")
    shot(phone, "h5-my-vouchers")
    phone.click(f"[data-testid=voucher][data-id='{voucher.pk}'] a")
    phone.wait_for_selector("[data-testid=voucher-qr] svg")
    assert phone.inner_text("[data-testid=voucher-code]") == voucher.code
    shot(phone, "h5-voucher-qr")

    # At the shop: the cashier's phone, logged in on the console, opens the till.
    till_context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    till_context.set_default_timeout(15000)
    till = till_context.new_page()
    staff_login(till, "merchant_demo")
    till.goto(reverse("h5:merchant_redeem", args=[flash_sale["till"].pk]))
    till.wait_for_selector("[data-testid=till][data-step=scan]")
    shot(till, "h5-merchant-scan")
    till.fill("[data-testid=till-code-input]", voucher.code.lower())
    till.click("[data-testid=till-check]")
    till.wait_for_selector("[data-testid=till][data-step=preview]")
    assert till.inner_text("[data-testid=till-holder]") == "刘*递"
    assert "中山快递员满减券" in till.inner_text("[data-testid=till-campaign]")
    till.fill("[data-testid=till-bill-input]", "68")
    shot(till, "h5-merchant-preview")
    till.locator("[data-testid=till-confirm]").dblclick()
    till.wait_for_selector("[data-testid=till][data-step=done]")
    assert till.get_attribute("[data-testid=till-to-pay]", "data-amount") == "28"
    assert "28" in till.inner_text("[data-testid=till-to-pay]")
    shot(till, "h5-merchant-done")
    assert Redemption.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED

    till.click("[data-testid=tab-today]")
    till.wait_for_selector("[data-testid=till-redemption]")
    assert till.locator("[data-testid=till-redemption]").count() == 1
    shot(till, "h5-merchant-today")
    till_context.close()

    # The courier's voucher now reads "redeemed".
    phone.goto(reverse("h5:vouchers_mine"))
    phone.wait_for_selector(f"[data-testid=voucher][data-id='{voucher.pk}'][data-status=redeemed]")

    # Union staff see it on the campaign's dashboard.
    desk_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url
    )
    desk_context.set_default_timeout(15000)
    desk = desk_context.new_page()
    staff_login(desk, "province_admin")
    desk.goto(reverse("staff:benefits_dashboard", args=[camp.pk]))
    desk.wait_for_selector("[data-testid=dashboard-cards]")
    assert desk.inner_text("[data-testid=dash-issued]").strip() == "1"
    assert desk.inner_text("[data-testid=dash-redeemed]").strip() == "1"
    assert "68" in desk.inner_text("[data-testid=dash-consumption]")
    assert "40" in desk.inner_text("[data-testid=dash-face]")
    shot(desk, "console-benefits-dashboard-after-redemption")
    desk_context.close()


def test_sanitation_worker_enters_the_lottery_and_checks_the_draw(demo, phone):
    """A recuperation-trip lottery: she registers on her phone (seeing the seed's fingerprint
    published in advance), the union draws after registration closes, and the draw list she
    opens shows the revealed seed and the ranks, which re-run from the seed."""
    sms.outbox.clear()
    org = demo.org("中山市总")
    lottery = campaign(
        org,
        total=1,
        allocation="lottery",
        kind="experience",
        experience="recuperation",
        title="中山环卫工人疗休养",
        face_value=Decimal("2000"),
        threshold=Decimal("0"),
        occupations=["sanitation"],
    )
    for n in range(3):
        other, _p = claimer(org, occupation="sanitation", name=f"环卫{n}号")
        entry_register(user=other, campaign=lottery)
    worker, person = claimer(org, occupation="sanitation", name="陈阿姨")
    page_url = reverse("h5:vouchers_campaign", args=[lottery.pk])
    phone.goto(page_url)
    phone.click("[data-testid=login-to-claim]")
    worker_login(phone, worker.phone)
    phone.wait_for_selector("[data-testid=register]")
    assert phone.inner_text("[data-testid=seed-hash]") == lottery.seed_hash
    phone.evaluate("window.scrollTo(0, 0)")  # the full-page shot from the top (sticky header)
    shot(phone, "h5-lottery-campaign")
    phone.locator("[data-testid=register]").dblclick()
    phone.wait_for_selector("[data-testid=claim-result][data-status=registered]")
    assert phone.inner_text("[data-testid=entry-number]") == "4"
    assert LotteryEntry.objects.filter(campaign=lottery, person=person).count() == 1

    Campaign.objects.filter(pk=lottery.pk).update(register_closes_at=timezone.now() - dt.timedelta(seconds=1))
    lottery.refresh_from_db()
    lottery_draw(actor=demo.user("province_admin"), campaign=lottery)
    lottery.refresh_from_db()

    phone.goto(page_url)
    phone.wait_for_selector("[data-testid=seed]")
    assert phone.inner_text("[data-testid=seed]") == lottery.seed
    mine = LotteryEntry.objects.get(campaign=lottery, person=person)
    assert phone.get_attribute("[data-testid=my-entry]", "data-status") == mine.status
    phone.click("[data-testid=link-draw]")
    phone.wait_for_selector("[data-testid=draw-entry]")
    rows = phone.locator("[data-testid=draw-entry] td:first-child").all_inner_texts()
    assert [int(n) for n in rows] == lottery_rank(lottery.seed, [1, 2, 3, 4])
    assert hashlib.sha256(phone.inner_text("[data-testid=seed]").encode()).hexdigest() == lottery.seed_hash
    assert "陈阿姨" not in phone.content() and "陈*姨" in phone.content()
    shot(phone, "h5-lottery-draw")


def test_a_member_outside_the_funded_unit_is_told_why_before_the_tap(demo, phone, live_server):
    """A 福田 courier opens 中山's courier campaign: no claim button, the reason instead — in
    zh-hans, zh-hant and en."""
    sms.outbox.clear()
    camp = campaign(demo.org("中山市总"), title="中山快递员满减券", occupations=["courier"])
    outsider, _p = claimer(demo.org("福田区总"), occupation="courier", name="黄骑手")
    page_url = reverse("h5:vouchers_campaign", args=[camp.pk])
    phone.goto(reverse("h5:login") + "?next=" + page_url)
    worker_login(phone, outsider.phone)
    phone.wait_for_url(f"**{page_url}")
    reason = phone.locator("[data-testid=ineligible]")
    assert "中山市总工会" in reason.inner_text()
    assert phone.locator("[data-testid=claim]").count() == 0
    shot(phone, "h5-voucher-ineligible")
    for code, words in (("zh-hant", "參與條件"), ("en", "This campaign is for members of")):
        phone.context.add_cookies([{"name": "zhijia_language", "value": code, "url": live_server.url}])
        phone.goto(page_url)
        assert words in phone.locator("[data-testid=ineligible]").inner_text()
        shot(phone, f"h5-voucher-ineligible-{code}")
