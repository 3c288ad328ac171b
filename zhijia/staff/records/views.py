"""The service ledger (服务人次) in the console: filters, totals by source / day / visitor group,
the records page by page (the person masked), and an xlsx export of the filtered rows.
Everything comes from records.selectors, scoped to where the user holds records.view."""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhijia.core.imports import Column, workbook_bytes
from zhijia.core.masking import mask_name
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.positions.enums import VisitorGroup, VisitService
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.selectors import position_list
from zhijia.records.enums import RecordSource
from zhijia.records.selectors import record_export_rows, record_list, record_totals
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import xlsx_response

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
T = "staff/records/"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _filters(request, unit) -> dict:
    get = request.GET
    today = timezone.now().astimezone(SHANGHAI).date()
    date_to = _date(get.get("date_to")) or today
    date_from = _date(get.get("date_from")) or date_to - timedelta(days=29)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return {
        "org": unit.pk,
        "source": get.get("source") if get.get("source") in RecordSource.values else "",
        "visitor_group": get.get("visitor_group") if get.get("visitor_group") in VisitorGroup.values else "",
        "position_id": get.get("position", "")[:40],
        "date_from": date_from,
        "date_to": date_to,
    }


def _row(record, groups: dict, services: dict, stations: dict) -> dict:
    return {
        "r": record,
        "when": timezone.localtime(record.occurred_at, SHANGHAI),
        "source": record.get_source_display(),
        "who": mask_name(record.person.name) if record.person_id and record.person else "",
        "group": str(groups.get(record.visitor_group, record.visitor_group or "")),
        "services": ", ".join(str(services.get(s, s)) for s in record.services or ()),
        "station": stations.get(record.position_id, ""),
    }


def _bars(pairs) -> list[dict]:
    top = max((n for _k, n in pairs), default=0) or 1
    return [{"label": k, "n": n, "pct": round(100 * n / top)} for k, n in pairs]


def _context(request):
    require_cap(request.user, Cap.RECORDS_VIEW)
    unit = unit_with(request, Cap.RECORDS_VIEW)
    f = _filters(request, unit)
    query = {k: v for k, v in f.items() if v}
    stations = {p.pk: p.name for p in position_list(actor=request.user, filters={"org": unit.pk})[:500]}
    labels = {
        "groups": dict(VisitorGroup.choices),
        "services": dict(VisitService.choices),
        "stations": stations,
    }
    return unit, f, query, labels


@staff_required
@require_GET
def record_list_view(request):
    unit, f, query, labels = _context(request)
    totals = record_totals(actor=request.user, filters=query)
    rows = record_list(actor=request.user, filters=query).select_related("person")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sources = dict(RecordSource.choices)
    link = request.GET.copy()
    link.pop("page", None)
    context = {
        "unit": unit,
        "f": f,
        "sources": RecordSource.choices,
        "groups": VisitorGroup.choices,
        "stations": sorted(labels["stations"].items(), key=lambda kv: kv[1]),
        "totals": totals,
        "by_source": _bars([(str(sources.get(k, k)), n) for k, n in totals["by_source"].items()]),
        "by_day": _bars([(d.isoformat(), n) for d, n in totals["by_day"]]),
        "by_group": _bars(
            [
                (str(labels["groups"].get(k, k)) if k else _("Not given"), n)
                for k, n in totals["by_group"].items()
            ]
        ),
        "page": page,
        "rows": [_row(r, labels["groups"], labels["services"], labels["stations"]) for r in page],
        "query": link.urlencode(),
    }
    return render(request, T + "list.html", context)


def export_columns() -> tuple[Column, ...]:
    return (
        Column("time", _("Time")),
        Column("source", _("Source")),
        Column("title", _("Service")),
        Column("union", _("Union")),
        Column("station", _("Station")),
        Column("person", _("Person")),
        Column("group", _("Visitor group")),
        Column("services", _("Services given")),
        Column("count", _("Count")),
    )


@staff_required
@require_GET
def record_export(request):
    """The filtered rows as xlsx (at most EXPORT_LIMIT; persons masked). Audited as record.export."""
    unit, _filters_shown, query, labels = _context(request)
    rows = record_export_rows(actor=request.user, org=unit, filters=query, limit=EXPORT_LIMIT)
    shown = [_row(r, labels["groups"], labels["services"], labels["stations"]) for r in rows]
    content = workbook_bytes(
        title=_("Service ledger"),
        columns=export_columns(),
        rows=(
            (
                s["when"].strftime("%Y-%m-%d %H:%M"),
                s["source"],
                s["r"].title,
                s["r"].org.name,
                s["station"],
                s["who"],
                s["group"],
                s["services"],
                s["r"].count,
            )
            for s in shown
        ),
    )
    return xlsx_response(content, "service-ledger.xlsx")
