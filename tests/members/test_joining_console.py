"""Console pages for the review queue, transfers and the scan-to-join QR poster."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from zhijia.accounts.services import worker_for_phone
from zhijia.members.enums import ApplicationStatus, TransferStatus
from zhijia.members.models import JoinApplication, Transfer

from .joining_support import apply_to, member_of

EN = {"Accept-Language": "en"}  # assertions below read English text


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


def test_queue_puts_overdue_first_with_a_badge(staff_client, demo):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False) as t:
        apply_to(demo.org("河套科创工会"), 1)
        t.move_to(datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
        apply_to(demo.org("福保街道"), 2, routed=True)
        html = staff_client("futian_staff").get(url("application_list"), headers=EN).content.decode()
        overdue_only = (
            staff_client("futian_staff")
            .get(url("application_list"), {"overdue": "1"}, headers=EN)
            .content.decode()
        )
    rows = html.split('data-testid="application-row"')[1:]
    assert len(rows) == 2 and 'data-overdue="true"' in rows[0] and 'data-overdue="false"' in rows[1]
    assert "7 working days over" in rows[0] and 'data-testid="overdue-count"' in html
    assert overdue_only.count('data-testid="application-row"') == 1
    assert "李*手" in html and "13900000001" not in html


def test_queue_needs_members_review(staff_client, demo):
    assert staff_client("auditor").get(url("application_list")).status_code == 403
    assert staff_client("baoan_staff").get(url("application_list")).status_code == 200


def test_detail_shows_masked_data_and_routing_and_is_scoped(staff_client, demo):
    app = apply_to(demo.org("福保街道"), routed=True)
    response = staff_client("fubao_staff").get(url("application_detail", app.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="routing"' in html and "workplace has no union" in html
    assert "4403**********" in html and "139****0001" in html
    for testid in ("approve", "reject", "forward", "reason"):
        assert f'data-testid="{testid}"' in html
    assert staff_client("baoan_staff").get(url("application_detail", app.pk)).status_code == 404
    assert staff_client("baoan_staff").post(url("application_approve", app.pk)).status_code == 404
    assert JoinApplication.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED


def test_approve_reject_forward_from_the_console(staff_client, demo):
    client = staff_client("futian_staff")
    first, second, third = (apply_to(demo.org("河套科创工会"), seq) for seq in (1, 2, 3))
    assert client.post(url("application_approve", first.pk)).status_code == 302
    assert JoinApplication.objects.get(pk=first.pk).membership.member_no
    page = client.post(url("application_reject", second.pk), {"reason": ""})
    assert page.status_code == 200 and 'data-testid="error-reason"' in page.content.decode()
    assert client.post(url("application_reject", second.pk), {"reason": "资料不全"}).status_code == 302
    assert JoinApplication.objects.get(pk=second.pk).status == ApplicationStatus.REJECTED
    refused = client.post(url("application_forward", third.pk), {"org": str(demo.org("福田区总").pk)})
    assert refused.status_code == 200 and JoinApplication.objects.get(pk=third.pk).org == demo.org(
        "河套科创工会"
    )
    moved = client.post(url("application_forward", third.pk), {"org": str(demo.org("福保精密工会").pk)})
    assert moved.status_code == 302 and JoinApplication.objects.get(pk=third.pk).org == demo.org(
        "福保精密工会"
    )


def test_qr_poster_links_to_the_join_page_for_that_union(staff_client, demo):
    union = demo.org("河套科创工会")
    response = staff_client("enterprise_staff").get(url("join_qr", union.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="join-qr"' in html and "<svg" in html and f"/h5/join/?org={union.pk}" in html
    district = staff_client("futian_staff").get(url("join_qr", demo.org("福田区总").pk)).content.decode()
    assert 'data-testid="qr-not-joinable"' in district and 'data-testid="join-qr"' not in district
    assert staff_client("baoan_staff").get(url("join_qr", union.pk)).status_code == 404
    assert staff_client("auditor").get(url("join_qr", union.pk)).status_code == 403


def test_transfer_pages(staff_client, demo):
    membership = member_of(demo.org("河套科创工会"), actor=worker_for_phone(phone="13900005555"))
    sender = staff_client("enterprise_staff")
    form = sender.get(url("transfer_create"), {"membership": str(membership.pk), "q": "xxct"})
    assert form.status_code == 200 and 'data-testid="transfer-candidate"' in form.content.decode()
    assert (
        staff_client("baoan_staff")
        .get(url("transfer_create"), {"membership": str(membership.pk)})
        .status_code
        == 404
    )
    posted = sender.post(
        url("transfer_create"), {"membership": str(membership.pk), "to_org": str(demo.org("臣田园区").pk)}
    )
    tr = Transfer.objects.get()
    assert posted.status_code == 302 and posted.url == url("transfer_detail", tr.pk)
    detail = sender.get(url("transfer_detail", tr.pk)).content.decode()
    assert 'data-testid="transfer-accept"' not in detail and 'data-testid="transfer-cancel"' in detail
    assert sender.post(url("transfer_accept", tr.pk)).status_code == 403
    receiver = staff_client("xixiang_staff")
    assert 'data-testid="transfer-accept"' in receiver.get(url("transfer_detail", tr.pk)).content.decode()
    assert 'data-testid="transfer-row"' in receiver.get(url("transfer_list")).content.decode()
    assert receiver.post(url("transfer_accept", tr.pk)).status_code == 302
    assert Transfer.objects.get(pk=tr.pk).status == TransferStatus.ACCEPTED
    assert staff_client("expert_demo").get(url("transfer_detail", tr.pk)).status_code == 404
