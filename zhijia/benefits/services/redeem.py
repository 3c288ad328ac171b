"""Redemption at the till, and its reversal.

Redeemed at most once, even when two tills scan the same code at once: the voucher's status
changes only by a guarded `UPDATE … SET status = 'redeemed' WHERE id = … AND status =
'claimed' AND <within validity>` (the second till finds 0 rows: 409 not_redeemable), and a
unique constraint allows one live (not reversed) Redemption per voucher. Each redemption is one
service record in the ledger (records, source voucher) and audited. An Idempotency-Key per
cashier replays the first redemption; the same key with another code, bill or outlet is 422
idempotency_mismatch."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import idempotency
from zhijia.core.audit import audit_log
from zhijia.core.errors import (
    Conflict,
    RateLimited,
    ValidationFailed,
    busy_as_conflict,
    field_error,
)
from zhijia.core.masking import mask_name
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add, record_reverse

from .. import cache, codes, error_codes
from ..enums import VoucherStatus
from ..models import Outlet, Redemption, Voucher
from ..permissions import ensure_cashier, is_cashier
from ._common import invalid

DEFAULT_REVERSAL_MINUTES = 30
DEFAULT_BAD_CODE_RATE = 20  # failed code look-ups per cashier per minute (settings.BENEFITS_BAD_CODE_RATE)


def _not_redeemable(message: str) -> Conflict:
    return Conflict(message, code=error_codes.NOT_REDEEMABLE)


def _bad(actor: Any) -> ValidationFailed:
    """A code that is forged, mistyped or unknown; too many in a minute: 429."""
    limit = getattr(settings, "BENEFITS_BAD_CODE_RATE", DEFAULT_BAD_CODE_RATE)
    if cache.throttle("bad-code", getattr(actor, "pk", None), limit=limit):
        raise RateLimited(code="rate_limited")
    return codes.bad_code()


def _find(actor: Any, code: str) -> Voucher:
    """The voucher of a scanned payload or typed code (400 bad_code for anything else)."""
    try:
        plain = codes.parse(code)
    except ValidationFailed:
        raise _bad(actor) from None
    voucher = Voucher.objects.select_related("campaign__org", "person", "round").filter(code=plain).first()
    if voucher is None:
        raise _bad(actor)
    return voucher


def _check(voucher: Voucher, outlet: Outlet, now: dt.datetime) -> None:
    """409 not_redeemable unless the voucher is claimed, within validity and for this outlet."""
    if voucher.status != VoucherStatus.CLAIMED:
        messages: dict[str, str] = {
            VoucherStatus.REDEEMED: _("This voucher has already been used."),
            VoucherStatus.EXPIRED: _("This voucher has expired."),
            VoucherStatus.REVOKED: _("This voucher has been revoked."),
        }
        raise _not_redeemable(messages.get(voucher.status, _("This voucher cannot be used.")))
    if now < voucher.valid_from:
        raise _not_redeemable(_("This voucher cannot be used yet."))
    if now >= voucher.expires_at:
        raise _not_redeemable(_("This voucher has expired."))
    campaign = voucher.campaign
    if not campaign.merchants.filter(pk=outlet.merchant_id).exists():
        raise _not_redeemable(_("This voucher cannot be used at this merchant."))
    if campaign.outlets.exists() and not campaign.outlets.filter(pk=outlet.pk).exists():
        raise _not_redeemable(_("This voucher cannot be used at this outlet."))


def _amount(bill: Any) -> Decimal:
    try:
        amount = Decimal(str(bill)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise field_error("bill", _("Enter the bill in yuan.")) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise field_error("bill", _("Enter the bill in yuan."))
    return amount


def voucher_preview(*, actor: Any, outlet: Outlet, code: str) -> Voucher:
    """For the till screen: the voucher of `code` (signed QR payload or typed code) if it can be
    redeemed at `outlet` now. 404 unless `actor` is a cashier of the outlet; 400 bad_code; 409
    not_redeemable. Writes nothing; the caller masks the holder's name."""
    ensure_cashier(actor, outlet)
    voucher = _find(actor, code)
    _check(voucher, outlet, timezone.now())
    return voucher


def _replay(actor: Any, key: str, outlet: Outlet, code: str, amount: Decimal) -> Redemption | None:
    if not key:
        return None
    found = (
        Redemption.objects.select_related("voucher__campaign", "outlet")
        .filter(cashier_id=actor.pk, idempotency_key=key)
        .first()
    )
    if found is None:
        return None
    asked = {"code": code, "bill": amount, "outlet": outlet}
    stored = {"code": found.voucher.code, "bill": found.bill, "outlet": found.outlet_id}
    return idempotency.replay(found, asked=asked, stored=stored)


@busy_as_conflict
def voucher_redeem(
    *, actor: Any, outlet: Outlet, code: str, bill: Any, idempotency_key: str = ""
) -> Redemption:
    """The cashier `actor` redeems `code` at `outlet` for a bill of `bill` yuan. Refusals: 404
    (not a cashier of the outlet), 400 bill, 400 bad_code (429 after many in a minute), 409
    not_redeemable (used, expired, revoked, not yet valid, another merchant/outlet — also the
    loser of two tills racing), 400 below_threshold (field bill), 422 idempotency_mismatch.
    Writes the Redemption, the ledger's service record (source voucher, credited to the funding
    union) and the audit entry `voucher.redeem` in one transaction."""
    ensure_cashier(actor, outlet)
    key = idempotency.normalise_key(idempotency_key)
    amount = _amount(bill)
    try:
        plain = codes.parse(code)
    except ValidationFailed:
        raise _bad(actor) from None
    if found := _replay(actor, key, outlet, plain, amount):
        return found
    try:
        return _redeem(actor, outlet, plain, amount, key)
    except Conflict:
        # a retry racing its first attempt loses the guarded UPDATE: answer with the first
        if found := _replay(actor, key, outlet, plain, amount):
            return found
        raise


def _redeem(actor: Any, outlet: Outlet, plain: str, amount: Decimal, key: str) -> Redemption:
    voucher = _find(actor, plain)
    now = timezone.now()
    _check(voucher, outlet, now)
    if amount < voucher.threshold:
        message = _("The bill must be at least %(threshold)s yuan for this voucher.") % {
            "threshold": voucher.threshold
        }
        raise ValidationFailed(message, code=error_codes.BELOW_THRESHOLD, fields={"bill": [message]})
    campaign = voucher.campaign
    try:
        with transaction.atomic():
            taken = Voucher.objects.filter(
                pk=voucher.pk, status=VoucherStatus.CLAIMED, valid_from__lte=now, expires_at__gt=now
            ).update(status=VoucherStatus.REDEEMED, redeemed_at=now, updated_at=now)
            if not taken:
                raise _not_redeemable(_("This voucher has already been used."))
            redemption = Redemption.objects.create(
                voucher=voucher,
                outlet=outlet,
                cashier=actor,
                bill=amount,
                face_value=voucher.face_value,
                at=now,
                idempotency_key=key,
            )
            record_add(
                org=campaign.org,
                source=RecordSource.VOUCHER,
                source_id=redemption.pk,
                occurred_at=now,
                title=campaign.title,
                person=voucher.person,
                service_code=f"voucher:{campaign.kind}",
                amount=voucher.face_value,
                driven=amount,
            )
            audit_log(
                actor=actor,
                action="voucher.redeem",
                obj=redemption,
                org=campaign.org,
                data={
                    "voucher": str(voucher.pk),
                    "campaign": str(campaign.pk),
                    "outlet": str(outlet.pk),
                    "holder": mask_name(voucher.person.name),
                    "bill": amount,
                    "face_value": voucher.face_value,
                },
            )
    except IntegrityError as exc:
        if found := _replay(actor, key, outlet, plain, amount):
            return found
        raise _not_redeemable(_("This voucher has already been used.")) from exc
    voucher.status, voucher.redeemed_at = VoucherStatus.REDEEMED, now
    return redemption


def reversal_minutes() -> int:
    return int(getattr(settings, "BENEFITS_REVERSAL_MINUTES", DEFAULT_REVERSAL_MINUTES))


@busy_as_conflict
@transaction.atomic
def redemption_reverse(*, actor: Any, redemption: Redemption, reason: str = "") -> Redemption:
    """Undo a redemption: the voucher is claimed again (usable until it expires), the ledger's
    record of it is cancelled by a reversal row. Who: the cashier of its outlet within settings.
    BENEFITS_REVERSAL_MINUTES (default 30) of redeeming, or staff with benefits.manage on the
    funding union any time before the voucher expires (409 reversal_window otherwise; 404/403
    for anyone else; 409 invalid_transition when already reversed). Locks the redemption, then
    the voucher. Audited `voucher.reverse`."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("outlet__merchant__org", "voucher__campaign__org", "voucher__person")
        .get(pk=redemption.pk)
    )
    voucher = redemption.voucher
    campaign = voucher.campaign
    manager = scope_for(actor, Cap.BENEFITS_MANAGE).contains(campaign.org)
    if not manager and not is_cashier(actor, redemption.outlet):
        check(actor, Cap.BENEFITS_MANAGE, campaign.org)  # 404 / 403
    if redemption.reversed_at is not None:
        raise invalid(_("This redemption has already been reversed."))
    now = timezone.now()
    late = now >= voucher.expires_at or (
        not manager and now > redemption.at + dt.timedelta(minutes=reversal_minutes())
    )
    if late:
        raise Conflict(_("It is too late to reverse this redemption."), code=error_codes.REVERSAL_WINDOW)
    redemption.reversed_at = now
    redemption.reversed_by = actor if getattr(actor, "is_authenticated", False) else None
    redemption.reverse_reason = (reason or "").strip()[:300]
    redemption.save(update_fields=["reversed_at", "reversed_by", "reverse_reason", "updated_at"])
    Voucher.objects.filter(pk=voucher.pk, status=VoucherStatus.REDEEMED).update(
        status=VoucherStatus.CLAIMED, redeemed_at=None, updated_at=now
    )
    # The service was not given after all: the ledger gets a reversal row (never a delete).
    record_reverse(source=RecordSource.VOUCHER, source_id=redemption.pk)
    audit_log(
        actor=actor,
        action="voucher.reverse",
        obj=redemption,
        org=campaign.org,
        data={
            "voucher": str(voucher.pk),
            "reason": redemption.reverse_reason,
            "as": "staff" if manager else "cashier",
        },
    )
    voucher.status, voucher.redeemed_at = VoucherStatus.CLAIMED, None
    return redemption
