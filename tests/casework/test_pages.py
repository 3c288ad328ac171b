"""Console and H5 pages of help and rights, through the Django client (the browser journeys are
in tests/e2e/test_cases_journeys.py)."""

import datetime as dt

import pytest
from django.test import Client

from tests.matrix.world import cn_id
from tests.support import leaks
from zhijia.casework.models import Case, HardshipFile

from .support import counselling, expert_login, fund, hardship, png, settings, step, worker

pytestmark = pytest.mark.django_db


def _ok(response):
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert not leaks(body), leaks(body)
    return body


def test_console_hardship_flow(demo, staff_client):
    org = demo.org("福保街道")
    f = fund(org, amount="2000")
    console = staff_client("fubao_staff")
    _ok(console.get("/console/cases/new/hardship/"))
    r = console.post(
        "/console/cases/new/hardship/",
        {
            "org_id": str(org.pk),
            "name": "陈大姐",
            "id_number": cn_id(701),
            "own_income": "900",
            "household_size": "3",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get(subject_name="陈大姐")
    body = _ok(console.get(f"/console/cases/{case.pk}/"))
    assert "陈*姐" in body and 'data-testid="step-screen"' in body and "陈大姐" not in body
    console.post(f"/console/cases/{case.pk}/step/screen/", {"grade": "deep"})
    console.post(
        f"/console/cases/{case.pk}/step/visit/", {"visit_record": "属实", "income_check_signed": "1"}
    )
    console.post(f"/console/cases/{case.pk}/step/publicise/", {})
    assert Case.objects.get(pk=case.pk).status == "publicised"
    public = _ok(Client().get("/h5/cases/notices/"))
    assert "陈*姐" in public
    HardshipFile.objects.filter(case=case).update(publicity_until=dt.date.today() - dt.timedelta(days=1))
    admin = staff_client("shenzhen_admin")
    admin.post(f"/console/cases/{case.pk}/step/approve/", {})
    assert Case.objects.get(pk=case.pk).status == "filed"
    console.post(
        f"/console/cases/{case.pk}/step/help/", {"kind": "warmth", "amount": "500", "fund_id": str(f.pk)}
    )
    body = _ok(console.get(f"/console/cases/{case.pk}/"))
    assert 'data-testid="help-records"' in body
    assert "1500.00" in _ok(admin.get("/console/cases/funds/"))
    _ok(console.get("/console/cases/"))


def test_counselling_console_hides_notes_from_the_province(demo, staff_client):
    org = demo.org("大朗镇")
    case = counselling(org, summary="夫妻矛盾，情绪低落")
    user, expert = expert_login(org, name="心理咨询师")
    step(case, "assign", None, expert_id=str(expert.pk))
    admin = staff_client("province_admin")
    body = _ok(admin.get(f"/console/cases/{case.pk}/"))
    assert "情绪低落" not in body and 'data-testid="confidential"' in body and "notes-link" not in body
    assert admin.get(f"/console/cases/{case.pk}/notes/").status_code == 404
    counsellor = Client()
    counsellor.force_login(user)
    assert "情绪低落" in _ok(counsellor.get(f"/console/cases/{case.pk}/"))
    counsellor.post(f"/console/cases/{case.pk}/notes/", {"text": "首次咨询，建立关系"})
    assert "首次咨询" in _ok(counsellor.get(f"/console/cases/{case.pk}/notes/"))
    assert case.number in _ok(counsellor.get("/console/cases/mine/"))


def test_h5_worker_books_counselling_and_sees_the_hotline(demo, django_capture_on_commit_callbacks):
    from zhijia.accounts import sms

    org = demo.org("大朗镇")
    settings(org, crisis_contact_phone="13700002222")
    me = worker()
    phone = Client()
    phone.force_login(me)
    _ok(phone.get("/h5/cases/"))
    _ok(phone.get("/h5/cases/apply/counselling/"))
    r = phone.post("/h5/cases/apply/counselling/", {"org_id": str(org.pk), "name": "王师傅"})
    assert r.status_code == 302
    case = Case.objects.get(applicant=me)
    answers = {f"phq9_{i}": "1" for i in range(9)}
    with django_capture_on_commit_callbacks(execute=True):
        sms.outbox.clear()
        phone.post(f"/h5/cases/{case.pk}/screening/", {"consent": "1", **answers})
    body = _ok(phone.get(f"/h5/cases/{case.pk}/"))
    assert 'data-testid="hotline"' in body and "12356" in body
    assert any(m["phone"] == "13700002222" for m in sms.outbox)
    other = Client()
    other.force_login(worker())
    assert other.get(f"/h5/cases/{case.pk}/").status_code == 404


def test_h5_legal_help_shows_plain_dates(demo):
    me = worker()
    phone = Client()
    phone.force_login(me)
    r = phone.post(
        "/h5/cases/apply/legal/",
        {
            "org_id": str(demo.org("西乡街道").pk),
            "name": "张骑手",
            "summary": "拖欠工资",
            "wage_arrears": "1",
            "employment_ended_on": "2026-10-30",  # before the pinned today (2026-11-17)
            "mediation": "1",
            "claim_amount": "9000",
        },
    )
    assert r.status_code == 302
    case = Case.objects.get(applicant=me)
    body = _ok(phone.get(f"/h5/cases/{case.pk}/"))
    assert "2027-10-30" in body
    bad = phone.post(
        "/h5/cases/apply/legal/",
        {"org_id": str(demo.org("西乡街道").pk), "name": "x", "knew_on": "2026-02-30"},
    )
    assert bad.status_code == 200 and 'data-testid="form-error"' in bad.content.decode()


def test_public_objection(demo):
    case = hardship(demo.org("福保街道"), actor=None, n=801)
    for name, data in (
        ("screen", {}),
        ("visit", {"visit_record": "x", "income_check_signed": True}),
        ("publicise", {}),
    ):
        step(case, name, None, **data)
    anon = Client()
    _ok(anon.get(f"/h5/cases/notices/{case.pk}/"))
    r = anon.post(f"/h5/cases/notices/{case.pk}/", {"text": "他家有车"})
    assert 'data-testid="objection-done"' in r.content.decode()
    assert case.objections.count() == 1


def test_attachments_are_checked_by_content_and_only_downloaded(demo, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = hardship(demo.org("福保街道"), n=811)
    console = staff_client("fubao_staff")
    photo = png(tail=b"<script>x</script>")
    console.post(
        f"/console/cases/{case.pk}/attachments/",
        {
            "kind": "visit_photo",
            "caption": "入户照片",
            "file": SimpleUploadedFile("x.png", photo, "image/png"),
        },
    )
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", "image/png")
    console.post(f"/console/cases/{case.pk}/attachments/", {"kind": "other", "file": fake})
    assert case.attachments.count() == 1
    attachment = case.attachments.get()
    assert bytes(attachment.content).startswith(b"\x89PNG") and b"<script>" not in bytes(attachment.content)
    r = console.get(f"/console/cases/{case.pk}/attachments/{attachment.pk}/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    assert r["Content-Type"] == "application/octet-stream" and r["X-Content-Type-Options"] == "nosniff"
    outside = staff_client("baoan_staff")
    assert outside.get(f"/console/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    c2 = counselling(demo.org("大朗镇"))
    assert staff_client("province_admin").post(f"/console/cases/{c2.pk}/attachments/", {}).status_code == 404


def test_case_pages_keep_the_console_unit_switcher(demo, staff_client):
    """The unit choices of a case form are its own; the unit switcher still lists the user's
    grants (the pages once overwrote it)."""
    for username, own, below, url in (
        ("futian_staff", "福田区总", "河套科创工会", "/console/cases/new/hardship/"),
        ("shenzhen_admin", "深圳市总", "福田区总", "/console/cases/funds/"),
        ("shenzhen_admin", "深圳市总", "福田区总", "/console/cases/reviews/"),
    ):
        page = staff_client(username).get(url).content.decode()
        switcher = page[page.index('data-testid="unit-switcher"') :].split("</select>")[0]
        assert str(demo.org(own).pk) in switcher, url
        assert str(demo.org(below).pk) not in switcher, url
