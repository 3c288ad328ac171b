"""/api/v1/stats: figures of a unit's subtree for a period, read from the statistics rollups.

Staff with records.view on the unit: 404 outside the caller's scope, 403 inside without it; 400
naming `from`, `to` or `by` for bad values. Counts are integers, money a decimal string in yuan;
small counts of sensitive sources are the string "<5" outside the viewer's own unit."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhijia.stats.selectors import stats_breakdown, stats_summary

router = Router(tags=["statistics"])
# `from` is a Python keyword: it is read from the query string directly.


def _plain(value: Any) -> Any:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def _head(data: dict[str, Any]) -> dict[str, Any]:
    org = data["org"]
    return {
        "org": {"id": str(org.pk), "name": org.name},
        "from": data["from"].isoformat(),
        "to": data["to"].isoformat(),
    }


@router.get("/stats/summary")
def summary(request: HttpRequest, org: str = "", to: str = "") -> dict[str, Any]:
    """Key figures: service_visits (服务人次), people_served (服务人数, exact), activities_held,
    activity_participants, members_end, members_joined, vouchers_redeemed, consumption_driven
    (yuan), orders_delivered, and more."""
    data = stats_summary(actor=request.user, org_id=org, first=request.GET.get("from", ""), last=to)
    as_of = data.pop("as_of")
    figures = {k: _plain(v) for k, v in data.items() if k not in {"org", "from", "to"}}
    return {**_head(data), "as_of": as_of.isoformat() if as_of else None, **figures}


@router.get("/stats/breakdown")
def breakdown(request: HttpRequest, org: str = "", to: str = "", by: str = "") -> dict[str, Any]:
    """Items by child (each direct child's subtree, plus "self": what is credited to the unit
    itself — the items add up to the summary), month, source, service, worker_type, sex,
    age_band or position (station)."""
    data = stats_breakdown(actor=request.user, org_id=org, first=request.GET.get("from", ""), last=to, by=by)
    items = [{k: _plain(v) for k, v in item.items()} for item in data["items"]]
    return {**_head(data), "by": data["by"], "items": items}
