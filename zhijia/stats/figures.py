"""Figures for a unit's subtree and a period, read from the rollup cells (stats.fold) — the one
source of every number the dashboards, the API, the reports and the work-report paragraph show.

Callers first resolve the unit with stats.access.access_stats_org (records.view; 404 outside
scope). Counts of sensitive sources (hardship, legal, counselling) from 1 to 4 are shown as "<5"
to anyone who does not hold a grant on the unit itself (ARCHITECTURE rule 15)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from pyroaring import BitMap

from zhijia.orgs.models import Org
from zhijia.records.enums import MEMBERSHIP_SOURCES, SENSITIVE_SOURCES, RecordSource
from zhijia.records.models import LEVELS, ServiceRecord, Unfolded

from .fold import DAY_DIMS, SHANGHAI, slice_days
from .models import Dim, FoldState, StatCell, StatPerson
from .periods import cover, month_start, next_month

SUPPRESSED = "<5"
BREAKDOWNS = ("child", "month", "source", "service", "worker_type", "sex", "age_band", "position")
COLUMN = {
    Dim.SOURCE: "source",
    Dim.SERVICE: "service_code",
    Dim.WORKER_TYPE: "worker_type",
    Dim.SEX: "sex",
    Dim.AGE_BAND: "age_band",
    Dim.POSITION: "position_id",
}


def cells(org_ids: Any, first: date, last: date, dim: str = "") -> Any:
    """The cells covering [first, last] for the units `org_ids` in slice `dim`."""
    years, months, days = cover(first, last)
    period_q = (
        Q(period="y", start__in=years) | Q(period="m", start__in=months) | Q(period="d", start__in=days)
    )
    return StatCell.objects.filter(period_q, org_id__in=list(org_ids), dim=dim)


def _zero() -> dict[str, Any]:
    return {"service_visits": 0, "people_served": 0, "amount": Decimal(0), "driven": Decimal(0)}


class Group:
    __slots__ = ("amount", "driven", "people", "visits")

    def __init__(self) -> None:
        self.visits, self.amount, self.driven, self.people = 0, Decimal(0), Decimal(0), BitMap()

    def figures(self) -> dict[str, Any]:
        return {
            "service_visits": self.visits,
            "people_served": len(self.people),
            "amount": self.amount,
            "driven": self.driven,
        }


def grouped(
    org_ids: Any, first: date, last: date, dim: str, key: str = "value", *, people: bool = True
) -> dict[Any, dict[str, Any]]:
    """{group: {"service_visits", "people_served", "amount", "driven"}} over the cells, grouped by
    the cell's `value` (a slice) or `org_id` (a unit). 服务人数 is the size of the union of the
    group's bitmaps: exact, never a sum. A slice's edge days at the levels without day cells
    come from the ledger (edge_rows). Without `people`, the bitmaps stay unread (a cold read's
    bulk at the top of the tree) and people_served is left 0."""
    org_ids = list(org_ids)
    found: dict[Any, Group] = defaultdict(Group)
    found_cells = cells(org_ids, first, last, dim)
    if not people:
        found_cells = found_cells.defer("people")
    for cell in found_cells:
        group = found[getattr(cell, key)]
        group.visits += cell.visits
        group.amount += cell.amount
        group.driven += cell.driven
        if people and cell.people:
            group.people |= BitMap.deserialize(bytes(cell.people))
    days = cover(first, last)[2]
    if days and dim not in DAY_DIMS:
        edge_rows(org_ids, days, dim, key, found)
    return {group: figures.figures() for group, figures in found.items()}


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _raw_levels(org_id: Any) -> Q:
    """Ledger rows in which `org_id` sits at a level without slice day cells (fold.slice_days):
    l4…l6, or the credited unit itself when deeper than l7. Every arm has a ledger index."""
    q = Q()
    for level in range(LEVELS):
        if not slice_days(level):
            q |= Q(**{f"l{level}": org_id})
    deeper = Q(org_id=org_id)
    for level in range(LEVELS):
        deeper &= ~Q(**{f"l{level}": org_id})
    return q | deeper


def edge_rows(org_ids: list[Any], days: list[date], dim: str, key: str, found: dict[Any, Group]) -> None:
    """Adds to `found` the counted (no longer queued) ledger rows of `days` (a custom period's edges: at
    most two partial months) in which a unit of `org_ids` sits at a level the fold keeps no slice
    day cells for — a street's or grassroots unit's rows, few by construction. A person counts for a
    value if their rows of some day net positive, as in the day cells' bitmaps."""
    column = COLUMN[Dim(dim)]
    spans = Q()
    for a, b in _runs(days):
        spans |= Q(
            occurred_at__gte=datetime.combine(a, time.min, SHANGHAI),
            occurred_at__lt=datetime.combine(b + timedelta(days=1), time.min, SHANGHAI),
        )
    net: dict[tuple[Any, date, str], int] = defaultdict(int)
    for org_id in org_ids:
        rows = (
            ServiceRecord.objects.filter(_raw_levels(org_id), spans)
            .exclude(source__in=MEMBERSHIP_SOURCES)
            .exclude(pk__in=Unfolded.objects.values("record_id"))
            .values_list(column, "person_key", "occurred_at", "qty", "amount", "driven")
        )
        for value, person, occurred_at, qty, amount, driven in rows:
            if value is None:  # no station: the row has no position cell
                continue
            group_key = str(value) if key == "value" else org_id
            group = found[group_key]
            group.visits += qty
            group.amount += amount or 0
            group.driven += driven or 0
            if person:
                net[(group_key, occurred_at.astimezone(SHANGHAI).date(), person)] += qty
    counted = {(g, person) for (g, _day, person), n in net.items() if n > 0}
    numbers = dict(
        StatPerson.objects.filter(key__in={person for _g, person in counted}).values_list("key", "id")
    )
    for group_key, person in counted:
        if person in numbers:
            found[group_key].people.add(numbers[person])


def total(org: Org, first: date, last: date) -> dict[str, Any]:
    return grouped([org.pk], first, last, Dim.TOTAL).get("") or _zero()


def members_at(org: Org, day: date) -> int:
    """Members of the subtree at the end of `day`: the net of every membership row up to it (the
    years before, this year's months before, this month's days)."""
    month = month_start(day)
    year = month.replace(month=1)
    spans = (
        Q(period="y", start__lt=year)
        | Q(period="m", start__gte=year, start__lt=month)
        | Q(period="d", start__gte=month, start__lte=day)
    )
    mine = StatCell.objects.filter(spans, org_id=org.pk, dim=Dim.MEMBERSHIP)
    return mine.aggregate(n=Sum("visits"))["n"] or 0


def as_of() -> Any:
    """The time up to which the figures are complete: now when nothing waits to be folded, else
    the end of the last fold."""
    if not Unfolded.objects.exists():
        return timezone.now()
    state = FoldState.objects.filter(pk=1).first()
    return state.folded_at if state else None


def summary(org: Org, first: date, last: date) -> dict[str, Any]:
    """The key figures of `org`'s subtree for [first, last] (the API's /stats/summary)."""
    from .domain import activities_held, orders_delivered

    everything = total(org, first, last)
    by_source = grouped([org.pk], first, last, Dim.SOURCE, people=False)  # 人次 and money only
    membership = grouped([org.pk], first, last, Dim.MEMBERSHIP, people=False)
    voucher = by_source.get(RecordSource.VOUCHER) or _zero()
    held = activities_held(org, first, last)
    orders = orders_delivered(org, first, last)

    def moved(kind: str) -> int:
        return abs((membership.get(kind) or _zero())["service_visits"])

    return {
        "service_visits": everything["service_visits"],
        "people_served": everything["people_served"],
        "activities_held": held["activities"],
        "trainings_held": held["trainings"],
        "activity_participants": (by_source.get(RecordSource.ACTIVITY) or _zero())["service_visits"],
        "members_end": members_at(org, last),
        "members_joined": moved("join"),
        "members_transferred_in": moved("transfer_in"),
        "members_transferred_out": moved("transfer_out"),
        "members_left": moved("leave"),
        "vouchers_redeemed": voucher["service_visits"],
        "consumption_driven": voucher["driven"],
        "orders_delivered": orders["delivered"],
        "budget_spent": orders["spent"],
        "help_given": sum(((by_source.get(s) or _zero())["amount"] for s in SENSITIVE_SOURCES), Decimal(0)),
    }


def is_sensitive(code: Any) -> bool:
    """A source or service code of a sensitive source ("hardship", "legal:mediation"…)."""
    return str(code).split(":", 1)[0] in SENSITIVE_SOURCES


def suppress(items: list[dict[str, Any]], exact: bool) -> list[dict[str, Any]]:
    """Counts of 1–4 in sensitive items become "<5" unless `exact` (the viewer's own unit)."""
    if not exact:
        for item in items:
            if is_sensitive(item["key"]):
                for field in ("service_visits", "people_served"):
                    if 0 < item[field] < 5:
                        item[field] = SUPPRESSED
    return items


def _months(org: Org, first: date, last: date) -> list[dict[str, Any]]:
    items = []
    start = month_start(first)
    while start <= last:
        a, b = max(start, first), min(last, next_month(start) - timedelta(days=1))
        items.append({"key": start.strftime("%Y-%m"), "label": start.strftime("%Y-%m"), **total(org, a, b)})
        start = next_month(start)
    return items


def _children(org: Org, first: date, last: date) -> list[dict[str, Any]]:
    """Each direct child with its subtree's figures as credited through it, then "self": what was
    credited to the unit itself. A unit that has since moved away keeps its past line here
    (history stays where it happened), so the items always add up to the summary."""
    groups = grouped([org.pk], first, last, Dim.CHILD)
    children = {str(c.pk): c for c in Org.objects.filter(parent=org).order_by("path")}
    moved = set(groups) - set(children) - {"self"}
    if moved:
        children.update({str(c.pk): c for c in Org.objects.filter(pk__in=moved)})
    items = [
        {"key": key, "label": child.display_name, **(groups.get(key) or _zero())}
        for key, child in children.items()
    ]
    items.append({"key": "self", "label": org.display_name, **(groups.get("self") or _zero())})
    return items


def breakdown(org: Org, first: date, last: date, by: str, *, exact: bool) -> list[dict[str, Any]]:
    """Items of `by` (BREAKDOWNS) for `org`'s subtree and [first, last]; each {"key", "label",
    "service_visits", "people_served", "amount", "driven"}. Slices are ordered by 人次."""
    from .labels import labels

    if by == "child":
        return _children(org, first, last)
    if by == "month":
        return _months(org, first, last)
    groups = grouped([org.pk], first, last, by)
    names = labels(by, list(groups))
    items = [{"key": key, "label": names[key], **figures} for key, figures in groups.items()]
    items.sort(key=lambda item: (-item["service_visits"], str(item["key"])))
    return suppress(items, exact)
