"""Ledger exports: masked by default, formulas escaped, the full export behind another
person's approval, downloaded once, audited; large exports through a background task."""

import pytest
from django.urls import reverse

from tests.support import leaks
from zhijia.core.models import AuditEntry
from zhijia.demo.members import PEOPLE, seed_members
from zhijia.members.models import ExportRequest, ExportStatus
from zhijia.members.services import ledgers as services

from .ledgers_support import ledger, person_id, row, run_import, sheet_cells

FORMULA = '=HYPERLINK("http://evil","x")'


def _text(cells) -> str:
    return "\n".join(str(v) for r in cells for v in r if v is not None)


@pytest.fixture
def members(demo):
    seed_members()
    return demo


def test_masked_export_has_names_but_no_full_id_or_phone(members, staff_client):
    response = staff_client("shenzhen_admin").get(reverse("staff:member_export"))
    assert response.status_code == 200 and not response.has_header("X-Zhijia-Reveal")
    cells = sheet_cells(response.content)
    assert cells[0][:3] == ["姓名", "证件类型", "证件号码"] and len(cells) == 41
    assert leaks(_text(cells)) == []
    names = {r[0] for r in cells[1:]}
    assert "吕𠀀" in names and "彭宇" in names
    first = cells[1]
    assert "*" in first[2] and "****" in first[6] and len(first[4]) == 4  # birth year only
    entry = AuditEntry.objects.get(action="member.export")
    assert entry.data["rows"] == 40


def test_masked_export_is_limited_to_the_current_unit(members, staff_client):
    cells = sheet_cells(staff_client("xixiang_staff").get(reverse("staff:member_export")).content)
    assert len(cells) - 1 == sum(1 for p in PEOPLE if p[1] in ("固戍", "臣田", "西乡"))
    assert {r[17] for r in cells[1:]} <= {
        o.uscc for o in (members.org("固戍社区"), members.org("臣田园区"), members.org("西乡街道"))
    }


def test_export_escapes_formulas(demo, staff_client):
    job = run_import(
        demo.user("futian_staff"),
        demo.org("福田区总"),
        ledger([row(id_number=person_id(33), employer=f"'{FORMULA}", job_title="'+1")]),
    )
    assert job.created_count == 1
    cells = sheet_cells(staff_client("futian_staff").get(reverse("staff:member_export")).content)
    assert cells[1][11] == f"'{FORMULA}" and cells[1][12] == "'+1"


def test_full_export_needs_another_approver_and_downloads_once(members, staff_client):
    requester, approver = staff_client("shenzhen_admin"), staff_client("province_admin")
    response = requester.post(reverse("staff:export_request_create"), {"purpose": "  "})
    assert response.status_code == 200 and not ExportRequest.objects.exists()  # purpose required
    response = requester.post(reverse("staff:export_request_create"), {"purpose": "年度会员统计核对"})
    export = ExportRequest.objects.get()
    assert response.status_code == 302 and export.status == ExportStatus.PENDING
    download = reverse("staff:export_request_download", args=[export.pk])
    assert requester.get(download).status_code == 409  # export_not_approved
    detail = reverse("staff:export_request_detail", args=[export.pk])
    assert requester.post(detail, {"decision": "approve"}).status_code == 403  # self approval
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING
    assert approver.post(detail, {"decision": "approve"}).status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.decided_by.username == "province_admin"
    assert approver.get(download).status_code == 403  # only the requester downloads
    response = requester.get(download)
    assert response.status_code == 200 and response["X-Zhijia-Reveal"] == "1"
    cells = sheet_cells(response.content)
    assert len(cells) == 41 and len(leaks(_text(cells))) >= 40  # complete numbers and phones
    entry = AuditEntry.objects.get(action="member.export_full")
    assert entry.data["rows"] == 40 and entry.data["purpose"] == "年度会员统计核对"
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.row_count == 40
    assert requester.get(download).status_code == 409  # once


def test_self_approval_is_refused_by_the_service(members):
    admin = members.user("shenzhen_admin")
    export = services.export_request_create(actor=admin, unit=members.org("深圳市总"), purpose="核对")
    with pytest.raises(Exception) as exc:
        services.export_request_decide(actor=admin, request=export, approve=True)
    assert exc.value.code == "self_approval" and exc.value.status == 403


def test_clerk_cannot_approve_and_outsider_cannot_see(members, staff_client):
    export = services.export_request_create(
        actor=members.user("futian_staff"), unit=members.org("福田区总"), purpose="核对"
    )
    detail = reverse("staff:export_request_detail", args=[export.pk])
    assert staff_client("fubao_staff").post(detail, {"decision": "approve"}).status_code == 403
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING  # clerks hold no members.export_approve
    assert staff_client("xixiang_staff").get(detail).status_code == 404
    assert staff_client("shenzhen_admin").get(reverse("staff:export_request_list")).status_code == 200
    assert staff_client("auditor").get(reverse("staff:export_request_list")).status_code == 403


def test_large_exports_run_in_the_background(
    members, staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "EXPORT_INLINE_LIMIT", 5)
    client = staff_client("shenzhen_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("staff:member_export"))
    assert response.status_code == 302 and "token=" in response["Location"]
    page = client.get(response["Location"])
    assert 'data-ready="1"' in page.content.decode()
    file = client.get(response["Location"] + "&download=1")
    assert file.status_code == 200 and len(sheet_cells(file.content)) == 41
    assert client.get(response["Location"] + "&download=1").status_code == 404  # once

    export = services.export_request_create(
        actor=members.user("shenzhen_admin"), unit=members.org("深圳市总"), purpose="核对"
    )
    services.export_request_decide(actor=members.user("province_admin"), request=export, approve=True)
    download = reverse("staff:export_request_download", args=[export.pk])
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(download)
    assert waiting.status_code == 200 and "data-ready" in waiting.content.decode()
    full = client.get(download)
    assert full.status_code == 200 and full["X-Zhijia-Reveal"] == "1"
    assert len(sheet_cells(full.content)) == 41
