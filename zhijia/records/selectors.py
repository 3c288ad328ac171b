"""Reading the service ledger: records of the units where the actor holds records.view (their
subtrees), filtered; and the totals the statistics pages show. Dates are Asia/Shanghai days."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from zhijia.core import dates
from zhijia.core.audit import audit_log
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import Scope, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from .enums import SERVICE_SOURCES, RecordSource
from .models import ServiceRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_day(value: Any, field: str) -> date | None:
    """A date from a filter value (a date or "YYYY-MM-DD"); None when blank; a 400 naming
    `field` otherwise (core.dates, the one date parser)."""
    return dates.parse_day(value, field)


def day_range_q(filters: dict[str, Any], field: str) -> Q:
    """Q for `field` (a datetime) within [date_from 00:00, date_to + 1 day 00:00) Shanghai time."""
    cond = Q()
    first = parse_day(filters.get("date_from"), "date_from")
    last = parse_day(filters.get("date_to"), "date_to")
    if first is not None:
        cond &= Q(**{f"{field}__gte": datetime.combine(first, time.min, SHANGHAI)})
    if last is not None:
        cond &= Q(**{f"{field}__lt": datetime.combine(last + timedelta(days=1), time.min, SHANGHAI)})
    return cond


def org_filter_q(scope: Scope, value: Any, field: str = "org") -> Q | None:
    """Q for the subtree of the org named by `value` (uuid), or None when that org is missing or
    outside `scope` (the caller answers with an empty list, never revealing other units)."""
    org_id = parse_uuid(value)
    org = Org.objects.filter(pk=org_id).first() if org_id else None
    if org is None or not scope.contains(org):
        return None
    return subtree_q(org.path, f"{field}__path")


def record_list(*, actor: Any, filters: dict[str, Any]) -> QuerySet[ServiceRecord]:
    """Service records (membership events aside; reversal rows included, with their negative
    `qty`) of units where `actor` holds records.view, newest first, org fetched. Filters (all
    optional): org (its subtree; outside scope → empty), source, date_from, date_to, position_id,
    visitor_group. A malformed date is a 400 naming the field."""
    scope = scope_for(actor, Cap.RECORDS_VIEW)
    qs = ServiceRecord.objects.filter(scope.q(), source__in=SERVICE_SOURCES).select_related("org")
    if filters.get("org"):
        cond = org_filter_q(scope, filters["org"])
        if cond is None:
            return qs.none()
        qs = qs.filter(cond)
    source = filters.get("source")
    if source:
        if source not in RecordSource.values:
            return qs.none()
        qs = qs.filter(source=source)
    if filters.get("position_id"):
        position_id = parse_uuid(filters["position_id"])
        if position_id is None:
            return qs.none()
        qs = qs.filter(position_id=position_id)
    if filters.get("visitor_group"):
        qs = qs.filter(visitor_group=filters["visitor_group"])
    return qs.filter(day_range_q(filters, "occurred_at")).order_by("-occurred_at", "-id")


def record_totals(*, actor: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Totals over record_list(actor, filters), counting each row's `qty` (a reversal cancels its
    service): {"total": n (服务人次), "people": distinct named people whose service was not
    reversed (服务人数 — anonymous visitors cannot be told apart, so they are not in it),
    "by_source": {source: n}, "by_day": [(date, n)…] oldest first (Shanghai days), "by_group":
    {visitor_group: n} (rows without a group under "")}. Four aggregate queries. The dashboards
    read the statistics rollups (zhijia.stats) instead; this serves the ledger page's filters."""
    qs = record_list(actor=actor, filters=filters).order_by()
    reversed_ = ServiceRecord.objects.filter(
        source=OuterRef("source"), source_id=OuterRef("source_id"), leg="reversal"
    )
    counted = Q(Q(leg="") & ~Q(person_key=""), ~Exists(reversed_))
    people = Count("person_key", distinct=True, filter=counted)
    sums = qs.aggregate(n=Sum("qty"), people=people)
    total = sums["n"] or 0
    by_source = {
        row["source"]: row["n"] for row in qs.values("source").annotate(n=Sum("qty")).order_by("source")
    }
    by_day = [
        (row["day"], row["n"])
        for row in qs.annotate(day=TruncDate("occurred_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(n=Sum("qty"))
        .order_by("day")
    ]
    by_group = {
        row["visitor_group"]: row["n"]
        for row in qs.values("visitor_group").annotate(n=Sum("qty")).order_by("-n")
    }
    return {
        "total": total,
        "people": sums["people"],
        "by_source": by_source,
        "by_day": by_day,
        "by_group": by_group,
    }


def record_export_rows(*, actor: Any, org: Any, filters: dict[str, Any], limit: int) -> list[ServiceRecord]:
    """The rows of record_list(actor, filters), at most `limit`, for an export. A bulk read of
    people's service history, so `record.export` is audited (with the filters and the row count)
    before the rows are returned: if the entry cannot be written, nothing is exported."""
    rows = list(record_list(actor=actor, filters=filters).select_related("person")[:limit])
    data = {key: str(value) for key, value in filters.items()}
    with transaction.atomic():
        audit_log(actor=actor, action="record.export", org=org, data={**data, "rows": len(rows)})
    return rows
