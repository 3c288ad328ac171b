"""Issue 13, attachments on the console's case page on a 375-px phone: the street clerk opens a
hardship file at its home visit, follows the visit step's pointer to the attachments, tries a
fake JPEG (refused, the field named), attaches the signed authorisation (a PDF) and a visit
photo (a PNG made with Pillow), sees them listed with kind, size and who added them, and
downloads one (only ever as an attachment); the page in English and in traditional Chinese;
the province admin opening a counselling case sees neither its notes nor its attachments."""

import io
from pathlib import Path

from django.conf import settings
from PIL import Image

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from tests.matrix.world import cn_id
from zhijia.accounts.models import User
from zhijia.casework.models import Case
from zhijia.casework.services.attachments import attachment_add
from zhijia.casework.services.cases import case_create, case_step

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 376


def _attach(page, kind, caption, name, mime, content):
    page.select_option("[data-testid=attachment-kind]", kind)
    page.fill("[data-testid=attachment-caption]", caption)
    page.set_input_files("[data-testid=attachment-file]", {"name": name, "mimeType": mime, "buffer": content})
    with page.expect_navigation():
        page.click("[data-testid=attachment-submit]")


def test_clerk_attaches_the_authorisation_and_a_visit_photo_on_a_phone(demo, phone, browser, live_server):
    fubao = demo.org("福保街道")
    case = case_create(
        actor=None,
        kind="hardship",
        org=fubao,
        data={"name": "陈大姐", "id_number": cn_id(9401), "own_income": "700", "household_size": 3},
    )
    case_step(actor=None, case=case, step="screen", data={"grade": "deep"})

    staff_login(phone, "fubao_staff")
    phone.goto(f"/console/cases/{case.pk}/")
    phone.wait_for_selector("[data-testid=no-attachments]")
    phone.click("[data-testid=visit-attach-hint] a")
    assert phone.url.endswith("#attachments")
    phone.wait_for_function("document.querySelector('#attachments').getBoundingClientRect().top < 200")
    top_bar = phone.locator(".zj-topbar").bounding_box()
    assert phone.locator("#attachments").bounding_box()["y"] >= top_bar["y"] + top_bar["height"] - 1

    _attach(
        phone, "visit_photo", "门口照片", "photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0<script>x</script>"
    )
    phone.wait_for_selector("[data-testid=attachment-error]")
    assert phone.locator("#att-file.is-invalid").count() == 1
    assert phone.input_value("[data-testid=attachment-caption]") == "门口照片"
    assert Case.objects.get(pk=case.pk).attachments.count() == 0
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "cases-attach-01-fake-jpeg-refused")
    _no_overflow(phone)

    _attach(phone, "authorisation", "收入核查授权书", "授权书.pdf", "application/pdf", PDF)
    _attach(phone, "visit_photo", "入户核查：客厅", "visit.png", "image/png", _png())
    rows = phone.locator("[data-testid=attachment]")
    assert rows.count() == 2
    text = phone.inner_text("[data-testid=attachments]")
    assert "收入核查授权书" in text and "入户核查：客厅" in text and "PDF" in text and "PNG" in text
    assert phone.locator("[data-testid=attachments] img").count() == 0  # listed, never shown inline
    assert str(User.objects.get(username="fubao_staff")) in text  # who added them
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "cases-attach-02-listed")
    _no_overflow(phone)

    pdf = Case.objects.get(pk=case.pk).attachments.get(kind="authorisation")
    link = phone.locator(
        "[data-testid=attachment][data-kind=authorisation] [data-testid=attachment-download]"
    )
    with phone.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert download.value.suggested_filename == f"{case.number}-{pdf.pk}.pdf"
    response = phone.context.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"

    for lang, name in (("en", "cases-attach-03-en"), ("zh-hant", "cases-attach-04-zh-hant")):
        other = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url)
        other.set_default_timeout(15000)
        other.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        page = other.new_page()
        staff_login(page, "fubao_staff")
        page.goto(f"/console/cases/{case.pk}/#attachments")
        page.wait_for_selector("[data-testid=attachment]")
        assert page.locator("html").get_attribute("lang") == lang
        words = page.inner_text("[data-testid=attachments]")
        assert ("Signed authorisation" in words) if lang == "en" else ("附件" in words)
        page.evaluate("window.scrollTo(0, 0)")  # the full-page shot from the top (sticky bar)
        shot(page, name)
        _no_overflow(page)
        other.close()


def test_province_admin_sees_no_notes_or_attachments_of_a_counselling_case(demo, phone):
    dalang = demo.org("大朗镇")
    case = case_create(
        actor=None, kind="counselling", org=dalang, data={"name": "王师傅", "summary": "睡不着"}
    )

    class Upload(io.BytesIO):
        size = len(PDF)

    attachment_add(actor=None, case=case, upload=Upload(PDF), kind="other", caption="咨询同意书")
    staff_login(phone, "province_admin")
    phone.goto(f"/console/cases/{case.pk}/")
    phone.wait_for_selector("[data-testid=confidential]")
    assert phone.locator("[data-testid=notes-link]").count() == 0
    assert phone.locator("[data-testid=attachments]").count() == 0
    assert "咨询同意书" not in phone.content() and "睡不着" not in phone.content()
    shot(phone, "cases-attach-05-province-sees-no-attachments")
    _no_overflow(phone)
    attachment = case.attachments.get()
    response = phone.goto(f"/console/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status == 404
