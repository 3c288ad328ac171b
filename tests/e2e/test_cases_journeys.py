"""Issue 13 "Help and rights", three journeys on a 375-px phone and the console:

1. a worker applies for hardship help on the phone; the street union (福保街道) checks and
   visits; the 公示 page shows the masked name; the district (福田区总) approves; a 送温暖
   payment is recorded against the fund and the fund's balance drops;
2. a rider asks for help with unpaid wages on the phone; the 西乡 union assigns the mediator of
   its pool; the mediator records a session with both parties and prints the agreement; the
   rider sees the plain-language dates;
3. a worker books counselling (with the screening) and sees the hotline; the province admin
   sees the case, its status and dates, but not its notes."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login, worker_login
from tests.matrix.world import cn_id
from zhijia.accounts import sms
from zhijia.accounts.models import User
from zhijia.accounts.services import user_create
from zhijia.casework.models import Case, CaseSettings, HardshipFile, HelpFund
from zhijia.dispatch.services.experts import expert_link_user, expert_save
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant


def _admin(username, org):
    user = user_create(
        actor=None, username=username, password=DEMO_PASSWORD, org=org, display_name="区总管理员"
    )
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code="admin"), include_subtree=True)
    return user


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 376


def test_hardship_application_check_visit_notice_approval_and_help(demo, phone, desktop):
    fubao, futian = demo.org("福保街道"), demo.org("福田区总")
    CaseSettings.objects.create(org=demo.org("深圳市总"), dibao_line=Decimal("1300"))
    fund = HelpFund.objects.create(
        org=fubao, year=dt.date.today().year, name="送温暖资金", amount=Decimal("5000")
    )
    _admin("futian_admin", futian)
    sms.outbox.clear()
    phone.goto("/h5/cases/apply/hardship/")
    worker_login(phone, "13800000001")
    phone.wait_for_selector("[data-testid=apply-form]")
    phone.select_option("[data-testid=a-org]", str(fubao.pk))
    phone.fill("[data-testid=a-name]", "陈大姐")
    phone.fill("[data-testid=a-id_number]", cn_id(9101))
    phone.fill("[data-testid=a-own_income]", "1500")
    phone.fill("[data-testid=a-other_income]", "600")
    phone.fill("[data-testid=a-household_size]", "3")
    shot(phone, "cases-01-hardship-apply")
    _no_overflow(phone)
    phone.click("[data-testid=apply-submit]")
    phone.wait_for_selector("[data-testid=next-dates]")
    case = Case.objects.get(subject_name="陈大姐")
    assert case.status == "applied"
    shot(phone, "cases-02-hardship-applied")

    staff_login(desktop, "fubao_staff")
    desktop.goto(f"/console/cases/{case.pk}/")
    assert "700.00" in desktop.inner_text("[data-testid=per-capita]")
    assert desktop.locator("[data-testid=below-line]").count() == 1
    desktop.select_option("[data-testid=screen-grade]", "deep")
    desktop.click("[data-testid=step-screen-submit]")
    desktop.fill("[data-testid=visit-visit_record]", "入户核查：三口之家，丈夫患病，收入属实。")
    desktop.check("[data-testid=visit-income_check_signed]")
    desktop.click("[data-testid=step-visit-submit]")
    desktop.click("[data-testid=step-publicise-submit]")
    desktop.wait_for_selector("[data-testid=case-status][data-status=publicised]")
    shot(desktop, "cases-03-hardship-publicised-console")

    notice = phone.context.browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN",
                                               base_url=phone.url.split("/h5/")[0])  # fmt: skip
    public = notice.new_page()
    public.goto("/h5/cases/notices/")
    names = public.locator("[data-testid=notice-name]").all_inner_texts()
    assert "陈*姐" in names and "陈大姐" not in public.content()
    shot(public, "cases-04-public-notice")
    notice.close()

    # five working days later the 公示 has run its course; the district approves
    HardshipFile.objects.filter(case=case).update(publicity_until=dt.date.today() - dt.timedelta(days=1))
    desktop.click("[data-testid=logout]")
    staff_login(desktop, "futian_admin")
    desktop.goto(f"/console/cases/{case.pk}/")
    desktop.click("[data-testid=step-approve-submit]")
    desktop.wait_for_selector("[data-testid=case-status][data-status=filed]")
    desktop.click("[data-testid=logout]")
    staff_login(desktop, "fubao_staff")
    desktop.goto(f"/console/cases/{case.pk}/")
    desktop.select_option("[data-testid=help-kind]", "warmth")
    desktop.fill("[data-testid=help-amount]", "800")
    desktop.select_option("[data-testid=help-fund_id]", str(fund.pk))
    desktop.click("[data-testid=step-help-submit]")
    desktop.wait_for_selector("[data-testid=help-records]")
    shot(desktop, "cases-05-hardship-help")
    assert HelpFund.objects.get(pk=fund.pk).balance == Decimal("4200.00")


def test_rider_unpaid_wages_mediation_and_agreement(demo, phone, desktop):
    xixiang = demo.org("西乡街道")
    mediator_user = User.objects.get(username="mediator_demo")
    expert = expert_save(actor=None, org=xixiang, name="李文", title="工会法律服务室调解员")
    expert_link_user(actor=None, expert=expert, user=mediator_user)
    sms.outbox.clear()
    phone.goto("/h5/cases/")
    worker_login(phone, "13800000001")
    phone.click("[data-testid=apply-legal]")
    phone.select_option("[data-testid=a-org]", str(xixiang.pk))
    phone.fill("[data-testid=a-name]", "张骑手")
    phone.fill("[data-testid=a-summary]", "配送站拖欠我三个月工资，已经离职。")
    phone.fill("[data-testid=a-employer]", "某配送站")
    phone.fill("[data-testid=a-claim_amount]", "9600")
    ended = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    phone.fill("[data-testid=a-employment_ended_on]", ended)
    phone.check("[data-testid=a-wage_arrears]")
    phone.check("[data-testid=a-mediation]")
    phone.click("[data-testid=apply-submit]")
    phone.wait_for_selector("[data-testid=next-dates]")
    dates = phone.inner_text("[data-testid=next-dates]")
    limit = dt.date.fromisoformat(ended).replace(year=dt.date.fromisoformat(ended).year + 1).isoformat()
    assert limit in dates and (dt.date.today() + dt.timedelta(days=15)).isoformat() in dates
    _no_overflow(phone)
    shot(phone, "cases-06-legal-dates")
    case = Case.objects.get(kind="legal", subject_name="张骑手")

    staff_login(desktop, "xixiang_staff")
    desktop.goto(f"/console/cases/{case.pk}/")
    desktop.select_option("[data-testid=assign-expert_id]", str(expert.pk))
    desktop.click("[data-testid=step-assign-submit]")
    desktop.wait_for_selector("[data-testid=case-status][data-status=assigned]")
    desktop.click("[data-testid=logout]")

    staff_login(desktop, "mediator_demo")
    desktop.goto("/console/cases/mine/")
    desktop.click(f"[data-testid=case-row][data-number='{case.number}'] a")
    desktop.check("[data-testid=session-both_parties]")
    desktop.click("[data-testid=step-session-submit]")
    desktop.wait_for_selector("[data-testid=case-status][data-status=in_progress]")
    desktop.fill(
        "[data-testid=agree-terms]", "一、被申请人于十日内支付拖欠工资 9600 元；\n二、双方再无其他争议。"
    )
    desktop.click("[data-testid=step-agree-submit]")
    desktop.wait_for_selector("[data-testid=agreement-pdf]")
    shot(desktop, "cases-07-mediation-agreed")
    with desktop.expect_download() as download:
        desktop.click("[data-testid=agreement-pdf]")
    path = download.value.path()
    assert Path(path).read_bytes()[:4] == b"%PDF"


def test_worker_books_counselling_and_the_province_sees_no_notes(demo, phone, desktop):
    dalang = demo.org("大朗镇")
    CaseSettings.objects.create(org=dalang, crisis_contact_phone="13700003333", crisis_hotline="12356")
    sms.outbox.clear()
    phone.goto("/h5/cases/")
    worker_login(phone, "13800000001")
    phone.click("[data-testid=apply-counselling]")
    phone.select_option("[data-testid=a-org]", str(dalang.pk))
    phone.fill("[data-testid=a-name]", "王师傅")
    phone.fill("[data-testid=a-summary]", "最近工作压力很大，睡不着。")
    phone.click("[data-testid=apply-submit]")
    phone.wait_for_selector("[data-testid=screening-form]")
    phone.check("[data-testid=s-consent]")
    for i in range(9):
        phone.select_option(f"[data-testid=phq9-{i}]", "1")
    shot(phone, "cases-08-screening")
    _no_overflow(phone)
    phone.click("[data-testid=screening-submit]")
    phone.wait_for_selector("[data-testid=hotline]")
    assert "12356" in phone.inner_text("[data-testid=hotline]")
    shot(phone, "cases-09-hotline")
    assert any(m.get("phone") == "13700003333" for m in sms.outbox)
    case = Case.objects.get(kind="counselling", subject_name="王师傅")

    staff_login(desktop, "province_admin")
    desktop.goto("/console/cases/?kind=counselling")
    desktop.click(f"[data-testid=case-row][data-number='{case.number}'] a")
    desktop.wait_for_selector("[data-testid=confidential]")
    assert desktop.locator("[data-testid=notes-link]").count() == 0
    assert "睡不着" not in desktop.content()
    shot(desktop, "cases-10-province-sees-no-notes")
    response = desktop.goto(f"/console/cases/{case.pk}/notes/")
    assert response.status == 404
