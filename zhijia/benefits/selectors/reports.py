"""The funding union's dashboard and the merchant's daily reconciliation (benefits.view)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhijia.core.masking import mask_name
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from ..codes import mask_code
from ..enums import VoucherStatus
from ..models import Campaign, Merchant, Redemption, Voucher
from .vouchers import day_bounds

ZERO = Decimal("0.00")
S = VoucherStatus


def _view(actor: Any, org: Any) -> None:
    """benefits.view there (benefits.manage also reads): 404 / 403 otherwise."""
    if scope_for(actor, Cap.BENEFITS_MANAGE).contains(org):
        return
    check(actor, Cap.BENEFITS_VIEW, org)


def dashboard(*, actor: Any, campaign: Campaign) -> dict[str, Any]:
    """The campaign's figures for its funding union: total; issued (vouchers given out and not
    revoked: claimed + redeemed + expired); claimed (held, not yet used); redeemed; expired;
    revoked; redemption_rate (redeemed / issued, 0..1); face_value_used and consumption (sum of
    bills, 拉动消费) over live redemptions; by_day [{day, issued, redeemed, face_value,
    consumption}] (local days); by_merchant [{merchant_id, name, redeemed, face_value,
    consumption}]. Four aggregate queries."""
    _view(actor, campaign.org)
    counts = dict.fromkeys(S.values, 0)
    for status, n in (
        Voucher.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk")).order_by()
    ):
        counts[status] = n
    issued = counts[S.CLAIMED] + counts[S.REDEEMED] + counts[S.EXPIRED]
    live = Redemption.objects.filter(voucher__campaign=campaign, reversed_at__isnull=True)
    sums = live.aggregate(face=Sum("face_value"), bills=Sum("bill"))
    tz = timezone.get_current_timezone()
    days: dict[dt.date, dict[str, Any]] = {}

    def day_row(day: dt.date) -> dict[str, Any]:
        return days.setdefault(
            day, {"day": day, "issued": 0, "redeemed": 0, "face_value": ZERO, "consumption": ZERO}
        )

    claimed_by_day = (
        Voucher.objects.filter(campaign=campaign)
        .exclude(status=S.REVOKED)
        .annotate(day=TruncDate("claimed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in claimed_by_day:
        day_row(row["day"])["issued"] = row["n"]
    redeemed_by_day = (
        live.annotate(day=TruncDate("at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"), face=Sum("face_value"), bills=Sum("bill"))
        .order_by()
    )
    for row in redeemed_by_day:
        entry = day_row(row["day"])
        entry.update(redeemed=row["n"], face_value=row["face"] or ZERO, consumption=row["bills"] or ZERO)
    by_merchant = [
        {
            "merchant_id": row["outlet__merchant_id"],
            "name": row["outlet__merchant__name"],
            "redeemed": row["n"],
            "face_value": row["face"] or ZERO,
            "consumption": row["bills"] or ZERO,
        }
        for row in live.values("outlet__merchant_id", "outlet__merchant__name")
        .annotate(n=Count("pk"), face=Sum("face_value"), bills=Sum("bill"))
        .order_by("-n", "outlet__merchant__name")
    ]
    return {
        "total": campaign.total,
        "issued": issued,
        "claimed": counts[S.CLAIMED],
        "redeemed": counts[S.REDEEMED],
        "expired": counts[S.EXPIRED],
        "revoked": counts[S.REVOKED],
        "redemption_rate": (counts[S.REDEEMED] / issued) if issued else 0.0,
        "face_value_used": sums["face"] or ZERO,
        "consumption": sums["bills"] or ZERO,
        "by_day": [days[d] for d in sorted(days)],
        "by_merchant": by_merchant,
    }


def reconciliation_rows(*, actor: Any, merchant: Merchant, day: dt.date) -> list[dict[str, Any]]:
    """Every redemption at the merchant's outlets on local `day`, oldest first (reversed ones
    too, marked): {id, at, outlet, campaign, funding_union, code (masked), holder (masked),
    face_value, bill, to_pay (bill − face value, not below 0), cashier, reversed (bool),
    reversed_at}. benefits.view (or manage) on the merchant's union."""
    _view(actor, merchant.org)
    start, end = day_bounds(day)
    rows = (
        Redemption.objects.filter(outlet__merchant=merchant, at__gte=start, at__lt=end)
        .select_related("outlet", "voucher__campaign__org", "voucher__person", "cashier")
        .order_by("at")
    )
    return [
        {
            "id": r.pk,
            "at": timezone.localtime(r.at),
            "outlet": r.outlet.name,
            "campaign": r.voucher.campaign.title,
            "funding_union": r.voucher.campaign.org.display_name,
            "code": mask_code(r.voucher.code),
            "holder": mask_name(r.voucher.person.name),
            "face_value": r.face_value,
            "bill": r.bill,
            "to_pay": r.to_pay,
            "cashier": (r.cashier.display_name or r.cashier.get_username()) if r.cashier else "",
            "reversed": r.reversed_at is not None,
            "reversed_at": timezone.localtime(r.reversed_at) if r.reversed_at else None,
        }
        for r in rows
    ]


def reconciliation_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over the live (not reversed) rows: count, face_value, bill, to_pay."""
    live = [r for r in rows if not r["reversed"]]
    return {
        "count": len(live),
        "face_value": sum((r["face_value"] for r in live), ZERO),
        "bill": sum((r["bill"] for r in live), ZERO),
        "to_pay": sum((r["to_pay"] for r in live), ZERO),
    }


__all__ = ["dashboard", "reconciliation_rows", "reconciliation_totals"]
