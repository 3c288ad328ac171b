"""Transfers (会籍转接): requested by the member or the sending union, decided by the receiving
union only; the member never holds two active memberships; history on both memberships; the
member is told the decision by SMS after it commits."""

import pytest
from django.utils import timezone

from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.members.enums import MemberStatus, TransferStatus
from zhijia.members.models import Membership, MembershipEvent, Transfer
from zhijia.members.permissions import access_transfer
from zhijia.members.selectors.joining import transfer_list
from zhijia.members.services import transfers
from zhijia.orgs.capabilities import Cap

from .joining_support import member_of


@pytest.fixture
def member(demo):
    owner = worker_for_phone(phone="13900005555")
    return member_of(demo.org("河套科创工会"), actor=owner), owner


def test_accept_closes_the_old_membership_then_opens_the_new_one(demo, member):
    membership, owner = member
    tr = transfers.transfer_request(
        actor=owner, membership=membership, to_org=demo.org("臣田园区"), reason="换工作"
    )
    receiver = demo.user("xixiang_staff")
    done = transfers.transfer_accept(actor=receiver, transfer=tr)
    old = Membership.objects.get(pk=membership.pk)
    new = done.new_membership
    assert done.status == TransferStatus.ACCEPTED and done.decided_by == receiver
    assert (old.status, old.ended_on) == (MemberStatus.TRANSFERRED_OUT, timezone.localdate())
    assert (new.status, new.org, new.person_id) == (MemberStatus.MEMBER, demo.org("臣田园区"), old.person_id)
    assert new.joined_on == old.joined_on  # membership seniority carries over
    assert new.member_no.startswith("440306") and new.member_no != old.member_no
    assert Membership.objects.filter(person_id=old.person_id, status__in=["member", "retained"]).count() == 1
    out = MembershipEvent.objects.get(membership=old, kind="transferred_out")
    into = MembershipEvent.objects.get(membership=new, kind="transferred_in")
    assert old.member_no in into.note and new.member_no in out.note
    assert out.to_org == into.to_org == demo.org("臣田园区")


def test_a_retained_membership_stays_retained(demo, member):
    membership, owner = member
    Membership.objects.filter(pk=membership.pk).update(status=MemberStatus.RETAINED)
    membership.refresh_from_db()
    tr = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("福保街道"))
    assert transfers.transfer_accept(actor=None, transfer=tr).new_membership.status == MemberStatus.RETAINED


def test_one_open_transfer_and_sensible_targets(demo, member):
    membership, owner = member
    transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    with pytest.raises(Conflict) as exc:
        transfers.transfer_request(
            actor=demo.user("enterprise_staff"), membership=membership, to_org=demo.org("福保街道")
        )
    assert exc.value.code == "transfer_open"
    Transfer.objects.update(status=TransferStatus.CANCELLED)
    for target, code in (
        (demo.org("河套科创工会"), "same_union"),
        (demo.org("宝安区总"), "not_a_union_to_join"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            transfers.transfer_request(actor=owner, membership=membership, to_org=target)
        assert exc.value.code == code
    assert Transfer.objects.filter(status=TransferStatus.REQUESTED).count() == 0


def test_a_closed_membership_cannot_be_transferred_again(demo, member):
    membership, owner = member
    tr = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    transfers.transfer_accept(actor=None, transfer=tr)
    with pytest.raises(Conflict) as exc:
        transfers.transfer_request(
            actor=owner, membership=Membership.objects.get(pk=membership.pk), to_org=demo.org("福保街道")
        )
    assert exc.value.code == "not_active_member"
    with pytest.raises(Conflict) as exc:
        transfers.transfer_accept(actor=None, transfer=tr)
    assert exc.value.code == "invalid_transition"


def test_reject_needs_a_reason_and_cancel_is_the_requesters(demo, member):
    membership, owner = member
    tr = transfers.transfer_request(
        actor=demo.user("enterprise_staff"), membership=membership, to_org=demo.org("臣田园区")
    )
    with pytest.raises(ValidationFailed) as exc:
        transfers.transfer_reject(actor=None, transfer=tr, reason="")
    assert exc.value.code == "reason_required"
    for stranger in (owner, demo.user("xixiang_staff"), None):
        with pytest.raises(NotFound):
            transfers.transfer_cancel(actor=stranger, transfer=tr)
    assert (
        transfers.transfer_cancel(actor=demo.user("enterprise_staff"), transfer=tr).status
        == TransferStatus.CANCELLED
    )
    tr2 = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    rejected = transfers.transfer_reject(
        actor=demo.user("xixiang_staff"), transfer=tr2, reason="不在本园区工作"
    )
    assert rejected.status == TransferStatus.REJECTED and rejected.rejection_reason == "不在本园区工作"
    assert Membership.objects.get(pk=membership.pk).status == MemberStatus.MEMBER


def test_only_the_receiving_union_decides(demo, member):
    membership, owner = member
    tr = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    # the sending union sees it but may not accept: 403; a unit with no part in it: 404
    with pytest.raises(PermissionDenied):
        access_transfer(actor=demo.user("enterprise_staff"), id=tr.pk, cap=Cap.MEMBERS_REVIEW, side="to")
    with pytest.raises(NotFound):
        access_transfer(actor=demo.user("expert_demo"), id=tr.pk)
    with pytest.raises(NotFound):
        access_transfer(actor=demo.user("futian_staff"), id="not-a-uuid")
    assert access_transfer(actor=demo.user("baoan_staff"), id=tr.pk, cap=Cap.MEMBERS_REVIEW, side="to") == tr
    assert list(transfer_list(actor=demo.user("futian_staff"), direction="out")) == [tr]
    assert list(transfer_list(actor=demo.user("futian_staff"), direction="in")) == []
    assert list(transfer_list(actor=demo.user("xixiang_staff"))) == [tr]
    assert list(transfer_list(actor=demo.user("expert_demo"))) == []


def test_the_member_is_told_the_decision_after_commit(demo, member, django_capture_on_commit_callbacks):
    membership, owner = member
    sms.outbox.clear()
    tr = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        transfers.transfer_reject(actor=None, transfer=tr, reason="")
    assert sms.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        transfers.transfer_reject(actor=demo.user("xixiang_staff"), transfer=tr, reason="不在本园区工作")
    to_name = demo.org("臣田园区").name
    assert sms.outbox == [
        {"phone": "13900005555", "template": "transfer_rejected", "params": {"org": to_name}}
    ]
    tr2 = transfers.transfer_request(actor=owner, membership=membership, to_org=demo.org("臣田园区"))
    with django_capture_on_commit_callbacks(execute=True):
        transfers.transfer_accept(actor=demo.user("xixiang_staff"), transfer=tr2)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        transfers.transfer_accept(actor=None, transfer=tr2)
    assert sms.outbox[1:] == [
        {"phone": "13900005555", "template": "transfer_accepted", "params": {"org": to_name}}
    ]
    sms.outbox.clear()
