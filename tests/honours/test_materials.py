"""Materials on a nomination (issue 15 §2, "nominations with materials from lower unions") and
evidence files on a star-rating assessment (§3, "the rest uploaded"): the nominating / assessed
union uploads photos and PDFs checked by content (core.uploads.read_document), the reviewing /
scoring unions list and download them only as audited attachments; bad files are refused under
the `file` field and store nothing; other unions' ids are 404; the public 公示 page shows none."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.casework.support import png
from tests.conftest import ApiClient
from tests.honours.support import campaign, nominate
from tests.support import leaks
from zhijia.core.models import AuditEntry
from zhijia.core.uploads import MAX_PHOTO_BYTES
from zhijia.honours import services as svc
from zhijia.honours import stars
from zhijia.honours.models import Evidence, Material

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BAD = [
    ("fake.jpg", b"\xff\xd8\xff\xe0<script>alert(1)</script>", "image/jpeg"),
    ("empty.pdf", b"", "application/pdf"),
    ("big.pdf", PDF + b"0" * MAX_PHOTO_BYTES, "application/pdf"),
    ("notes.txt", b"just some text", "text/plain"),
    ("half.pdf", b"%PDF-1.4 no end", "application/pdf"),
]


def _file(name, content, ctype="application/pdf"):
    return SimpleUploadedFile(name, content, ctype)


def _up(api, url, data):
    """A multipart POST with the API client's bearer token."""
    return api.client.post(url, data, headers=api._headers(None))


def _headers(r, ext):
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Disposition"].startswith("attachment;") and r["Content-Disposition"].endswith(
        f'.{ext}"'
    )
    assert r["Content-Type"] == "application/octet-stream"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


def test_console_upload_list_download_and_the_reviewers_read(demo, staff_client, client):
    c = campaign(demo)
    n = nominate(demo, c)
    unit = staff_client("enterprise_staff")
    page = unit.get(f"/console/honours/nominations/{n.pk}/").content.decode()
    assert 'data-testid="no-files"' in page and 'data-testid="file-form"' in page
    url = f"/console/honours/nominations/{n.pk}/materials/"
    r = unit.post(url, {"kind": "deeds", "caption": "先进事迹材料", "file": _file("事迹.pdf", PDF)})
    assert r.status_code == 302 and r["Location"].endswith(f"/nominations/{n.pk}/#materials")
    r = unit.post(url, {"kind": "certificate", "file": _file("cert.pdf", png(), "image/png")})
    assert r.status_code == 302  # a real PNG named .pdf is kept as the PNG it is
    deeds, cert = Material.objects.get(kind="deeds"), Material.objects.get(kind="certificate")
    assert (deeds.extension, deeds.size, bytes(deeds.content)) == ("pdf", len(PDF), PDF)
    assert cert.extension == "png" and deeds.uploaded_by.username == "enterprise_staff"
    assert AuditEntry.objects.filter(action="honours.material_add").count() == 2

    svc.nominations_submit(actor=None, campaign=c, org=demo.org("河套科创工会"))
    for reviewer in ("fubao_staff", "futian_staff", "shenzhen_admin"):  # the unions up the tree
        console = staff_client(reviewer)
        body = console.get(f"/console/honours/nominations/{n.pk}/").content.decode()
        assert not leaks(body)
        assert body.count('data-testid="file"') == 2 and "先进事迹材料" in body
        assert str(deeds.uploaded_by) in body and 'data-testid="file-form"' not in body
        _headers(console.get(f"/console/honours/nominations/{n.pk}/materials/{deeds.pk}/"), "pdf")
    for lang in ("en", "zh-hant", "zh-hans"):  # the page in every language
        console.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        r = console.get(f"/console/honours/nominations/{n.pk}/")
        assert r.status_code == 200 and f'lang="{lang}"' in r.content.decode()
    assert AuditEntry.objects.filter(action="honours.material_read").count() == 3
    read = AuditEntry.objects.filter(action="honours.material_read").first()
    assert read.data["material"] == str(deeds.pk)
    # submitted: the union no longer adds (said on the page), nothing stored
    r = unit.post(url, {"kind": "deeds", "file": _file("late.pdf", PDF)}, follow=True)
    assert "draft or returned" in r.content.decode() or "草稿" in r.content.decode()
    assert Material.objects.count() == 2
    # another district's union: 404 for the page, the list and the file
    baoan = staff_client("baoan_staff")
    for path in ("", "materials/", f"materials/{deeds.pk}/"):
        assert baoan.get(f"/console/honours/nominations/{n.pk}/{path}").status_code in (404, 405)
    assert baoan.get(f"/console/honours/nominations/{n.pk}/materials/{deeds.pk}/").status_code == 404
    assert baoan.post(url, {"kind": "deeds", "file": _file("x.pdf", PDF)}).status_code == 404
    other = nominate(demo, c)  # a material id under another nomination is 404
    assert unit.get(f"/console/honours/nominations/{other.pk}/materials/{deeds.pk}/").status_code == 404
    assert client.get(f"/console/honours/nominations/{n.pk}/materials/{deeds.pk}/").status_code == 302


@pytest.mark.parametrize(("name", "content", "ctype"), BAD)
def test_bad_files_are_named_under_file_and_store_nothing(demo, staff_client, name, content, ctype):
    n = nominate(demo, campaign(demo))
    unit = staff_client("enterprise_staff")
    r = unit.post(
        f"/console/honours/nominations/{n.pk}/materials/",
        {"kind": "deeds", "file": _file(name, content, ctype)},
    )
    assert r.status_code == 400
    assert 'data-testid="file-input-error"' in r.content.decode()
    api = ApiClient().login("enterprise_staff")
    r = _up(api, f"/api/v1/honours/nominations/{n.pk}/materials", {"file": _file(name, content, ctype)})
    assert r.status_code == 400 and "file" in r.json()["fields"], r.content
    assert not Material.objects.exists()


def test_api_materials_and_the_public_notice_shows_none(demo, client):
    c = campaign(demo)
    n = nominate(demo, c)
    unit = ApiClient().login("enterprise_staff")
    M = f"/api/v1/honours/nominations/{n.pk}/materials"
    r = _up(unit, M, {"kind": "form", "caption": "推荐表", "file": _file("form.pdf", PDF)})
    assert r.status_code == 201, r.content
    made = r.json()
    assert (made["kind"], made["extension"], made["size"], made["caption"]) == (
        "form",
        "pdf",
        len(PDF),
        "推荐表",
    )
    r = _up(unit, M, {"kind": "nonsense", "file": _file("form.pdf", PDF)})
    assert r.status_code == 400 and "kind" in r.json()["fields"]
    # fuzzed fields: named, never a 500, nothing stored
    for bad, field in (
        ({"kind": "deeds", "caption": "长" * 101}, "caption"),
        ({"kind": "deeds\x00"}, "kind"),
        ({"kind": "9" * 400}, "kind"),
        ({"kind": "deeds", "file": "not a file"}, "file"),
    ):
        r = _up(unit, M, {"file": _file("form.pdf", PDF), **bad})
        assert r.status_code == 400 and field in r.json()["fields"], (bad, r.content)
    assert [m["id"] for m in unit.get(M).json()] == [made["id"]]
    _headers(unit.get(f"{M}/{made['id']}"), "pdf")
    baoan = ApiClient().login("baoan_staff")
    assert baoan.get(M).status_code == 404 and baoan.get(f"{M}/{made['id']}").status_code == 404
    assert _up(baoan, M, {"kind": "form", "file": _file("x.pdf", PDF)}).status_code == 404
    for bad in ("0", "x" * 300, "00000000-0000-0000-0000-000000000000", "1e999"):
        assert unit.get(f"{M}/{bad}").status_code == 404
        assert unit.get(f"/api/v1/honours/nominations/{bad}/materials").status_code == 404
    assert ApiClient().get(M).status_code == 401

    # on public notice: neither the phone page nor the API notice shows a material
    hetao = demo.org("河套科创工会")
    svc.nominations_submit(actor=None, campaign=c, org=hetao)
    svc.nomination_review(actor=None, nomination=n, decision="approve")
    svc.nomination_review(actor=None, nomination=n, decision="approve")
    c = svc.campaign_step(
        actor=None, campaign=svc.campaign_step(actor=None, campaign=c, to="reviewing"), to="publicity"
    )
    n.refresh_from_db()
    assert n.status == "publicity"
    page = client.get("/h5/honours/").content.decode()
    notices = client.get("/api/v1/honours/notices").content.decode()
    assert "十年扎根一线" in page or str(n.pk) in page
    for text in (page, notices):
        assert made["id"] not in text and "推荐表" not in text and "materials" not in text


def _assessment(demo):
    c = stars.criteria_create(
        actor=None,
        org=demo.org("福田区总"),
        title="星级佐证",
        year=2026,
        thresholds=["50"],
        items=[("会员覆盖", "60", "10", "members"), ("阵地建设", "40", "0", "")],
    )
    c = stars.criteria_publish(actor=None, criteria=c)
    a = stars.assessment_start(actor=None, criteria=c, org=demo.org("河套科创工会"))
    lines = {i.criterion.title: i for i in a.items.select_related("criterion")}
    return a, lines


def test_star_evidence_uploaded_by_the_union_and_read_by_the_scorer(demo, staff_client):
    a, lines = _assessment(demo)
    unit = staff_client("enterprise_staff")
    page = unit.get(f"/console/honours/stars/assessments/{a.pk}/").content.decode()
    assert page.count('data-testid="uploaded-evidence"') == 1 and "阵地建设" in page
    url = f"/console/honours/stars/assessments/{a.pk}/evidence/"
    built = lines["阵地建设"]
    r = unit.post(
        url, {"item": str(built.pk), "caption": "职工之家照片", "file": _file("a.png", png(), "image/png")}
    )
    assert r.status_code == 302 and r["Location"].endswith("#uploaded")
    # an item Zhijia computes takes no file; a bad file is refused; both store nothing
    r = unit.post(url, {"item": str(lines["会员覆盖"].pk), "file": _file("a.pdf", PDF)})
    assert r.status_code == 400 and "no file is needed" in r.content.decode()
    r = unit.post(url, {"item": str(built.pk), "file": _file("a.jpg", BAD[0][1], "image/jpeg")})
    assert r.status_code == 400 and 'data-testid="file-input-error"' in r.content.decode()
    ev = Evidence.objects.get()
    assert (ev.item_id, ev.extension) == (built.pk, "png")

    futian = staff_client("futian_staff")  # the scoring union
    body = futian.get(f"/console/honours/stars/assessments/{a.pk}/").content.decode()
    assert "职工之家照片" in body and "阵地建设" in body
    _headers(futian.get(f"/console/honours/stars/assessments/{a.pk}/evidence/{ev.pk}/"), "png")
    assert AuditEntry.objects.filter(action="honours.evidence_read").count() == 1
    baoan = staff_client("baoan_staff")
    assert baoan.get(f"/console/honours/stars/assessments/{a.pk}/evidence/{ev.pk}/").status_code == 404
    assert baoan.post(url, {"item": str(built.pk), "file": _file("a.pdf", PDF)}).status_code == 404

    api = ApiClient().login("futian_staff")
    E = f"/api/v1/star-ratings/assessments/{a.pk}/evidence"
    assert [e["id"] for e in api.get(E).json()] == [str(ev.pk)]
    _headers(api.get(f"{E}/{ev.pk}"), "png")
    auditor = ApiClient().login("auditor")  # in scope, no honours capability
    assert _up(auditor, E, {"item": str(built.pk), "file": _file("a.pdf", PDF)}).status_code == 403
    unit_api = ApiClient().login("enterprise_staff")
    r = _up(unit_api, E, {"item": str(built.criterion_id), "file": _file("b.pdf", PDF)})
    assert r.status_code == 201, r.content
    for item in ("nonsense", "9" * 400, "00000000-0000-0000-0000-000000000000", str(a.pk)):
        r = _up(unit_api, E, {"item": item, "file": _file("b.pdf", PDF)})
        assert r.status_code == 400 and "item" in r.json()["fields"]
    assert ApiClient().login("baoan_staff").get(E).status_code == 404
    stars.assessment_self(
        actor=None, assessment=a, points={str(i.criterion_id): "10" for i in lines.values()}
    )
    r = _up(unit_api, E, {"item": str(built.pk), "file": _file("c.pdf", PDF)})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert Evidence.objects.count() == 2
