"""A person's vouchers and lottery entries in their own export and their anonymisation
(members.services.rights.register_person_data, called by BenefitsConfig.ready: members may not
import benefits).

The export holds the vouchers the person claimed or won, each with its redemptions (where, the
bill, the face value, any reversal), and their lottery registrations.

Anonymised, the person's unused vouchers are revoked (nobody is left to use them, and a code copied
before must not be redeemed); the vouchers, redemptions and lottery entries stay with their dates,
amounts and statuses: stock, the campaign reports, the merchants' settlement and the service ledger
counted them. What was typed about the person goes — the reasons staff gave for revoking a voucher
or reversing a redemption — and so do the links to the person's own login account (the claiming
account and its idempotency key)."""

from typing import Any

from django.db import transaction

from .. import cache
from ..models import LotteryEntry, Redemption, Voucher
from .vouchers import vouchers_void


def _redemption(r: Redemption) -> dict[str, Any]:
    return {
        "merchant": r.outlet.merchant.name,
        "outlet": r.outlet.name,
        "bill": r.bill,
        "face_value": r.face_value,
        "at": r.at,
        "reversed_at": r.reversed_at,
        "reverse_reason": r.reverse_reason,
    }


def _voucher(v: Voucher) -> dict[str, Any]:
    return {
        "campaign": v.campaign.title,
        "union": v.campaign.org.name,
        "kind": v.campaign.kind,
        "code": v.code,
        "status": v.status,
        "face_value": v.face_value,
        "threshold": v.threshold,
        "claimed_at": v.claimed_at,
        "valid_from": v.valid_from,
        "expires_at": v.expires_at,
        "redeemed_at": v.redeemed_at,
        "closed_at": v.closed_at,
        "reason": v.reason,
        "redemptions": [_redemption(r) for r in v.redemptions.all()],
    }


def vouchers_export(person: Any) -> dict[str, Any]:
    """The person's own vouchers (with their redemptions) and lottery entries."""
    vouchers = (
        Voucher.objects.filter(person=person)
        .select_related("campaign__org")
        .prefetch_related("redemptions__outlet__merchant")
        .order_by("claimed_at")
    )
    entries = LotteryEntry.objects.filter(person=person).select_related("campaign").order_by("created_at")
    return {
        "vouchers": [_voucher(v) for v in vouchers],
        "lottery_entries": [
            {
                "campaign": e.campaign.title,
                "number": e.number,
                "status": e.status,
                "rank": e.rank,
                "registered_at": e.created_at,
            }
            for e in entries
        ],
    }


def _forget_held(held: set[tuple[Any, Any]]) -> None:
    for campaign_id, user_id in held:
        cache.forget_held(campaign_id, user_id)


def vouchers_anonymise(person: Any) -> None:
    """Revoke the unused vouchers (vouchers_void), clear the typed reasons and the account links;
    every voucher, redemption and entry stays.
    The claim cache's "already holds one" marks of the unlinked account go on commit, so that
    account is not refused should it later belong to someone else."""
    vouchers_void(person)
    mine = Voucher.objects.filter(person=person)
    held = set(mine.exclude(user=None).values_list("campaign_id", "user_id"))
    mine.update(reason="", user=None, idempotency_key="")
    transaction.on_commit(lambda: _forget_held(held))
    Redemption.objects.filter(voucher__person=person).update(reverse_reason="")
    LotteryEntry.objects.filter(person=person).update(user=None)
