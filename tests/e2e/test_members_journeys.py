"""Issue "Members" journeys on a 375-px phone screen: a rider joins from the H5 without an
employer union and is routed to the street union; the street union approves; the rider opens
the e-member card. Staff import a ledger with bad rows and download the error report. A transfer
between two unions' staff."""

import io

import openpyxl
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot
from tests.matrix.world import member_of
from zhijia.accounts import sms
from zhijia.members.enums import MemberStatus
from zhijia.members.models import JoinApplication, Membership

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


def staff_login(page, username):
    page.goto("/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=logout]")


def worker_login(page, phone_number):
    page.fill("input[name=phone]", phone_number)
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=h5-code-form]")
    page.fill("input[name=code]", sms.outbox[-1]["code"])
    page.click("[data-testid=login-submit]")


def test_rider_joins_is_routed_to_the_street_union_approved_and_opens_the_card(
    demo, phone, browser, live_server
):
    sms.outbox.clear()
    fubao = demo.org("福保街道")
    phone.goto("/h5/join/")
    worker_login(phone, "13800000001")  # joining needs a verified phone; we come back to the form
    phone.wait_for_selector("[data-testid=join-form]")
    phone.fill("[data-testid=join-name]", "张骑手")
    phone.select_option("[data-testid=join-id-type]", "cn_resident")
    phone.fill("[data-testid=join-id-number]", cn_id("44030419950615003"))
    phone.select_option("[data-testid=join-occupation]", "delivery_rider")
    phone.click("[data-testid=has-union-no]")
    phone.fill("[data-testid=union-search-area]", "福保")
    phone.locator("#results-area [data-testid=union-option]").first.check()
    phone.check("input[name=consent]")
    assert not phone.is_checked("input[name=notify_employer]")  # telling the employer is opt-in
    shot(phone, "h5-join-form")
    phone.click("[data-testid=join-submit]")
    phone.wait_for_selector("[data-testid=join-status]")
    assert fubao.name in phone.locator("[data-testid=join-status-org]").first.inner_text()
    shot(phone, "h5-join-status")
    application = JoinApplication.objects.get(person__name="张骑手")
    assert application.org == fubao and application.routed

    # The street union reviews it in the console (a second browser context).
    staff = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    console = staff.new_page()
    staff_login(console, "fubao_staff")
    console.goto(reverse("staff:application_list"))
    console.locator("[data-testid=application-row] a").first.click()
    shot(console, "staff-application-detail")
    assert "440304" not in console.locator("[data-testid=person-id]").inner_text()[6:]  # masked
    console.click("[data-testid=approve]")
    console.wait_for_selector("[data-testid=member-no]")
    staff.close()
    membership = Membership.objects.get(person__name="张骑手")
    assert membership.status == MemberStatus.MEMBER and membership.org == fubao

    # The rider opens the e-member card.
    phone.goto("/h5/")
    phone.click("[data-testid=tab-card]")
    phone.wait_for_selector("[data-testid=member-card] svg")
    assert phone.locator("[data-testid=card-member-no]").inner_text() == membership.member_no
    shot(phone, "h5-member-card")


def _ledger(rows):
    from zhijia.members.ledgers.columns import template_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_staff_import_ledger_with_bad_rows_and_download_the_report(demo, phone):
    good1, good2 = cn_id("44030419880101001"), cn_id("44030419900202002")
    bad = good2[:-1] + ("0" if good2[-1] != "0" else "1")  # wrong check character
    content = _ledger(
        [
            ["王导入", "居民身份证", good1, "", "", "汉族", "13912340001"],
            ["李坏行", "居民身份证", bad, "", "", "汉族", "13912340002"],
            ["赵导入", "居民身份证", good2, "", "", "汉族", "13912340003"],
        ]
    )
    staff_login(phone, "enterprise_staff")
    phone.goto(reverse("staff:member_import"))
    phone.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "members.xlsx",
                "buffer": content,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    phone.select_option("[data-testid=import-consent-basis]", "paper_form")
    phone.fill("[data-testid=import-notice-version]", "2024-03")
    phone.click("[data-testid=import-submit]")
    phone.wait_for_selector("[data-testid=import-progress][data-status=done]")
    assert phone.locator("[data-testid=import-created]").inner_text() == "2"
    bad_row = phone.locator("[data-testid=import-error-row]")
    assert bad_row.count() == 1
    assert bad_row.get_attribute("data-row") == "4"  # header, hint, first good row, then the bad one
    shot(phone, "member-import-result")
    with phone.expect_download() as info:
        phone.click("[data-testid=import-report]")
    report = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).worksheets[0]
    reported = [[c.value for c in row] for row in report.iter_rows(min_row=2)]
    assert len(reported) == 1 and reported[0][0] == 4
    assert Membership.objects.filter(person__name__in=["王导入", "赵导入"]).count() == 2


def test_transfer_between_unions(demo, phone, browser, live_server):
    member = member_of(demo.org("河套科创工会"), 7, "转会人")
    target = demo.org("臣田园区")
    staff_login(phone, "fubao_staff")
    phone.goto(reverse("staff:transfer_create") + f"?membership={member.pk}")
    phone.fill("[data-testid=transfer-search]", "臣田")
    phone.click("[data-testid=transfer-search-submit]")
    phone.locator("[data-testid=transfer-candidate]").first.check()
    phone.click("[data-testid=transfer-submit]")
    phone.wait_for_selector("[data-testid=transfer-status]")
    shot(phone, "staff-transfer-requested")

    other = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    page = other.new_page()
    staff_login(page, "xixiang_staff")
    page.goto(reverse("staff:transfer_list"))
    page.locator("[data-testid=transfer-row] a").first.click()
    page.click("[data-testid=transfer-accept]")
    page.wait_for_selector("[data-testid=new-member-no]")
    shot(page, "staff-transfer-accepted")
    other.close()
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT
    assert Membership.objects.get(person=member.person, status=MemberStatus.MEMBER).org == target
