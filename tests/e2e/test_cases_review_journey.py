"""Issue 13, the yearly 复核 of hardship files in the console on a 375-px phone: the city admin
tries a date in the past (refused, the field named), starts a campaign over 福田区's files;
the street clerk sees the files due (one overdue first), keeps one (next review in a year) and
closes the other as out of hardship (脱困退档)."""

import datetime as dt

from django.utils import timezone

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from tests.matrix.world import cn_id
from zhijia.casework.models import Case, CaseDeadline, HardshipFile
from zhijia.casework.services.cases import case_create, case_step


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 376


def _filed(org, n, name):
    case = case_create(
        actor=None,
        kind="hardship",
        org=org,
        data={"name": name, "id_number": cn_id(n), "own_income": "700", "household_size": 3},
    )
    for step, data in (
        ("screen", {"grade": "deep"}),
        ("visit", {"visit_record": "属实", "income_check_signed": True}),
        ("publicise", {}),
    ):
        case_step(actor=None, case=case, step=step, data=data)
    HardshipFile.objects.filter(case=case).update(publicity_until=timezone.localdate() - dt.timedelta(days=1))
    return case_step(actor=None, case=case, step="approve", data={})


def test_review_campaign_and_decisions_on_a_phone(demo, phone, browser, live_server):
    fubao = demo.org("福保街道")
    kept = _filed(fubao, 9301, "陈大姐")
    closed = _filed(fubao, 9302, "林师傅")

    staff_login(phone, "shenzhen_admin")
    phone.goto("/console/cases/reviews/")
    phone.wait_for_selector("[data-testid=campaign-form]")
    phone.select_option("[data-testid=r-org]", str(fubao.pk))
    phone.fill("[data-testid=r-due]", "2020-01-01")
    phone.click("[data-testid=campaign-start]")
    phone.wait_for_selector("[data-testid=form-error]")
    assert phone.locator("#r-due.is-invalid").count() == 1
    due = timezone.localdate() + dt.timedelta(days=30)
    phone.fill("[data-testid=r-due]", due.isoformat())
    phone.click("[data-testid=campaign-start]")
    phone.wait_for_selector("[data-testid=review-task]")
    assert set(
        CaseDeadline.objects.filter(code="review_by", due_on=due).values_list("case_id", flat=True)
    ) == {
        kept.pk,
        closed.pk,
    }
    shot(phone, "cases-review-01-campaign")
    _no_overflow(phone)

    CaseDeadline.objects.filter(case=closed, code="review_by").update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    clerk = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    page = clerk.new_page()
    page.set_default_timeout(15000)
    staff_login(page, "fubao_staff")
    page.goto("/console/cases/reviews/")
    page.wait_for_selector("[data-testid=overdue-count]")
    assert page.locator("[data-testid=campaign-form]").count() == 0  # campaigns are the approver's
    first = page.locator("[data-testid=review-task]").first
    assert closed.number in first.inner_text() and "林*傅" in first.inner_text()
    assert "林师傅" not in page.content()
    shot(page, "cases-review-02-due-and-overdue")
    _no_overflow(page)
    first.locator("[data-testid=review-reason]").select_option("recovered")
    first.locator("[data-testid=review-close]").click()
    page.wait_for_selector("[data-testid=review-task] >> nth=0")
    assert Case.objects.get(pk=closed.pk).status == "exited"
    page.locator("[data-testid=review-task]").first.locator("[data-testid=review-keep]").click()
    page.wait_for_selector("[data-testid=no-reviews]")
    assert Case.objects.get(pk=kept.pk).status == "filed"
    assert CaseDeadline.objects.get(case=kept, code="review_by").due_on > due
    shot(page, "cases-review-03-done")
    _no_overflow(page)
    clerk.close()
