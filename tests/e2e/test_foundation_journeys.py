"""Issue "Foundation" journeys, clicked through on a 375-px phone screen:
staff login with TOTP, switch unit, create a child unit, import an xlsx with one bad row, see
it in the audit log; a worker logs in with phone and SMS code and switches language."""

import io

import openpyxl
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import shot
from zhijia.accounts import sms
from zhijia.orgs.models import Org


def _totp(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _login(page, username, device=None):
    page.goto("/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    if device is not None:
        page.wait_for_selector("[data-testid=otp-form]")
        shot(page, "staff-login-otp")
        page.fill("input[name=otp]", _totp(device))
        page.click("[data-testid=otp-submit]")
    page.wait_for_selector("[data-testid=logout]")


def _import_file(parent_name: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["上级单位", "单位全称", "简称", "层级", "统一社会信用代码", "行政区划代码", "联系人"])
    ws.append([parent_name, "福保导入一号公司工会", "导入一号", "基层工会", "", "440304", "王工"])
    ws.append([parent_name, "福保导入坏行公司工会", "坏行", "基层工会", "81440304MA5F0000X0", "440304", ""])
    ws.append([parent_name, "福保导入二号公司工会", "导入二号", "基层工会", "", "440304", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_staff_totp_switch_create_import_audit(demo, phone):
    user = demo.user("fubao_staff")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    fubao = demo.org("福保街道")

    _login(phone, "fubao_staff", device)
    shot(phone, "staff-home")

    # Switch unit: fubao_staff holds grants on 福保街道 (subtree) and 福田区 (that unit only).
    with phone.expect_navigation():
        phone.select_option("[data-testid=unit-switcher]", label="福田区总")
    assert phone.locator("[data-testid=unit-switcher] option:checked").inner_text() == "福田区总"
    with phone.expect_navigation():
        phone.select_option("[data-testid=unit-switcher]", label="福保街道")
    assert phone.locator("[data-testid=unit-switcher] option:checked").inner_text() == "福保街道"

    # Create a child unit from the parent's page.
    phone.goto(f"/console/orgs/{fubao.pk}/")
    phone.click("[data-testid=org-create-child]")
    phone.fill("input[name=name]", "福保街道新建科技公司工会")
    phone.fill("input[name=short_name]", "新建科技")
    phone.select_option("select[name=level]", "grassroots")
    shot(phone, "org-create-form")
    phone.click("[data-testid=org-submit]")
    assert phone.locator("[data-testid=org-title]").inner_text() == "福保街道新建科技公司工会"
    shot(phone, "org-detail")
    assert Org.objects.get(name="福保街道新建科技公司工会").parent == fubao

    # Import an xlsx with one bad row: the report names it, the good rows are in.
    phone.goto("/console/orgs/import/")
    phone.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "orgs.xlsx",
                "buffer": _import_file(fubao.name),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    phone.click("[data-testid=import-submit]")
    phone.wait_for_selector("[data-testid=import-progress][data-status=done]")
    assert phone.locator("[data-testid=import-created]").inner_text() == "2"
    bad = phone.locator("[data-testid=import-error-row]")
    assert bad.count() == 1
    assert bad.first.get_attribute("data-row") == "3"
    shot(phone, "org-import-result")
    assert Org.objects.filter(name__in=["福保导入一号公司工会", "福保导入二号公司工会"]).count() == 2
    assert not Org.objects.filter(name="福保导入坏行公司工会").exists()

    phone.click("[data-testid=logout]")
    phone.wait_for_selector("[data-testid=login-form]")

    # The auditor sees the creation and the import in the audit log.
    _login(phone, "auditor")
    phone.goto("/console/audit/")
    phone.click("[data-testid=audit-filter-toggle]")  # filters fold away on a phone
    phone.fill("#f-action", "org.import")
    phone.fill("#f-action", "org.import")
    phone.click("[data-testid=audit-filter-submit]")
    phone.wait_for_selector("[data-testid=audit-row]")
    assert phone.locator("[data-testid=audit-row]").count() >= 1
    shot(phone, "audit-log")
    phone.fill("#f-action", "org.create")
    phone.click("[data-testid=audit-filter-submit]")
    phone.wait_for_selector("[data-testid=audit-row]")
    assert "fubao_staff" in phone.locator("[data-testid=audit-row]").first.inner_text()


def test_worker_phone_login_and_language(demo, phone):
    sms.outbox.clear()
    phone.goto("/h5/")
    phone.wait_for_selector("[data-testid=h5-phone-form]")
    shot(phone, "h5-login")
    phone.fill("input[name=phone]", "13800000001")
    phone.click("[data-testid=send-code]")
    phone.wait_for_selector("[data-testid=h5-code-form]")
    assert phone.locator("[data-testid=masked-phone]").inner_text() == "138****0001"
    code = sms.outbox[-1]["code"]
    phone.fill("input[name=code]", code)
    phone.click("[data-testid=login-submit]")
    phone.wait_for_selector("[data-testid=display-name]")
    assert "138****0001" in phone.content()
    shot(phone, "h5-me")

    for lang, word in (("en", "Log out"), ("zh-hant", "登出"), ("zh-hans", "退出登录")):
        with phone.expect_navigation():
            phone.select_option("header [data-testid=language]", lang)
        assert phone.locator("html").get_attribute("lang") == lang
        assert word in phone.content(), lang
    shot(phone, "h5-me-zh-hans")
