"""Browser journey of honours (issue 15 §2, marker e2e): the district union opens a 劳动模范
campaign and gives a quota in the console; the enterprise union nominates a member and submits
its list; the street union endorses it and the district approves; the public notice (公示) is
read on a 375-px phone and a worker objects there; the district dismisses the objection, the
notice ends and the award is written to the register, which the nominee sees on the phone.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_honours_journey.py"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from tests.matrix.world import member_of
from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.honours.models import Award, Campaign, Nomination, Objection

pytestmark = pytest.mark.e2e
NOMINEE_PHONE, OBJECTOR_PHONE = "13900001561", "13900001562"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def _phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(60000)
    return context.new_page()


def _login_as(page, username):
    page.context.clear_cookies()
    staff_login(page, username)


def test_nominate_approve_publicity_objection_register(demo, desktop, phone, browser, live_server):
    for page in (desktop, phone):
        page.set_default_timeout(60000)
    sms.outbox.clear()
    hetao = demo.org("河套科创工会")
    nominee = worker_for_phone(phone=NOMINEE_PHONE)
    membership = member_of(hetao, 5611, "周师傅", user=nominee)

    # 1. The district union opens a campaign with a quota for the enterprise union.
    staff_login(desktop, "futian_staff")
    desktop.goto("/console/honours/")
    desktop.fill("#h-title", "2026年福田区劳动模范评选")
    desktop.select_option("#h-kind", "model_worker")
    desktop.fill("#h-closes", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    desktop.fill("#h-front", "50")
    desktop.fill("#h-man", "20")
    desktop.click("[data-testid=campaign-submit]")
    desktop.wait_for_selector("[data-testid=quota-form]")
    desktop.select_option("#q-org", str(hetao.pk))
    desktop.fill("#q-n", "2")
    desktop.click("[data-testid=quota-submit]")
    desktop.click("[data-testid=step]")  # open for nominations
    assert desktop.get_attribute("[data-testid=campaign-status]", "data-status") == "open"
    shot(desktop, "honours-01-campaign-open")
    campaign = Campaign.objects.get(title="2026年福田区劳动模范评选")

    # 2. The enterprise union nominates its member and submits its list.
    _login_as(desktop, "enterprise_staff")
    desktop.goto(f"/console/honours/{campaign.pk}/")
    desktop.click("[data-testid=nominate]")
    desktop.select_option("[data-testid=member]", str(membership.pk))
    desktop.fill("#n-job", "高级电工")
    desktop.fill("#n-deeds", "扎根一线十五年，带徒32人，完成技术革新12项。")
    desktop.click("[data-testid=nomination-submit]")
    desktop.click("[data-testid=submit-list]")
    desktop.wait_for_selector(".alert-success")
    assert "周师傅" not in desktop.content()  # the name is masked in the list
    shot(desktop, "honours-02-nominated")

    # 3. The street union endorses it, the district approves it and starts the public notice.
    _login_as(desktop, "fubao_staff")
    desktop.goto(f"/console/honours/{campaign.pk}/")
    desktop.click("[data-testid=approve]")
    desktop.wait_for_selector(".alert-success")
    _login_as(desktop, "futian_staff")
    desktop.goto(f"/console/honours/{campaign.pk}/")
    desktop.click("[data-testid=approve]")
    desktop.wait_for_selector(".alert-success")
    assert Nomination.objects.get(campaign=campaign).status == "approved"
    desktop.click("[data-testid=step]")  # close nominations, review
    desktop.click("[data-testid=step]")  # start the public notice
    assert desktop.get_attribute("[data-testid=campaign-status]", "data-status") == "publicity"

    # 4. On a phone: the notice (names masked) and a worker's objection.
    phone.goto("/h5/honours/")
    phone.wait_for_selector("[data-testid=nominee]")
    assert phone.inner_text("[data-testid=nominee-name]") == "周*傅"
    _fits(phone)
    shot(phone, "honours-03-notice-375")
    worker_for_phone(phone=OBJECTOR_PHONE)
    phone.goto("/h5/login/?next=/h5/honours/")
    worker_login(phone, OBJECTOR_PHONE)
    phone.wait_for_selector("[data-testid=nominee]")
    phone.click("[data-testid=nominee] summary")
    phone.fill("[data-testid=objection-form] textarea", "请核实其带徒人数")
    phone.click("[data-testid=objection-submit]")
    phone.wait_for_selector(".alert-success")
    _fits(phone)
    shot(phone, "honours-04-objection-375")
    assert Objection.objects.filter(text="请核实其带徒人数").exists()

    # 5. The district dismisses the objection; once the notice has run its days it awards.
    desktop.goto(f"/console/honours/{campaign.pk}/")
    desktop.fill("[data-testid=decide-form] input[name=resolution]", "经核查，带徒记录属实")
    desktop.click("[data-testid=dismiss]")
    desktop.wait_for_selector(".alert-success")
    # the public notice has run its days (moved back rather than waiting a week)
    Campaign.objects.filter(pk=campaign.pk).update(
        publicity_from=timezone.localdate() - dt.timedelta(days=10),
        publicity_until=timezone.localdate() - dt.timedelta(days=1),
    )
    desktop.goto(f"/console/honours/{campaign.pk}/")
    desktop.click("[data-testid=step]")  # award and write the register
    assert desktop.get_attribute("[data-testid=campaign-status]", "data-status") == "closed"
    desktop.goto("/console/honours/register/")
    assert "周*傅" in desktop.inner_text("[data-testid=register]")
    shot(desktop, "honours-05-register")
    assert Award.objects.get().person == membership.person

    # 6. The nominee sees the honour on their phone.
    mine = _phone(browser, live_server)
    mine.goto("/h5/honours/mine/")
    worker_login(mine, NOMINEE_PHONE)
    mine.wait_for_selector("[data-testid=my-honour]")
    assert "2026年福田区劳动模范评选" in mine.inner_text("[data-testid=my-honour]")
    _fits(mine)
    shot(mine, "honours-06-mine-375")
    mine.context.close()
