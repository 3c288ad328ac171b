"""Issue 15 §2, nominations with materials from lower unions, on a 375-px phone: the enterprise
union opens its draft nomination in a campaign of the city union, tries a fake JPEG (refused,
the field named), attaches the 事迹材料 as a PDF and submits its list; the city union's reviewer
opens the nomination, sees the material listed (kind, size, who, when) and downloads it — only
ever as an attachment.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_honours_materials_journey.py"""

from pathlib import Path

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from tests.honours.support import campaign, nominate
from zhijia.accounts.models import User
from zhijia.honours.models import Material

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 376, page.url


def _attach(page, kind, caption, name, mime, content):
    page.select_option("[data-testid=file-kind]", kind)
    page.fill("[data-testid=file-caption]", caption)
    page.set_input_files("[data-testid=file-input]", {"name": name, "mimeType": mime, "buffer": content})
    with page.expect_navigation():
        page.click("[data-testid=file-submit]")


def test_union_attaches_deeds_and_the_city_reviewer_downloads_them(demo, phone):
    c = campaign(demo, org=demo.org("深圳市总工会"))
    n = nominate(demo, c)

    staff_login(phone, "enterprise_staff")
    phone.goto(f"/console/honours/{c.pk}/")
    phone.click(f"[data-testid=nomination][data-id='{n.pk}'] [data-testid=nomination-link]")
    phone.wait_for_selector("[data-testid=no-files]")
    _attach(phone, "deeds", "先进事迹材料", "photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0<script>x</script>")
    phone.wait_for_selector("[data-testid=file-error]")
    assert phone.locator("#material-file.is-invalid").count() == 1
    assert not Material.objects.exists()
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "honours-materials-01-fake-jpeg-refused")
    _fits(phone)

    _attach(phone, "deeds", "先进事迹材料", "事迹材料.pdf", "application/pdf", PDF)
    assert phone.locator("[data-testid=file]").count() == 1
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "honours-materials-02-attached")
    _fits(phone)
    phone.goto(f"/console/honours/{c.pk}/")
    with phone.expect_navigation():
        phone.click("[data-testid=submit-list]")

    phone.context.clear_cookies()
    staff_login(phone, "shenzhen_admin")
    phone.goto(f"/console/honours/nominations/{n.pk}/")
    phone.wait_for_selector("[data-testid=file]")
    text = phone.inner_text("[data-testid=materials]")
    assert "先进事迹材料" in text and "PDF" in text
    assert str(User.objects.get(username="enterprise_staff")) in text  # who added it
    assert phone.locator("[data-testid=file-form]").count() == 0  # the reviewer reads, never adds
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "honours-materials-03-city-reviewer")
    _fits(phone)
    material = Material.objects.get()
    with phone.expect_download() as download:
        phone.click("[data-testid=file-download]")
    assert Path(download.value.path()).read_bytes() == PDF
    assert download.value.suggested_filename == f"nomination-{material.pk}.pdf"
