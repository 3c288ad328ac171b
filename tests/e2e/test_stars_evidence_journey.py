"""Issue 15 §3, "the rest uploaded", on a 375-px phone: the enterprise union uploads a photo as
evidence for the criteria item Zhijia cannot compute (阵地建设) on its assessment, and the district
union that scores it sees the file under that item and downloads it — only as an attachment.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_stars_evidence_journey.py"""

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from zhijia.honours import stars
from zhijia.honours.models import Evidence

pytestmark = pytest.mark.e2e


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 376, page.url


def test_union_uploads_evidence_and_the_scorer_downloads_it(demo, phone):
    c = stars.criteria_create(
        actor=None,
        org=demo.org("福田区总"),
        title="2026年福田区星级职工之家评定",
        year=2026,
        thresholds=["50"],
        items=[("会员覆盖", "60", "10", "members"), ("阵地建设", "40", "0", "")],
    )
    c = stars.criteria_publish(actor=None, criteria=c)
    a = stars.assessment_start(actor=None, criteria=c, org=demo.org("河套科创工会"))

    staff_login(phone, "enterprise_staff")
    phone.goto(f"/console/honours/stars/assessments/{a.pk}/")
    phone.wait_for_selector("[data-testid=uploaded-evidence] [data-testid=no-files]")
    assert phone.locator("[data-testid=file-item] option").all_inner_texts() == ["阵地建设"]
    phone.fill("[data-testid=file-caption]", "职工之家活动室")
    phone.set_input_files(
        "[data-testid=file-input]", {"name": "room.png", "mimeType": "image/png", "buffer": _png()}
    )
    with phone.expect_navigation():
        phone.click("[data-testid=file-submit]")
    phone.wait_for_selector("[data-testid=uploaded-evidence] [data-testid=file]")
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "stars-evidence-01-uploaded")
    _fits(phone)

    phone.context.clear_cookies()
    staff_login(phone, "futian_staff")
    phone.goto(f"/console/honours/stars/assessments/{a.pk}/#uploaded")
    text = phone.inner_text("[data-testid=uploaded-evidence]")
    assert "职工之家活动室" in text and "阵地建设" in text and "PNG" in text
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "stars-evidence-02-scorer")
    _fits(phone)
    evidence = Evidence.objects.get()
    with phone.expect_download() as download:
        phone.click("[data-testid=uploaded-evidence] [data-testid=file-download]")
    assert Path(download.value.path()).read_bytes() == bytes(evidence.content)
    assert download.value.suggested_filename == f"evidence-{evidence.pk}.png"
