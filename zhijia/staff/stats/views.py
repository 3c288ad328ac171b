"""The dashboard of the current unit (the console home) and the tables behind its charts.

Every number comes from zhijia.stats.selectors (the entry point the API uses too): the same
request answers the same in both. The unit shown is `?org=` (drill down) or the current unit;
the period `?period=month|quarter|year|stat_year&on=YYYY-MM-DD` or `?from=&to=`."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhijia.core.errors import ApplicationError
from zhijia.core.imports import Column, workbook_bytes
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import org_chain
from zhijia.positions.selectors.lists import positions_by_ids
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit
from zhijia.stats.paragraph import work_paragraph
from zhijia.stats.periods import month_start, named_period
from zhijia.stats.selectors import stats_breakdown, stats_summary
from zhijia.web import positions as display
from zhijia.web.responses import xlsx_response

PERIODS = ("month", "quarter", "year", "stat_year")


def _period(request) -> tuple[str, date, date]:
    """(kind, from, to) from the query: explicit from/to win; else a named period around `on`."""
    get = request.GET
    if get.get("from") or get.get("to"):
        return "custom", get.get("from", ""), get.get("to", "")  # type: ignore[return-value]
    kind = get.get("period") if get.get("period") in PERIODS else "year"
    try:
        on = date.fromisoformat(get.get("on", "")) if get.get("on") else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    first, last = named_period(kind, on)
    return kind, first, last


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _change(now: Any, before: Any) -> int | None:
    if not isinstance(now, int | Decimal) or not isinstance(before, int | Decimal) or not before:
        return None
    return round(100 * (now - before) / before)


def _crumbs(request, org: Org) -> list[Org]:
    """The units from the highest the user can see down to `org`, for drilling back up."""
    scope = scope_for(request.user, Cap.RECORDS_VIEW)
    return [unit for unit in org_chain(org) if scope.contains(unit)]


def figures_context(request) -> dict[str, Any] | None:
    """What the dashboard shows, or None when the user may not read figures of the current unit
    (the home page then shows the plain list of what they can do)."""
    unit = current_unit(request)
    if unit is None or not scope_for(request.user, Cap.RECORDS_VIEW).contains(unit):
        return None
    kind, first, last = _period(request)
    org_id = request.GET.get("org") or str(unit.pk)
    try:
        summary = stats_summary(actor=request.user, org_id=org_id, first=first, last=last)
    except ApplicationError as exc:
        if exc.status != 400:
            raise
        kind, (first, last) = "year", named_period("year", timezone.localdate())
        summary = stats_summary(actor=request.user, org_id=org_id, first=first, last=last)
    org, first, last = summary["org"], summary["from"], summary["to"]
    before = stats_summary(
        actor=request.user, org_id=org.pk, first=_year_before(first), last=_year_before(last)
    )
    trend_from = month_start(month_start(last) - timedelta(days=330))
    cards = [
        (key, label, summary[key], _change(summary[key], before[key]))
        for key, label in (
            ("service_visits", _("Services given (人次)")),
            ("people_served", _("People served (人数)")),
            ("activities_held", _("Activities held")),
            ("activity_participants", _("Activity participants")),
            ("members_end", _("Members")),
            ("members_joined", _("Members joined")),
            ("vouchers_redeemed", _("Vouchers redeemed")),
            ("consumption_driven", _("Consumption driven (yuan)")),
            ("orders_delivered", _("Expert services delivered")),
        )
    ]
    query = {"org": str(org.pk), "from": first.isoformat(), "to": last.isoformat()}

    def by(dim: str, since: date = first) -> list[dict[str, Any]]:
        return stats_breakdown(actor=request.user, org_id=org.pk, first=since, last=last, by=dim)["items"]

    worker_types = by("worker_type")
    new_form = next((i["service_visits"] for i in worker_types if i["key"] == "new_form"), 0)
    return {
        "org": org,
        "crumbs": _crumbs(request, org),
        "period": kind,
        "periods": _period_labels(),
        "first": first,
        "last": last,
        "as_of": summary["as_of"],
        "cards": cards,
        "query": query,
        "paragraph": work_paragraph(org, first, last, summary, new_form if isinstance(new_form, int) else 0),
        "trend": by("month", min(trend_from, first)),
        "children": by("child"),
        "sources": by("source"),
        "worker_types": worker_types,
        "stations": _station_map(by("position")),
    }


def _station_map(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The period's stations on a map, each circle's area in proportion to its 人次 (the top 200),
    or None when no station served anyone."""
    visits = {str(i["key"]): i["service_visits"] for i in items if isinstance(i["service_visits"], int)}
    top = sorted((n, key) for key, n in visits.items() if n > 0)[-200:]
    if not top:
        return None
    most = top[-1][0]
    markers = []
    for position in positions_by_ids([key for _n, key in top]):
        n = visits[str(position.pk)]
        marker = display.marker(
            position,
            url=reverse("staff:position_detail", args=[position.pk]),
            extra=_("%(n)s services given") % {"n": n},
        )
        markers.append({**marker, "size": round(6 + 18 * (n / most) ** 0.5, 1), "open": True})
    return display.map_config(markers) if markers else None


def _period_labels() -> list[tuple[str, str]]:
    return [
        ("month", _("This month")),
        ("quarter", _("This quarter")),
        ("year", _("This year")),
        ("stat_year", _("Statistical year (Oct–Sep)")),
    ]


TABLE_BY = ("child", "month", "source", "service", "worker_type", "sex", "age_band", "position")


@staff_required
@require_GET
def table_xlsx(request):
    """The table behind a dashboard chart as xlsx: ?org=&from=&to=&by= (the API's breakdown)."""
    data = stats_breakdown(
        actor=request.user,
        org_id=request.GET.get("org", ""),
        first=request.GET.get("from", ""),
        last=request.GET.get("to", ""),
        by=request.GET.get("by", ""),
    )
    columns = [
        Column("label", _("Item")),
        Column("service_visits", _("Services given (人次)")),
        Column("people_served", _("People served (人数)")),
        Column("amount", _("Amount (yuan)")),
        Column("driven", _("Consumption driven (yuan)")),
    ]
    rows = [
        [i["label"], i["service_visits"], i["people_served"], i["amount"], i["driven"]] for i in data["items"]
    ]
    return xlsx_response(
        workbook_bytes(title=_("Figures"), columns=columns, rows=rows), f"stats-{data['by']}.xlsx"
    )
