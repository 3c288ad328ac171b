"""Browser journeys of issue 15 (marker e2e): a congress elects a committee from a 差额 list —
the list made in the console, a delegate votes on a 375-px phone, paper ballots entered by two
tellers, the count, 报批 and the upper union's approval; a worker comments on an article of a
draft regulation on the phone and later sees "部分采纳" with its reason.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_participation_journeys.py"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from tests.elections.support import members
from tests.matrix.world import member_of
from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.elections.models import Delegate, Election
from zhijia.elections.services import congress as csvc
from zhijia.voice.enums import Outcome
from zhijia.voice.services import consultations

pytestmark = pytest.mark.e2e
PHONE_NO = "13900001515"


def _new_page(browser, live_server, width=1280, height=900):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(60000)
    return context.new_page()


def _patient(*pages) -> None:
    """The shared test machine is slow at times: wait longer than the default."""
    for page in pages:
        page.set_default_timeout(60000)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_congress_elects_a_committee_from_a_competitive_list_approved_upward(
    demo, desktop, phone, browser, live_server
):
    _patient(desktop, phone)
    org = demo.org("河套科创工会")
    worker = worker_for_phone(phone=PHONE_NO)
    mine = member_of(org, 5151, "刘代表", user=worker).person
    congress = csvc.congress_create(
        actor=None, org=org, title="第二届会员代表大会", held_on=date(2026, 12, 30), seats=4
    )
    csvc.congress_allot(actor=None, congress=congress)
    for p in [mine, *members(org, 3, "代表")]:
        d = csvc.delegate_add(actor=None, congress=congress, unit=org, person=p)
        csvc.delegate_presence(actor=None, delegate=d, present=True)
    csvc.congress_advance(actor=None, congress=congress, to="in_session")
    members(org, 3, "候选")

    # 1. The union's clerk makes the 差额 list (3 candidates for 2 seats) and opens the vote.
    staff_login(desktop, "enterprise_staff")
    desktop.goto(f"/console/elections/congresses/{congress.pk}/")
    desktop.fill("#e-title", "第二届委员会委员选举")
    desktop.fill("#e-seats", "3")
    desktop.fill("#e-margin", "0.2")
    boxes = desktop.locator("[data-testid=candidate]")
    for i in range(boxes.count()):
        label = desktop.locator(f"label[for='cand-{i + 1}']").inner_text()
        if label.startswith("候"):
            boxes.nth(i).check()
    desktop.click("[data-testid=election-submit]")
    assert "3" in desktop.inner_text(".alert") or desktop.locator("[data-testid=election-new]").count()
    shot(desktop, "participation-01-margin-refused")  # 3 candidates for 3 seats: not 差额
    desktop.fill("#e-title", "第二届委员会委员选举")
    desktop.fill("#e-seats", "2")
    desktop.fill("#e-margin", "0.2")
    for i in range(boxes.count()):
        if desktop.locator(f"label[for='cand-{i + 1}']").inner_text().startswith("候"):
            boxes.nth(i).check()
    desktop.click("[data-testid=election-submit]")
    desktop.wait_for_selector("[data-testid=open-vote]")
    assert desktop.locator("[data-testid=candidate-row]").count() == 3
    desktop.click("[data-testid=open-vote]")
    desktop.wait_for_selector("[data-testid=paper]")
    shot(desktop, "participation-02-vote-open")

    # 2. The delegate votes on the phone: the ballot is secret.
    sms.outbox.clear()
    phone.goto("/h5/elections/")
    worker_login(phone, PHONE_NO)
    phone.wait_for_selector("[data-testid=vote]")
    phone.click("[data-testid=vote]")
    phone.wait_for_selector("[data-testid=ballot-form]")
    choices = phone.locator("[data-testid=choice]")
    choices.nth(0).check()
    choices.nth(1).check()
    _fits(phone)
    shot(phone, "participation-03-phone-ballot")
    phone.click("[data-testid=cast]")
    phone.wait_for_selector("[data-testid=vote]")
    assert "已投票" in phone.inner_text("[data-testid=vote]") or "Voted" in phone.inner_text(
        "[data-testid=vote]"
    )
    shot(phone, "participation-04-phone-voted")

    # 3. Three delegates take paper ballots; two tellers enter them; the vote is counted.
    desktop.reload()
    for _ in range(3):
        desktop.click("[data-testid=paper-issue]")
        desktop.wait_for_selector("[data-testid=election-status]")
    desktop.fill("[data-testid=teller-ballots]", "1 2\n1 2\n3")
    desktop.click("[data-testid=teller-submit]")
    desktop.wait_for_selector("[data-testid=teller]")
    election = Election.objects.get(title="第二届委员会委员选举")
    second = _new_page(browser, live_server)
    staff_login(second, "fubao_staff")
    second.goto(f"/console/elections/{election.pk}/")
    second.fill("[data-testid=teller-ballots]", "3\n2 1\n1,2")
    second.click("[data-testid=teller-submit]")
    second.wait_for_selector("[data-testid=election-status]")
    desktop.goto(f"/console/elections/{election.pk}/")
    desktop.click("[data-testid=close-vote]")
    desktop.wait_for_selector("[data-testid=result]")
    shot(desktop, "participation-05-result")
    assert desktop.locator("[data-testid=elected]").count() == 2
    shot(desktop, "participation-05-result")
    with desktop.expect_download() as pdf:
        desktop.click("[data-testid=result-pdf]")
    assert Path(pdf.value.path()).read_bytes()[:4] == b"%PDF"
    desktop.click("[data-testid=submit-up]")
    desktop.wait_for_selector("[data-testid=election-status]")

    # 4. The upper union (福保街道) approves.
    second.goto("/console/elections/")
    second.wait_for_selector("[data-testid=pending-row]")
    second.click("[data-testid=pending-row]")
    second.fill("[data-testid=decide-note]", "同意选举结果")
    second.click("[data-testid=approve]")
    second.wait_for_selector("[data-testid=decision-note]")
    shot(second, "participation-06-approved")
    election.refresh_from_db()
    assert election.status == "approved" and election.committee is not None
    assert Delegate.objects.filter(congress=congress).count() == 4


def test_worker_comments_on_an_article_and_later_sees_partly_adopted(demo, phone, desktop):
    _patient(desktop, phone)
    org = demo.org("河套联合工会")
    worker = worker_for_phone(phone=PHONE_NO)
    member_of(demo.org("河套科创工会"), 5252, "陈骑手", user=worker)
    c = consultations.consultation_create(
        actor=None,
        org=org,
        title="新就业形态劳动者权益保障条例意见征集",
        draft_title="深圳经济特区新就业形态劳动者权益保障条例（征求意见稿）",
        closes_on=timezone.localdate() + timedelta(days=14),
        articles=[
            ("第一条", "为了维护新就业形态劳动者的合法权益，制定本条例。"),
            ("第二条", "平台企业应当公示算法规则。"),
        ],
    )
    consultations.consultation_step(actor=None, consultation=c, to="open")

    sms.outbox.clear()
    phone.goto("/h5/voice/")
    worker_login(phone, PHONE_NO)
    phone.wait_for_selector("[data-testid=consultation]")
    phone.click("[data-testid=consultation]")
    phone.wait_for_selector("[data-testid=article]")
    second = phone.locator("[data-testid=article]").nth(2)  # the whole draft, 第一条, 第二条
    second.locator("textarea").fill("建议明确派单规则和超时扣款标准都要公示")
    second.locator("[data-testid=opinion-submit]").click()
    phone.wait_for_selector("[data-testid=public-opinion]")
    _fits(phone)
    shot(phone, "participation-07-phone-opinion")

    # staff close, send the report, and give the outcome in the console
    from zhijia.voice.models import Opinion

    c = consultations.consultation_step(actor=None, consultation=c, to="closed")
    consultations.consultation_sent(
        actor=None, consultation=c, sent_to="福田区人大常委会基层立法联系点", sent_on=timezone.localdate()
    )
    opinion = Opinion.objects.get(consultation=c)
    staff_login(desktop, "fubao_staff")
    desktop.goto(f"/console/voice/{c.pk}/")
    desktop.locator(f"[data-id='{opinion.pk}'] summary").click()
    desktop.locator(f"#oc-{opinion.pk}-partly").check()
    desktop.locator(f"[data-id='{opinion.pk}'] [data-testid=outcome-reason]").fill(
        "派单规则公示已写入第二条，扣款标准另行规定"
    )
    desktop.locator(f"[data-id='{opinion.pk}'] [data-testid=outcome-submit]").click()
    desktop.wait_for_selector("[data-testid=consultation-status]")
    shot(desktop, "participation-08-outcome")

    phone.goto("/h5/voice/mine/")
    phone.wait_for_selector("[data-testid=mine]")
    with override("zh-hans"):
        label = str(Outcome.PARTLY.label)
    assert phone.inner_text("[data-testid=mine-outcome]") == label
    assert "扣款标准另行规定" in phone.inner_text("[data-testid=mine-reason]")
    _fits(phone)
    shot(phone, "participation-09-phone-partly")
    assert not Opinion.objects.filter(consultation=c, outcome="pending").exists()
