"""Access to benefits objects (one permission layer: zhijia.orgs.access). 404 for a missing or
malformed id and for anything outside the actor's scope, 403 inside it without the capability.

- campaigns, vouchers, lottery entries: placed by the funding union (campaign.org);
- merchants, outlets, cashiers, reconciliations: placed by the signing union (merchant.org);
- a till: benefits.redeem on the merchant's union AND a Cashier row for that outlet (both or
  404 — a cashier sees nothing of other shops);
- a redemption: the cashier of its outlet, or benefits.manage on the funding union;
- a worker reaches only vouchers and entries of their own Person."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from .models import Campaign, Cashier, LotteryEntry, Merchant, Outlet, Redemption, Voucher


def _uuid_or_404(value: Any) -> uuid.UUID:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def _found(obj: Any) -> Any:
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def access_campaign(*, actor: Any, id: Any, cap: str = Cap.BENEFITS_MANAGE) -> Campaign:
    """Campaign `id` for staff holding `cap` on its funding union (subtree grants count)."""
    campaign = _found(
        Campaign.objects.select_related("org", "eligible_org").filter(pk=_uuid_or_404(id)).first()
    )
    check(actor, cap, campaign.org)
    return campaign


def access_merchant(*, actor: Any, id: Any, cap: str = Cap.BENEFITS_MANAGE) -> Merchant:
    """Merchant `id` for staff holding `cap` on its signing union."""
    merchant = _found(Merchant.objects.select_related("org").filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, merchant.org)
    return merchant


def access_outlet(*, actor: Any, id: Any, cap: str = Cap.BENEFITS_MANAGE) -> Outlet:
    """Outlet `id` for staff holding `cap` on its merchant's union."""
    outlet = _found(Outlet.objects.select_related("merchant__org").filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, outlet.merchant.org)
    return outlet


def access_cashier(*, actor: Any, id: Any, cap: str = Cap.BENEFITS_MANAGE) -> Cashier:
    """A Cashier row (user ↔ outlet) for staff holding `cap` on the merchant's union."""
    cashier = _found(
        Cashier.objects.select_related("user", "outlet__merchant__org").filter(pk=_uuid_or_404(id)).first()
    )
    check(actor, cap, cashier.outlet.merchant.org)
    return cashier


def access_voucher(*, actor: Any, id: Any, cap: str = Cap.BENEFITS_MANAGE) -> Voucher:
    """Voucher `id` for staff holding `cap` on the campaign's funding union."""
    voucher = _found(
        Voucher.objects.select_related("campaign__org", "person", "round").filter(pk=_uuid_or_404(id)).first()
    )
    check(actor, cap, voucher.campaign.org)
    return voucher


def is_cashier(user: Any, outlet: Outlet) -> bool:
    """`user` may redeem at `outlet`: benefits.redeem on the merchant's union and a Cashier row;
    the outlet and merchant active."""
    if not getattr(user, "is_authenticated", False) or not outlet.active or not outlet.merchant.active:
        return False
    if not scope_for(user, Cap.BENEFITS_REDEEM).contains(outlet.merchant.org):
        return False
    return Cashier.objects.filter(user_id=user.pk, outlet_id=outlet.pk).exists()


def ensure_cashier(user: Any, outlet: Outlet) -> None:
    if not is_cashier(user, outlet):
        raise NotFound(code="not_found")


def access_outlet_as_cashier(*, user: Any, id: Any) -> Outlet:
    """Outlet `id` for a cashier of it (404 otherwise)."""
    outlet = _found(Outlet.objects.select_related("merchant__org").filter(pk=_uuid_or_404(id)).first())
    ensure_cashier(user, outlet)
    return outlet


def access_redemption(*, actor: Any, id: Any) -> Redemption:
    """Redemption `id` for the cashier of its outlet, or staff with benefits.manage on the
    campaign's funding union (404 outside the actor's scope, 403 inside without the cap)."""
    redemption = _found(
        Redemption.objects.select_related(
            "outlet__merchant__org", "voucher__campaign__org", "voucher__person", "cashier"
        )
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if is_cashier(actor, redemption.outlet):
        return redemption
    check(actor, Cap.BENEFITS_MANAGE, redemption.voucher.campaign.org)
    return redemption


def own_voucher(*, user: Any, id: Any) -> Voucher:
    """One of the worker's own vouchers (their Person's); 404 for anything else."""
    pk = parse_uuid(id)
    if pk is None or not getattr(user, "is_authenticated", False):
        raise NotFound(code="not_found")
    return _found(
        Voucher.objects.select_related("campaign", "round")
        .filter(pk=pk, person__user=user, person__anonymised_at__isnull=True)
        .first()
    )


def own_entry(*, user: Any, id: Any) -> LotteryEntry:
    """One of the worker's own lottery entries; 404 for anything else."""
    pk = parse_uuid(id)
    if pk is None or not getattr(user, "is_authenticated", False):
        raise NotFound(code="not_found")
    return _found(
        LotteryEntry.objects.select_related("campaign", "voucher")
        .filter(pk=pk, person__user=user, person__anonymised_at__isnull=True)
        .first()
    )
