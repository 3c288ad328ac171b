"""The e-member card: a signed, expiring token (shown as a QR) that staff scan to identify a
member without seeing their identity number or phone.

The token is `<membership id>:<timestamp>:<signature>` from a TimestampSigner with its own
salt; it is valid for CARD_MAX_AGE and the card page fetches a fresh one every minute.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import NotFound, ValidationFailed
from zhijia.core.masking import mask_name
from zhijia.core.models import AuditOutcome
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap

from .. import error_codes
from ..enums import ACTIVE_STATUSES
from ..models import Membership, Person

CARD_SALT = "zhijia.members.card"
CARD_MAX_AGE = timedelta(minutes=5)
CARD_REFRESH_SECONDS = 60


@dataclass(frozen=True)
class CardToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class CardCheck:
    """What a scanning staff member learns: never the identity number or phone."""

    valid: bool
    masked_name: str
    org_name: str
    member_no: str
    status: str
    joined_on: date | None


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CARD_SALT)


def person_of(user: Any) -> Person | None:
    """The worker's own person record (Person.user), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user, anonymised_at__isnull=True).first()


def card_membership(*, user: Any) -> Membership:
    """The logged-in worker's active membership, union fetched; 404 not_a_member without one."""
    membership = (
        Membership.objects.select_related("org", "person")
        .filter(person__user=user, person__anonymised_at__isnull=True, status__in=ACTIVE_STATUSES)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise NotFound(_("You are not a union member yet."), code="not_a_member")
    return membership


def card_token_issue(*, membership: Membership) -> CardToken:
    """A fresh token for the member's own card. Pure signing: nothing is stored."""
    token = _signer().sign(str(membership.pk))
    return CardToken(token=token, expires_at=timezone.now() + CARD_MAX_AGE)


def _card_error(code: str) -> ValidationFailed:
    if code == error_codes.CARD_EXPIRED:
        msg = _("This member card code has expired. Ask the member to refresh the card.")
    else:
        msg = _("This is not a valid member card code.")
    return ValidationFailed(msg, code=code, fields={"token": [msg]})


def _membership_from(token: str) -> Membership:
    try:
        value = _signer().unsign(token.strip(), max_age=CARD_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise _card_error(error_codes.CARD_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise _card_error(error_codes.CARD_INVALID) from exc
    membership = Membership.objects.select_related("org", "person").filter(pk=value).first()
    if membership is None:
        raise _card_error(error_codes.CARD_INVALID)
    return membership


def card_person(*, token: str, field: str = "card_token") -> Person:
    """The person of an active, not anonymised membership named by a member-card code, for
    services that act on a scanned card (station visits, activity check-in, enrolling on a
    member's behalf). 400 card_invalid / card_expired on `field`. No capability check and no
    audit: the calling service checks access and audits its own action."""
    try:
        membership = _membership_from(str(token or "")[:500])
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code=exc.code, fields={field: [str(exc.message)]}) from exc
    if membership.status not in ACTIVE_STATUSES or membership.person.anonymised_at is not None:
        msg = _("This member card is not valid: the membership is not active.")
        raise ValidationFailed(msg, code=error_codes.CARD_INVALID, fields={field: [msg]})
    return membership.person


def card_verify(*, actor: Any, token: str) -> CardCheck:
    """Staff identify a member from a scanned card. Any staff member with members.view somewhere
    may check a card of any union (service stations serve everyone); 403 otherwise. A tampered
    code is 400 card_invalid, an old one 400 card_expired. Every check, good or bad, writes
    `member.card_verify` (failures with outcome failure)."""
    require_cap(actor, Cap.MEMBERS_VIEW)
    try:
        membership = _membership_from(str(token or "")[:500])
    except ValidationFailed as exc:
        audit_log(
            actor=actor, action="member.card_verify", outcome=AuditOutcome.FAILURE, data={"code": exc.code}
        )
        raise
    person = membership.person
    result = CardCheck(
        valid=membership.status in ACTIVE_STATUSES and person.anonymised_at is None,
        masked_name=mask_name(person.name),
        org_name=membership.org.name,
        member_no=membership.member_no or "",
        status=membership.status,
        joined_on=membership.joined_on,
    )
    with transaction.atomic():
        audit_log(actor=actor, action="member.card_verify", obj=membership, data={"valid": result.valid})
    return result
