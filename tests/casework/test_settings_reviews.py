"""Help settings per unit (the 低保 line, crisis contact and hotline: inherited down the tree,
used by the services, audited), the yearly 复核 page and API, and attachments through the API
and the phone page (photos re-encoded by the shared upload check)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.support import leaks
from zhijia.accounts import sms
from zhijia.casework.models import Case, CaseDeadline, CaseSettings, HardshipFile
from zhijia.casework.selectors import HOTLINE, settings_for
from zhijia.casework.services.settings import settings_update
from zhijia.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry

from .support import counselling, expert_login, hardship, legal, png, settings, step, worker

pytestmark = pytest.mark.django_db


def _as(api_client, user):
    from zhijia.accounts.tokens import token_issue

    api_client.token = token_issue(user=user)[0]
    return api_client


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:500])
    body = response.content.decode()
    assert not leaks(body), leaks(body)
    return body


def _filed(org, n=None):
    case = hardship(org, n=n)
    step(case, "screen", None)
    step(case, "visit", None, visit_record="属实", income_check_signed=True)
    step(case, "publicise", None)
    HardshipFile.objects.filter(case=case).update(publicity_until=timezone.localdate() - dt.timedelta(days=1))
    return step(case, "approve", None)


# --- settings ------------------------------------------------------------------------------


def test_settings_are_inherited_and_the_nearest_unit_wins(demo):
    futian, fubao = demo.org("福田区总"), demo.org("福保街道")
    admin = demo.user("shenzhen_admin")
    assert settings_for(fubao).dibao_line is None and settings_for(fubao).crisis_hotline == HOTLINE
    settings_update(actor=admin, org=futian, data={"dibao_line": "1000", "crisis_hotline": "0755-123"})
    assert settings_for(fubao).dibao_line == Decimal("1000")
    settings_update(actor=admin, org=fubao, data={"dibao_line": "900.5"})
    got = settings_for(fubao)
    assert got.dibao_line == Decimal("900.50") and got.crisis_hotline == "0755-123"
    # blank → inherit again; a field left out is kept
    settings_update(actor=admin, org=fubao, data={"dibao_line": ""})
    assert settings_for(fubao).dibao_line == Decimal("1000")
    settings_update(actor=admin, org=fubao, data={"crisis_contact_phone": "13700001111"})
    settings_update(actor=admin, org=fubao, data={"crisis_contact_name": "值班室"})
    row = CaseSettings.objects.get(org=fubao)
    assert row.crisis_contact_phone == "13700001111" and row.crisis_contact_name == "值班室"
    entries = AuditEntry.objects.filter(action="case.settings_update")
    assert entries.count() == 5
    assert all("13700001111" not in str(e.data) and "值班室" not in str(e.data) for e in entries)
    # nothing changed: no entry
    settings_update(actor=admin, org=fubao, data={"crisis_contact_name": "值班室"})
    assert entries.count() == 5


def test_settings_permissions(demo):
    fubao = demo.org("福保街道")
    with pytest.raises(NotFound):
        settings_update(actor=demo.user("baoan_staff"), org=fubao, data={"dibao_line": "1"})
    with pytest.raises(PermissionDenied):
        settings_update(actor=demo.user("auditor"), org=fubao, data={"dibao_line": "1"})
    # the unit's own administration (orgs.manage) may set them
    settings_update(actor=demo.user("fubao_staff"), org=fubao, data={"dibao_line": "1"})


@pytest.mark.parametrize(
    "data,field",
    [
        ({"dibao_line": "abc"}, "dibao_line"),
        ({"dibao_line": "-5"}, "dibao_line"),
        ({"dibao_line": "0"}, "dibao_line"),
        ({"dibao_line": "1e400"}, "dibao_line"),
        ({"dibao_line": "100000.01"}, "dibao_line"),
        ({"dibao_line": "1.001"}, "dibao_line"),
        ({"crisis_contact_phone": "123"}, "crisis_contact_phone"),
        ({"crisis_hotline": "<script>"}, "crisis_hotline"),
        ({"crisis_hotline": "1" * 21}, "crisis_hotline"),
        ({"crisis_contact_name": "\x00"}, "crisis_contact_name"),
        ({"crisis_contact_name": "x" * 51}, "crisis_contact_name"),
    ],
)
def test_settings_validation_names_the_field(demo, data, field):
    with pytest.raises(ValidationFailed) as info:
        settings_update(actor=demo.user("shenzhen_admin"), org=demo.org("福保街道"), data=data)
    assert field in info.value.fields


def test_services_use_the_inherited_line_and_contact(demo, api_client, django_capture_on_commit_callbacks):
    futian, fubao = demo.org("福田区总"), demo.org("福保街道")
    admin = demo.user("shenzhen_admin")
    api = _as(api_client, admin)
    r = api.client.put(
        f"/api/v1/case-settings/{futian.pk}",
        {"dibao_line": "800", "crisis_contact_phone": "13700002222", "crisis_hotline": "0755-88889999"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["dibao_line"]["own"] == "800.00" and body["crisis_contact_phone"]["value"] != "13700002222"
    child = api.get(f"/api/v1/case-settings/{fubao.pk}").json()
    assert child["dibao_line"] == {
        "own": "",
        "value": "800.00",
        "from_org": {"id": str(futian.pk), "name": futian.name},
        "inherited": True,
    }
    case = hardship(fubao, own_income="600", household_size=1)  # 600 a head: below 800
    detail = api.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["hardship"]["dibao_line"] == "800.00" and detail["hardship"]["below_dibao_line"] is True
    # the crisis contact of the unit above is told at once
    booking = counselling(fubao)
    with django_capture_on_commit_callbacks(execute=True):
        sms.outbox.clear()
        step(booking, "screening", None, consent=True, phq9=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert "13700002222" in [m["phone"] for m in sms.outbox]


def test_settings_api_scope_and_fuzz(demo, api_client):
    fubao = demo.org("福保街道")
    url = f"/api/v1/case-settings/{fubao.pk}"

    def put(user, data):
        api = _as(api_client.__class__(), user)
        return api.client.put(
            url, data, content_type="application/json", headers={"Authorization": f"Bearer {api.token}"}
        )

    assert _as(api_client.__class__(), demo.user("baoan_staff")).get(url).status_code == 404
    assert _as(api_client.__class__(), demo.user("auditor")).get(url).status_code == 403
    assert put(demo.user("baoan_staff"), {"dibao_line": "1"}).status_code == 404
    admin = demo.user("shenzhen_admin")
    for bad, field in (
        ({"dibao_line": "9" * 19}, "dibao_line"),
        ({"dibao_line": "x" * 30}, "dibao_line"),
        ({"dibao_line": [1]}, "dibao_line"),
        ({"crisis_hotline": {"a": 1}}, "crisis_hotline"),
        ({"crisis_contact_phone": "abc"}, "crisis_contact_phone"),
    ):
        r = put(admin, bad)
        assert r.status_code in (400, 422), (bad, r.status_code)
        assert field in str(r.json()["fields"]), (bad, r.content)
    assert _as(api_client.__class__(), admin).get("/api/v1/case-settings/not-a-uuid").status_code in (
        400,
        404,
        422,
    )
    missing = "/api/v1/case-settings/01a24c61-30bd-7e4b-a3f2-925721371bef"
    assert _as(api_client.__class__(), admin).get(missing).status_code == 404


def test_console_settings_page(demo, staff_client):
    fubao = demo.org("福保街道")
    settings(demo.org("福田区总"), dibao_line=Decimal("760"))
    admin = staff_client("shenzhen_admin")
    body = _ok(admin.get(f"/console/cases/settings/{fubao.pk}/"))
    assert 'data-testid="settings-form"' in body and "760" in body
    r = admin.post(
        f"/console/cases/settings/{fubao.pk}/",
        {"dibao_line": "abc", "crisis_contact_name": "", "crisis_contact_phone": "", "crisis_hotline": ""},
    )
    assert "is-invalid" in _ok(r) and not CaseSettings.objects.filter(org=fubao).exists()
    form = {
        "dibao_line": "820",
        "crisis_contact_name": "福保值班室",
        "crisis_contact_phone": "13700003333",
        "crisis_hotline": "",
    }
    assert admin.post(f"/console/cases/settings/{fubao.pk}/", form).status_code == 302
    body = _ok(admin.get(f"/console/cases/settings/{fubao.pk}/"))
    assert "13700003333" not in body and "820.00" in body
    # the phone is shown masked: posting the form again with it blank keeps it
    admin.post(f"/console/cases/settings/{fubao.pk}/", {**form, "crisis_contact_phone": ""})
    assert CaseSettings.objects.get(org=fubao).crisis_contact_phone == "13700003333"
    admin.post(
        f"/console/cases/settings/{fubao.pk}/",
        {**form, "crisis_contact_phone": "", "clear_crisis_contact_phone": "1"},
    )
    assert CaseSettings.objects.get(org=fubao).crisis_contact_phone == ""
    assert staff_client("baoan_staff").get(f"/console/cases/settings/{fubao.pk}/").status_code == 404
    assert staff_client("auditor").get(f"/console/cases/settings/{fubao.pk}/").status_code == 403
    assert admin.get(f"/console/cases/settings/?unit={fubao.pk}")["Location"].endswith(f"{fubao.pk}/")


# --- the yearly review ---------------------------------------------------------------------


def test_review_page_campaign_and_decisions(demo, staff_client):
    fubao = demo.org("福保街道")
    kept, closed = _filed(fubao, n=931), _filed(fubao, n=932)
    applied = hardship(fubao, n=933)
    admin = staff_client("shenzhen_admin")
    body = _ok(admin.get("/console/cases/reviews/"))
    assert 'data-testid="campaign-form"' in body and 'data-testid="no-reviews"' in body  # due in a year
    assert _ok(admin.get("/console/cases/reviews/?all=1")).count('data-testid="review-task"') == 2
    for due in ("2026-02-30", "", "not a date", "99999-01-01", "2001-01-01"):
        r = admin.post("/console/cases/reviews/", {"org_id": str(fubao.pk), "due_on": due})
        assert 'data-testid="form-error"' in _ok(r), due
    r = admin.post("/console/cases/reviews/", {"org_id": "nope", "due_on": "2027-01-01"})
    assert 'data-testid="form-error"' in _ok(r)
    due = timezone.localdate() + dt.timedelta(days=20)
    assert (
        admin.post(
            "/console/cases/reviews/", {"org_id": str(fubao.pk), "due_on": due.isoformat()}
        ).status_code
        == 302
    )
    assert set(
        CaseDeadline.objects.filter(code="review_by", due_on=due).values_list("case_id", flat=True)
    ) == {kept.pk, closed.pk}
    CaseDeadline.objects.filter(case=closed, code="review_by").update(
        due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    body = _ok(admin.get("/console/cases/reviews/"))
    assert body.count('data-testid="review-task"') == 2 and 'data-testid="overdue-count"' in body
    assert body.index(closed.number) < body.index(kept.number)  # overdue first
    clerk = staff_client("fubao_staff")
    assert 'data-testid="campaign-form"' not in _ok(clerk.get("/console/cases/reviews/"))
    assert clerk.post(f"/console/cases/reviews/{kept.pk}/", {"outcome": "kept"}).status_code == 302
    clock = CaseDeadline.objects.get(case=kept, code="review_by")
    assert clock.due_on > due and Case.objects.get(pk=kept.pk).status == "filed"
    body = _ok(clerk.get("/console/cases/reviews/"))
    assert body.count('data-testid="review-task"') == 1  # kept: next review in a year, not due now
    assert kept.number in _ok(clerk.get("/console/cases/reviews/?all=1"))
    assert Case.objects.get(pk=kept.pk).hardship.reviewed_on == timezone.localdate()
    clerk.post(f"/console/cases/reviews/{closed.pk}/", {"outcome": "closed", "reason": "bogus"})
    assert Case.objects.get(pk=closed.pk).status == "filed"
    clerk.post(f"/console/cases/reviews/{closed.pk}/", {"outcome": "closed", "reason": "recovered"})
    assert Case.objects.get(pk=closed.pk).status == "exited"
    # a file not filed: the state machine refuses (invalid_transition), shown as a message
    r = clerk.post(f"/console/cases/reviews/{applied.pk}/", {"outcome": "kept"}, follow=True)
    assert Case.objects.get(pk=applied.pk).status == "applied" and "alert-danger" in r.content.decode()
    assert clerk.post(f"/console/cases/reviews/{kept.pk}/", {"outcome": "maybe"}).status_code == 302
    # outside scope, another kind, no permission
    assert (
        staff_client("baoan_staff")
        .post(f"/console/cases/reviews/{kept.pk}/", {"outcome": "kept"})
        .status_code
        == 404
    )
    other = legal(fubao)
    assert clerk.post(f"/console/cases/reviews/{other.pk}/", {"outcome": "kept"}).status_code == 404
    assert (
        staff_client("auditor").post(f"/console/cases/reviews/{kept.pk}/", {"outcome": "kept"}).status_code
        == 404
    )
    assert AuditEntry.objects.filter(action="case.review_campaign").count() == 1


def test_review_api(demo, api_client):
    fubao = demo.org("福保街道")
    filed = _filed(fubao, n=941)
    admin = _as(api_client, demo.user("shenzhen_admin"))
    for bad in ("2026-02-30", "x", 5, None, "2001-01-01", "99999-01-01"):
        r = admin.post("/api/v1/case-reviews", {"org_id": str(fubao.pk), "due_on": bad})
        assert r.status_code in (400, 422), (bad, r.status_code)
        assert "due_on" in str(r.json()["fields"]), (bad, r.content)
    r = admin.post("/api/v1/case-reviews", {"org_id": "x", "due_on": "2027-01-01"})
    assert r.status_code in (400, 422) and "org_id" in str(r.json()["fields"])
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    r = admin.post("/api/v1/case-reviews", {"org_id": str(fubao.pk), "due_on": due})
    assert r.status_code == 201 and r.json() == {"files": 1}
    tasks = admin.get("/api/v1/case-reviews").json()
    assert [t["number"] for t in tasks["items"]] == [filed.number] and tasks["items"][0]["due_on"] == due
    clerk = _as(api_client.__class__(), demo.user("fubao_staff"))
    assert clerk.post("/api/v1/case-reviews", {"org_id": str(fubao.pk), "due_on": due}).status_code == 403
    baoan = _as(api_client.__class__(), demo.user("baoan_staff"))
    assert baoan.post("/api/v1/case-reviews", {"org_id": str(fubao.pk), "due_on": due}).status_code == 404
    assert baoan.get("/api/v1/case-reviews").json()["items"] == []
    assert clerk.post(f"/api/v1/cases/{filed.pk}/review", {}).status_code == 200
    assert admin.get("/api/v1/case-reviews").json()["items"][0]["due_on"] > due
    assert admin.get("/api/v1/case-reviews?within=30").json()["items"] == []
    for bad in ("-1", "99999999999999999999", "x"):
        r = admin.get(f"/api/v1/case-reviews?within={bad}")
        assert r.status_code in (400, 422) and "within" in str(r.json()), bad
    applied = hardship(fubao, n=942)
    r = clerk.post(f"/api/v1/cases/{applied.pk}/review", {})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


# --- attachments ---------------------------------------------------------------------------


def _upload(client, url, content, name="p.png", token=None, **fields):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields}, headers=headers)


def test_attachments_through_the_api(demo, api_client):
    from zhijia.accounts.tokens import token_issue

    fubao = demo.org("福保街道")
    me = worker()
    case = legal(fubao)
    Case.objects.filter(pk=case.pk).update(applicant=me)
    url = f"/api/v1/cases/{case.pk}/attachments"
    staff_token = token_issue(user=demo.user("fubao_staff"))[0]
    my_token = token_issue(user=me)[0]
    c = Client()
    r = _upload(c, url, png(tail=b"<script>alert(1)</script>"), token=staff_token, kind="visit_photo")
    assert r.status_code == 201, r.content
    theirs = r.json()["id"]  # the staff's photo: not the worker's to read
    stored = Case.objects.get(pk=case.pk).attachments.get(pk=r.json()["id"])
    assert stored.kind == "visit_photo" and b"<script>" not in bytes(stored.content)
    r = _upload(c, url, png(), token=my_token, kind="authorisation", caption="工资条")
    assert r.status_code == 201 and r.json()["mine"] is True
    assert case.attachments.get(pk=r.json()["id"]).kind == "evidence"  # the worker's are evidence
    for bad in (b"<script>alert(1)</script>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.4 no end", b""):
        r = _upload(c, url, bad, token=my_token)
        assert r.status_code == 400 and "file" in r.json()["fields"], bad
    r = c.post(url, {}, headers={"Authorization": f"Bearer {my_token}"})
    assert r.status_code == 400 and "file" in r.json()["fields"]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert _upload(c, url, pdf, name="a.pdf", token=staff_token, caption="x" * 101).status_code == 400
    assert _upload(c, url, pdf, name="a.pdf", token=staff_token, kind="nope").status_code == 400
    assert _upload(c, url, pdf, name="a.pdf", token=staff_token).status_code == 201
    staff_api = _as(api_client.__class__(), demo.user("fubao_staff"))
    assert len(staff_api.get(url).json()) == 3
    mine = _as(api_client.__class__(), me).get(url).json()
    assert [a["caption"] for a in mine] == ["工资条"]
    assert _as(api_client.__class__(), me).get(f"{url}/{theirs}").status_code == 404
    r = staff_api.get(f"{url}/{theirs}")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    assert r["X-Content-Type-Options"] == "nosniff" and r["Content-Type"] == "application/octet-stream"
    assert AuditEntry.objects.filter(action="case.attachment_read").count() == 1
    for path in (f"{url}/not-a-uuid", f"{url}/01a24c61-30bd-7e4b-a3f2-925721371bef"):
        assert staff_api.get(path).status_code == 404
    outsider = _as(api_client.__class__(), demo.user("baoan_staff"))
    assert outsider.get(url).status_code == 404 and outsider.get(f"{url}/{theirs}").status_code == 404
    assert _as(api_client.__class__(), worker()).get(url).status_code == 404
    assert _upload(c, url, png(), token=token_issue(user=demo.user("baoan_staff"))[0]).status_code == 404
    # a counselling booking takes no attachments from its worker; its counsellor alone may
    booking = counselling(demo.org("大朗镇"), actor=me)
    b_url = f"/api/v1/cases/{booking.pk}/attachments"
    assert _upload(c, b_url, png(), token=my_token).status_code == 404
    assert _as(api_client.__class__(), demo.user("province_admin")).get(b_url).status_code == 404
    user, expert = expert_login(demo.org("大朗镇"), name="心理咨询师")
    step(booking, "assign", None, expert_id=str(expert.pk))
    assert _upload(c, b_url, png(), token=token_issue(user=user)[0]).status_code == 201


def test_worker_adds_evidence_on_the_phone(demo):
    fubao = demo.org("福保街道")
    me = worker()
    case = legal(fubao)
    Case.objects.filter(pk=case.pk).update(applicant=me)
    phone = Client()
    phone.force_login(me)
    body = _ok(phone.get(f"/h5/cases/{case.pk}/"))
    assert 'data-testid="evidence-form"' in body and 'enctype="multipart/form-data"' in body
    r = phone.post(
        f"/h5/cases/{case.pk}/evidence/",
        {"file": SimpleUploadedFile("slip.jpg", png()), "caption": "欠薪条"},
    )
    assert r.status_code == 302
    attachment = case.attachments.get()
    assert attachment.kind == "evidence" and attachment.uploaded_by_id == me.pk
    body = _ok(phone.get(f"/h5/cases/{case.pk}/"))
    assert "欠薪条" in body and body.count('data-testid="evidence-item"') == 1
    r = phone.get(f"/h5/cases/{case.pk}/evidence/{attachment.pk}/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    r = phone.post(
        f"/h5/cases/{case.pk}/evidence/", {"file": SimpleUploadedFile("x.png", b"<html>")}, follow=True
    )
    assert case.attachments.count() == 1 and "alert-danger" in r.content.decode()
    other = Client()
    other.force_login(worker())
    assert other.get(f"/h5/cases/{case.pk}/evidence/{attachment.pk}/").status_code == 404
    assert other.post(f"/h5/cases/{case.pk}/evidence/", {}).status_code == 404
    booking = counselling(fubao, actor=me)
    assert 'data-testid="evidence-form"' not in _ok(phone.get(f"/h5/cases/{booking.pk}/"))
    assert phone.post(f"/h5/cases/{booking.pk}/evidence/", {}).status_code == 404
