"""/api/v1 redemptions: the merchant's till (商户核销员).

A cashier (role merchant_cashier, benefits.redeem on the merchant's union, and a Cashier row
for the outlet) checks a voucher, redeems it against a bill, and may reverse a redemption
within settings.BENEFITS_REVERSAL_MINUTES; union staff with benefits.manage on the funding union
may reverse until the voucher expires.

- `GET /redemptions/check?code=&outlet_id=` → the voucher as the till shows it (campaign, value,
  minimum bill, masked holder). 404 for an outlet where the caller is not a cashier (also
  another shop's), 400 `bad_code` (forged, altered, mistyped or unknown), 409 `not_redeemable`.
- `POST /redemptions {code, outlet_id, bill}` (header `Idempotency-Key`) → 201 `{id,
  face_value, bill, to_pay, …}`; a retry with the same key and body answers the same
  redemption (201), the same key with another body 422 `idempotency_mismatch`; 400
  `below_threshold` (field bill), `bad_code`; 409 `not_redeemable` (used — also the loser of
  two tills racing —, expired, revoked, another merchant or outlet), `busy`.
- `POST /redemptions/<id>/reverse {reason}` → the reversed redemption; 409 `reversal_window`,
  `invalid_transition` (already reversed).

`code` is what the camera read (the signed QR payload) or the 12-character code typed from the
voucher. Errors are `{"code","message","fields"}`."""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from zhijia.api.schemas import ERRORS_LIMITED as ERRORS
from zhijia.benefits.models import Redemption, Voucher
from zhijia.benefits.permissions import access_outlet_as_cashier, access_redemption
from zhijia.benefits.services.redeem import redemption_reverse, voucher_preview, voucher_redeem
from zhijia.core import idempotency
from zhijia.members.consent import merchant_holder_name

router = Router(tags=["redemptions"])


class CheckIn(Schema):
    code: str = Field(..., min_length=1, max_length=600)
    outlet_id: UUID


class PreviewOut(Schema):
    voucher_id: UUID
    code: str
    campaign_id: UUID
    campaign: str
    kind: str
    face_value: Decimal
    threshold: Decimal = Field(description="Minimum bill (满 X); 0 for none.")
    holder: str = Field(description="Masked (张*) while the holder consents to merchant sharing, else empty.")
    status: str
    expires_at: dt.datetime


def preview_out(voucher: Voucher) -> dict[str, Any]:
    return {
        "voucher_id": voucher.pk,
        "code": voucher.code,
        "campaign_id": voucher.campaign_id,
        "campaign": voucher.campaign.title,
        "kind": voucher.campaign.kind,
        "face_value": voucher.face_value,
        "threshold": voucher.threshold,
        "holder": merchant_holder_name(voucher.person),
        "status": voucher.status,
        "expires_at": voucher.expires_at,
    }


@router.get("/redemptions/check", response={200: PreviewOut, **ERRORS})
def check(request: HttpRequest, query: Query[CheckIn]):
    """The voucher of a scanned or typed code, if it can be redeemed at the outlet now. Writes
    nothing."""
    outlet = access_outlet_as_cashier(user=request.user, id=query.outlet_id)
    return preview_out(voucher_preview(actor=request.user, outlet=outlet, code=query.code))


class RedeemIn(Schema):
    code: str = Field(..., min_length=1, max_length=600)
    outlet_id: UUID
    bill: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, description="The bill in yuan.")


class RedemptionOut(Schema):
    id: UUID
    voucher_id: UUID
    campaign: str
    outlet_id: UUID
    face_value: Decimal
    bill: Decimal
    to_pay: Decimal = Field(description="What the customer pays: bill − face value, not below 0.")
    at: dt.datetime
    reversed_at: dt.datetime | None
    reverse_reason: str


def redemption_out(redemption: Redemption) -> dict[str, Any]:
    return {
        "id": redemption.pk,
        "voucher_id": redemption.voucher_id,
        "campaign": redemption.voucher.campaign.title,
        "outlet_id": redemption.outlet_id,
        "face_value": redemption.face_value,
        "bill": redemption.bill,
        "to_pay": redemption.to_pay,
        "at": redemption.at,
        "reversed_at": redemption.reversed_at,
        "reverse_reason": redemption.reverse_reason,
    }


@router.post("/redemptions", response={201: RedemptionOut, **ERRORS})
def redeem(request: HttpRequest, payload: RedeemIn):
    """Redeem a voucher at the caller's outlet against a bill (optional `Idempotency-Key`:
    a retry with the same body returns the first redemption, another body 422)."""
    outlet = access_outlet_as_cashier(user=request.user, id=payload.outlet_id)
    redemption = voucher_redeem(
        actor=request.user,
        outlet=outlet,
        code=payload.code,
        bill=payload.bill,
        idempotency_key=idempotency.key_from(request.headers),
    )
    return Status(201, redemption_out(redemption))


class ReverseIn(Schema):
    reason: str = Field("", max_length=300)


@router.post("/redemptions/{redemption_id}/reverse", response={200: RedemptionOut, **ERRORS})
def reverse(request: HttpRequest, redemption_id: str, payload: ReverseIn):
    """Undo a redemption: the voucher can be used again. The outlet's cashier within the
    reversal window, or staff with benefits.manage on the funding union before it expires."""
    redemption = access_redemption(actor=request.user, id=redemption_id)
    return redemption_out(
        redemption_reverse(actor=request.user, redemption=redemption, reason=payload.reason)
    )
