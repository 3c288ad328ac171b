"""Attachments on the console's case page (issue 13): staff who may see a case's attachments list
them (label, kind, size, who added, when) and download them only as attachments through the
audited path; they upload photos and PDFs through the same service as the API and the phone
(checked by content, 5 MB, a refused file named under its field, nothing stored); a case out
of scope is 404; a counselling case's attachments are its counsellor's alone (the notes' rule,
permissions.access_attachments), also right after reassignment."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support import leaks
from zhijia.casework.models import Case
from zhijia.core.models import AuditEntry
from zhijia.core.uploads import MAX_PHOTO_BYTES

from .support import counselling, expert_login, hardship, png, step

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _url(case, *rest) -> str:
    return "/".join([f"/console/cases/{case.pk}/attachments", *[str(r) for r in rest]]) + "/"


def _page(client, case) -> str:
    r = client.get(f"/console/cases/{case.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert not leaks(body), leaks(body)
    return body


def _upload(client, case, name, content, kind="authorisation", caption="", ctype="application/pdf"):
    data = {"kind": kind, "caption": caption, "file": SimpleUploadedFile(name, content, ctype)}
    return client.post(_url(case), data)


def test_staff_upload_list_and_download_as_attachment(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=821)
    console = staff_client("fubao_staff")
    assert 'data-testid="no-attachments"' in _page(console, case)

    r = _upload(console, case, "授权书.pdf", PDF, caption="收入核查授权书")
    assert r.status_code == 302 and r["Location"].endswith(f"/console/cases/{case.pk}/#attachments")
    r = _upload(console, case, "photo.png", png(), kind="visit_photo", caption="入户照片", ctype="image/png")
    assert r.status_code == 302
    pdf, photo = case.attachments.get(kind="authorisation"), case.attachments.get(kind="visit_photo")
    assert (pdf.kind, pdf.extension, pdf.size, bytes(pdf.content)) == ("authorisation", "pdf", len(PDF), PDF)
    assert (photo.kind, photo.extension) == ("visit_photo", "png")
    assert pdf.uploaded_by.username == "fubao_staff"

    body = _page(console, case)
    assert body.count('data-testid="attachment"') == 2
    assert "收入核查授权书" in body and "入户照片" in body
    assert "Signed authorisation" in body or "已签署的授权书" in body  # the kind, translated
    staff_name = str(pdf.uploaded_by)
    assert body.count(staff_name) >= 2  # who added each
    assert _url(case, pdf.pk) in body and f'src="{_url(case, photo.pk)}' not in body  # never inline

    r = console.get(_url(case, pdf.pk))
    assert r.status_code == 200 and bytes(r.content) == PDF
    assert r["Content-Disposition"] == f'attachment; filename="{case.number}-{pdf.pk}.pdf"'
    assert r["Content-Type"] == "application/octet-stream" and r["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="case.attachment_add", object_id=str(case.pk)).count() == 2
    assert AuditEntry.objects.filter(action="case.attachment_read", object_id=str(case.pk)).count() == 1


BAD_FILES = [
    pytest.param("photo.jpg", b"\xff\xd8\xff\xe0<script>alert(1)</script>", "image/jpeg", id="fake-jpeg"),
    pytest.param("empty.pdf", b"", "application/pdf", id="empty"),
    pytest.param("notes.pdf", b"just some text, not a PDF", "application/pdf", id="text-named-pdf"),
    pytest.param("report.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/octet-stream", id="exe"),
    pytest.param("big.pdf", PDF[:-7] + b"x" * MAX_PHOTO_BYTES + b"%%EOF\n", "application/pdf", id="oversize"),
]


@pytest.mark.parametrize(("name", "content", "ctype"), BAD_FILES)
def test_a_bad_file_is_refused_under_its_field_and_nothing_stored(demo, staff_client, name, content, ctype):
    case = hardship(demo.org("福保街道"), n=822)
    console = staff_client("fubao_staff")
    r = _upload(console, case, name, content, caption="保留的说明", ctype=ctype)
    assert r.status_code == 400
    body = r.content.decode()
    assert 'data-testid="attachment-error"' in body and 'id="att-file-error"' in body
    assert 'aria-describedby="att-file-error"' in body  # the file input is marked invalid
    assert "保留的说明" in body  # the caption typed is kept
    assert case.attachments.count() == 0
    assert not AuditEntry.objects.filter(action="case.attachment_add").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"x" * (MAX_PHOTO_BYTES + 1), "The file is larger than 5 MB."),
        (b"\xff\xd8\xff\xe0 not a photo", "Choose a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB."),
    ],
)
def test_the_error_says_what_was_wrong_in_the_users_language(demo, staff_client, content, message):
    case = hardship(demo.org("福保街道"), n=823)
    console = staff_client("fubao_staff")
    console.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _upload(console, case, "x.pdf", content).content.decode()
    assert f"File: {message}" in body


def test_the_error_is_translated(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=829)
    console = staff_client("fubao_staff")
    console.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = _upload(console, case, "x.jpg", b"\xff\xd8\xff\xe0 not a photo").content.decode()
    assert "请选择不超过5MB的照片" in body and "Choose a photo" not in body
    console.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    body = _upload(console, case, "x.jpg", b"\xff\xd8\xff\xe0 not a photo").content.decode()
    assert "請選擇不超過5MB的照片" in body


def test_no_file_and_a_bad_kind_are_named(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=824)
    console = staff_client("fubao_staff")
    console.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = console.post(_url(case), {"kind": "authorisation"})
    assert r.status_code == 400 and "File: Choose a file to upload." in r.content.decode()
    r = _upload(console, case, "a.pdf", PDF, kind="<script>")
    assert r.status_code == 400 and "Kind: " in r.content.decode()
    assert "<script>" not in r.content.decode().split('data-testid="attachment-form"')[1]
    r = _upload(console, case, "a.pdf", PDF, caption="长" * 101)
    assert r.status_code == 400 and "Caption: " in r.content.decode()
    assert case.attachments.count() == 0


def test_a_phone_number_in_a_caption_is_masked_on_the_page(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=830)
    console = staff_client("fubao_staff")
    assert _upload(console, case, "a.pdf", PDF, caption="房东电话13812345678").status_code == 302
    body = _page(console, case)
    assert "13812345678" not in body and "138****5678" in body


def test_the_content_decides_never_the_name(demo, staff_client):
    """A real PNG called scan.pdf is kept and served as the PNG it is, re-encoded."""
    case = hardship(demo.org("福保街道"), n=825)
    console = staff_client("fubao_staff")
    assert _upload(console, case, "scan.pdf", png(tail=b"<html>"), ctype="application/pdf").status_code == 302
    attachment = case.attachments.get()
    assert attachment.extension == "png" and b"<html>" not in bytes(attachment.content)
    r = console.get(_url(case, attachment.pk))
    assert r["Content-Disposition"].startswith("attachment;") and r["Content-Disposition"].endswith('.png"')


def test_out_of_scope_is_404_and_changes_nothing(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=826)
    console = staff_client("fubao_staff")
    _upload(console, case, "a.pdf", PDF)
    attachment = case.attachments.get()
    outside = staff_client("baoan_staff")
    assert outside.get(_url(case, attachment.pk)).status_code == 404
    assert _upload(outside, case, "b.pdf", PDF).status_code == 404
    assert case.attachments.count() == 1
    # an attachment of another case through this case's URL is not found
    other = hardship(demo.org("福保街道"), n=827)
    assert console.get(_url(other, attachment.pk)).status_code == 404
    assert console.get(f"/console/cases/{case.pk}/attachments/not-a-uuid/").status_code == 404
    assert not AuditEntry.objects.filter(action="case.attachment_read").exists()


def test_counselling_attachments_are_the_counsellors_alone(demo, staff_client):
    org = demo.org("大朗镇")
    case = counselling(org, summary="睡不着")
    admin = demo.user("province_admin")
    counsellor, expert = expert_login(org, name="心理咨询师")
    step(case, "assign", admin, expert_id=str(expert.pk))
    mine = Client()
    mine.force_login(counsellor)
    assert 'data-testid="attachments"' in _page(mine, case)
    assert _upload(mine, case, "量表.pdf", PDF, kind="other", caption="量表扫描").status_code == 302
    attachment = case.attachments.get()
    assert mine.get(_url(case, attachment.pk)).status_code == 200

    province = staff_client("province_admin")
    body = _page(province, case)  # sees that the case exists …
    assert 'data-testid="attachments"' not in body and "量表扫描" not in body  # … not its attachments
    assert province.get(_url(case, attachment.pk)).status_code == 404
    assert _upload(province, case, "x.pdf", PDF).status_code == 404

    # reassigned: the first counsellor loses them on the next request
    _other_user, other = expert_login(org, name="另一位咨询师")
    step(Case.objects.get(pk=case.pk), "assign", admin, expert_id=str(other.pk))
    assert mine.get(_url(case, attachment.pk)).status_code == 404
    assert _upload(mine, case, "y.pdf", PDF).status_code == 404
    assert case.attachments.count() == 1
    reads = AuditEntry.objects.filter(action="case.attachment_read", object_id=str(case.pk))
    assert reads.count() == 1


def test_the_visit_step_points_at_the_attachments(demo, staff_client):
    case = hardship(demo.org("福保街道"), n=828)
    step(case, "screen", None, grade="deep")
    body = _page(staff_client("fubao_staff"), case)
    assert 'data-testid="step-visit"' in body and 'data-testid="visit-attach-hint"' in body
    assert 'href="#attachments"' in body and 'id="attachments"' in body


@pytest.mark.parametrize(
    "data",
    [
        {"file": "not a file", "kind": "authorisation"},
        {"kind": ["visit_photo", "other"], "caption": "x" * 10_000},
        {"kind": "", "caption": "\x00\u202e"},
        {"kind": "9" * 400},
    ],
)
def test_fuzzed_console_upload_is_a_named_400_never_a_500(demo, staff_client, data):
    case = hardship(demo.org("福保街道"), n=831)
    r = staff_client("fubao_staff").post(_url(case), data)
    assert r.status_code == 400 and 'data-testid="attachment-error"' in r.content.decode()
    assert case.attachments.count() == 0
