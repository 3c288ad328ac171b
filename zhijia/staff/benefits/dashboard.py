"""The funding union's dashboard of a campaign (benefits.view): issued, claimed, redeemed,
redemption rate, face value used and the consumption driven (拉动消费), by day and by merchant as
plain CSS bars (no chart library is vendored)."""

from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhijia.benefits.permissions import access_campaign
from zhijia.benefits.selectors.reports import dashboard
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required

T = "staff/benefits/"


def _bars(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """Each row with `<key>_pct` (0–100) relative to the largest value of that key."""
    tops = {k: max((Decimal(r[k]) for r in rows), default=Decimal(0)) for k in keys}
    out = []
    for row in rows:
        bars = {f"{k}_pct": float(Decimal(row[k]) * 100 / tops[k]) if tops[k] else 0.0 for k in keys}
        out.append({**row, **bars})
    return out


@staff_required
@require_GET
def campaign_dashboard(request, pk):
    campaign = access_campaign(actor=request.user, id=pk, cap=Cap.BENEFITS_VIEW)
    data = dashboard(actor=request.user, campaign=campaign)
    context = {
        "c": campaign,
        "d": data,
        "rate_pct": round(data["redemption_rate"] * 100, 1),
        "issued_pct": round(data["issued"] * 100 / data["total"], 1) if data["total"] else 0,
        "by_day": _bars(data["by_day"], ("issued", "redeemed", "consumption")),
        "by_merchant": _bars(data["by_merchant"], ("redeemed", "consumption")),
        "can_manage": scope_for(request.user, Cap.BENEFITS_MANAGE).contains(campaign.org),
    }
    return render(request, T + "dashboard.html", context)
