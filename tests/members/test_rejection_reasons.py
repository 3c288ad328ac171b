"""Refusals carry their own reason (issue 19): an export request's rejection reason and a
refused transfer's reason are fields of their own, required, and shown to the requester; the
requester's own text is left as they wrote it."""

import pytest
from django.test import Client
from django.urls import reverse

from zhijia.accounts.services import worker_for_phone
from zhijia.core.errors import ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.members.models import ExportRequest, ExportStatus, Transfer
from zhijia.members.services import ledgers, transfers

from .joining_support import member_of


def test_export_rejection_needs_a_reason_and_the_requester_sees_it(demo, staff_client):
    export = ledgers.export_request_create(
        actor=demo.user("shenzhen_admin"), unit=demo.org("深圳市总"), purpose="年度核对"
    )
    with pytest.raises(ValidationFailed) as exc:
        ledgers.export_request_decide(actor=demo.user("province_admin"), request=export, approve=False)
    assert exc.value.code == "reason_required" and "reason" in exc.value.fields
    detail = reverse("staff:export_request_detail", args=[export.pk])
    approver = staff_client("province_admin")
    page = approver.post(detail, {"decision": "reject", "reason": "  "}, follow=True)
    assert page.status_code == 200
    assert ExportRequest.objects.get().status == ExportStatus.PENDING
    assert approver.post(detail, {"decision": "reject", "reason": "用途写得不清楚"}).status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.REJECTED and export.rejection_reason == "用途写得不清楚"
    assert export.purpose == "年度核对"
    assert AuditEntry.objects.get(action="export_request.reject").data["reason"] == "用途写得不清楚"
    page = staff_client("shenzhen_admin").get(detail).content.decode()
    assert 'data-testid="export-rejection-reason"' in page and "用途写得不清楚" in page


def test_an_approval_has_no_reason(demo):
    export = ledgers.export_request_create(
        actor=demo.user("shenzhen_admin"), unit=demo.org("深圳市总"), purpose="年度核对"
    )
    done = ledgers.export_request_decide(
        actor=demo.user("province_admin"), request=export, approve=True, reason="ignored"
    )
    assert done.status == ExportStatus.APPROVED and done.rejection_reason == ""


def test_refused_transfer_keeps_the_request_text_and_shows_the_refusal(demo, api_client):
    worker = worker_for_phone(phone="13900005657")
    membership = member_of(demo.org("河套科创工会"), actor=worker)
    tr = transfers.transfer_request(
        actor=worker, membership=membership, to_org=demo.org("臣田园区"), reason="换了工作"
    )
    transfers.transfer_reject(actor=demo.user("xixiang_staff"), transfer=tr, reason="不在本园区工作")
    tr = Transfer.objects.get(pk=tr.pk)
    assert (tr.reason, tr.rejection_reason) == ("换了工作", "不在本园区工作")
    # the member (H5)
    client = Client()
    client.force_login(worker)
    page = client.get(reverse("h5:join_transfer")).content.decode()
    assert 'data-testid="transfer-rejection-reason"' in page and "不在本园区工作" in page
    # the API
    api = api_client.login("xixiang_staff")
    items = api.get("/api/v1/transfers").json()["items"]
    assert [(i["reason"], i["rejection_reason"]) for i in items] == [("换了工作", "不在本园区工作")]
    # the console (the sending union, who may have asked on the member's behalf)
    staff = Client()
    staff.force_login(demo.user("futian_staff"))
    page = staff.get(reverse("staff:transfer_detail", args=[tr.pk])).content.decode()
    assert "不在本园区工作" in page and "换了工作" in page
