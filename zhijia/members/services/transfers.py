"""Transfers between unions (会籍转接).

Requested by the member (the worker whose account is linked to the person) or by staff of the
sending union (members.manage on the membership's union); accepted or rejected by the receiving
union (members.review on `to_org`); cancelled by whoever requested it. One open transfer per
membership (constraint `one_open_transfer`). On acceptance the old membership is closed before
the new one is created, in one transaction, so the person never has two active memberships
(constraint `one_active_membership`). The member is told the receiving union's decision by SMS
after it commits (members.notices.notify); Zhijia never tells the employer.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, field_error
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import ACTIVE_STATUSES, MemberStatus, TransferStatus
from ..models import Membership, Transfer
from ..notices import notify
from .events import event_create
from .joining import JOINABLE_LEVELS, clean_reason
from .people import lock_active_union, member_no_issue


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def transfer_request(*, actor: Any, membership: Membership, to_org: Org, reason: str = "") -> Transfer:
    """Ask to move an active membership to `to_org` (an active grassroots, street or park
    union). Caller: the member, or staff with members.manage on membership.org (checked by the
    interface). 409 `not_active_member`, `transfer_open`; 400 `same_union`,
    `not_a_union_to_join`. Locks the membership row. Audits transfer.request."""
    locked = Membership.objects.select_for_update().select_related("org").get(pk=membership.pk)
    if locked.status not in ACTIVE_STATUSES:
        raise Conflict(_("Only an active membership can be transferred."), code=error_codes.NOT_ACTIVE_MEMBER)
    if to_org.pk == locked.org_id:
        raise field_error(
            "to_org_id", _("The membership is already with this union."), code=error_codes.SAME_UNION
        )
    if to_org.status != OrgStatus.ACTIVE or to_org.level not in JOINABLE_LEVELS:
        raise field_error(
            "to_org_id", _("This is not a union you can join here."), code=error_codes.NOT_A_UNION_TO_JOIN
        )
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                membership=locked,
                from_org=locked.org,
                to_org=to_org,
                requested_by=_user(actor),
                reason=" ".join(str(reason or "").split())[:500],
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A transfer of this membership is already waiting for a decision."),
            code=error_codes.TRANSFER_OPEN,
        ) from exc
    audit_log(
        actor=actor, action="transfer.request", obj=transfer, org=locked.org, data={"to_org": to_org.pk}
    )
    return transfer


def _locked_open(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update()
        .select_related("membership", "from_org", "to_org")
        .filter(pk=transfer.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    if locked.status != TransferStatus.REQUESTED:
        raise Conflict(_("This transfer has already been decided."), code=error_codes.INVALID_TRANSITION)
    return locked


def _close(tr: Transfer, actor: Any, status: str) -> None:
    tr.status = status
    tr.decided_by = _user(actor)
    tr.decided_at = timezone.now()
    fields = ["status", "decided_by", "decided_at", "new_membership", "rejection_reason", "updated_at"]
    tr.save(update_fields=fields)


@transaction.atomic
def transfer_accept(*, actor: Any, transfer: Transfer) -> Transfer:
    """The receiving union accepts (caller: staff with members.review on transfer.to_org). The
    old membership becomes `transferred_out` (ended today) first, then the new one is created
    with the same status (member or retained), the original joined date and a new member number
    from the receiving union; the old number is kept in the history note. Events on both. Locks
    the transfer, then the membership. 409 `invalid_transition` if decided, `not_active_member`
    if the membership changed meanwhile. Audits transfer.accept. After commit the member gets
    the SMS notice `transfer_accepted` {org}."""
    tr = _locked_open(transfer)
    lock_active_union(tr.to_org)
    old = Membership.objects.select_for_update().get(pk=tr.membership_id)
    if old.status not in ACTIVE_STATUSES or old.org_id != tr.from_org_id:
        raise Conflict(_("The membership is no longer active here."), code=error_codes.NOT_ACTIVE_MEMBER)
    today, who = timezone.localdate(), _user(actor)
    status = old.status
    old.status, old.ended_on = MemberStatus.TRANSFERRED_OUT, today
    old.save(update_fields=["status", "ended_on", "updated_at"])
    new = Membership.objects.create(
        person_id=old.person_id,
        org=tr.to_org,
        status=status,
        member_no=member_no_issue(tr.to_org, today),
        joined_on=old.joined_on or today,
    )
    note_out = f"transferred to {tr.to_org.name}; new member number {new.member_no}"
    note_in = f"transferred from {tr.from_org.name}; previous member number {old.member_no or '-'}"
    for membership, kind, note in ((old, "transferred_out", note_out), (new, "transferred_in", note_in)):
        event_create(
            membership=membership, kind=kind, from_org=tr.from_org, to_org=tr.to_org, actor=who, note=note
        )
    tr.new_membership = new
    _close(tr, actor, TransferStatus.ACCEPTED)
    audit_log(
        actor=actor,
        action="transfer.accept",
        obj=tr,
        org=tr.to_org,
        data={"old_member_no": old.member_no, "new_member_no": new.member_no},
    )
    notify(new.person, "transfer_accepted", {"org": tr.to_org.name})
    return tr


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """The receiving union refuses, with a reason (400 `reason_required`) kept in
    `rejection_reason` and shown to the requester. Caller: staff with
    members.review on transfer.to_org. 409 `invalid_transition` if decided. Audited. After
    commit the member gets the SMS notice `transfer_rejected` {org}."""
    text = clean_reason(reason)
    tr = _locked_open(transfer)
    tr.rejection_reason = text  # the requester's own `reason` stays as they wrote it
    _close(tr, actor, TransferStatus.REJECTED)
    audit_log(actor=actor, action="transfer.reject", obj=tr, org=tr.to_org, data={"reason": text})
    notify(tr.membership.person, "transfer_rejected", {"org": tr.to_org.name})
    return tr


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer) -> Transfer:
    """Whoever requested the transfer withdraws the request (anyone else: 404). 409
    `invalid_transition` if decided. Audited."""
    user = _user(actor)
    if user is None or transfer.requested_by_id != user.pk:
        raise NotFound()
    tr = _locked_open(transfer)
    _close(tr, actor, TransferStatus.CANCELLED)
    audit_log(actor=actor, action="transfer.cancel", obj=tr, org=tr.from_org)
    return tr
