"""Staff actions on single vouchers: revoke (已撤销); a deleted person's unused vouchers revoked."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import busy_as_conflict, field_error
from zhijia.core.masking import mask_name

from .. import cache
from ..enums import VoucherStatus
from ..models import Voucher
from ._common import invalid


@busy_as_conflict
@transaction.atomic
def voucher_revoke(*, actor: Any, voucher: Voucher, reason: str) -> Voucher:
    """Claimed → revoked (e.g. claimed by mistake or fraud), with a reason (required). Needs
    benefits.manage on the funding union. The voucher's claim key is freed (the person may
    claim again while stock lasts); the stock is not returned. Locks the voucher. Audited
    `voucher.revoke`."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give a reason."), code="required")
    revoked = _revoke(voucher, reason)
    if revoked is None:
        raise invalid(_("Only a voucher that has not been used can be revoked."))
    audit_log(
        actor=actor,
        action="voucher.revoke",
        obj=revoked,
        org=revoked.campaign.org,
        data={"reason": revoked.reason, "holder": mask_name(revoked.person.name)},
    )
    return revoked


def vouchers_void(person: Any) -> int:
    """A deleted person's unused vouchers (person_anonymise, through the benefits' rights hook):
    each is revoked, so a code shown or copied before cannot be redeemed for someone who is no
    longer there; the stock is not returned (as voucher_revoke). Audited `voucher.revoke`
    (why: anonymised). Returns how many."""
    unused = Voucher.objects.filter(person=person, status=VoucherStatus.CLAIMED).order_by("pk")
    count = 0
    for voucher in unused:
        if (revoked := _revoke(voucher, "")) is not None:
            org = revoked.campaign.org
            audit_log(actor=None, action="voucher.revoke", obj=revoked, org=org, data={"why": "anonymised"})
            count += 1
    return count


def _revoke(voucher: Voucher, reason: str) -> Voucher | None:
    """Lock the voucher; claimed → revoked (None if it is not claimed any more), its claim key
    freed; the claim cache's mark goes on commit."""
    voucher = (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("campaign__org", "person")
        .get(pk=voucher.pk)
    )
    if voucher.status != VoucherStatus.CLAIMED:
        return None
    voucher.status = VoucherStatus.REVOKED
    voucher.closed_at = timezone.now()
    voucher.reason = reason[:300]
    voucher.claim_key = f"{voucher.claim_key}~{voucher.pk.hex[:12]}"[:80]
    voucher.save(update_fields=["status", "closed_at", "reason", "claim_key", "updated_at"])
    campaign_id, user_id = voucher.campaign_id, voucher.user_id
    transaction.on_commit(lambda: cache.forget_held(campaign_id, user_id))
    return voucher
