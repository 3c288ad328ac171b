"""The three ledgers (三台账) as dated views over the registry's history.

- transfer (农村劳动力转移就业台账): the status in effect on the date is local, migrant or
  flexible employment;
- unemployed (未就业人员台账): the status in effect is "not employed";
- assistance (重点对象帮扶台账): an assistance flag is in effect on the date.

"In effect on d" is starts_on <= d < ends_on (ends_on None: open). Each ledger on a date is one
query walking the registry in ledger order with an EXISTS over each person's periods. Entries and exits
in a period compare each boundary's before and after, with the reason (the status or flag)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import LEDGER_STATUSES, AssistanceKind, EmploymentStatus, Ledger
from ..models import Assistance, RegistryPerson, StatusPeriod
from ..sorting import LEDGER_ORDER


def in_effect(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": on})
    )


# a ledger of at most this many people is read by its ids and sorted (cheap at this size); a
# bigger one is walked along the ledger-order index, which finds a page among the first rows
SORT_AT_MOST = 2000


def ledger_q(ledger: str, on: dt.date) -> Q:
    """A Q on RegistryPerson: in `ledger` on `on` (a probe of the person's periods or flags, on
    the (entry, starts_on) indexes)."""
    if ledger == Ledger.ASSISTANCE:
        return Q(Exists(Assistance.objects.filter(in_effect(on), entry=OuterRef("pk"))))
    statuses = LEDGER_STATUSES[Ledger(ledger)]
    return Q(Exists(StatusPeriod.objects.filter(in_effect(on), status__in=statuses, entry=OuterRef("pk"))))


def _listed_q(ledger: str, on: dt.date) -> Q:
    """The same as ledger_q, as an IN list drawn from the periods' (or flags') side: the status
    index finds the people in effect without visiting the others."""
    if ledger == Ledger.ASSISTANCE:
        return Q(pk__in=Assistance.objects.filter(in_effect(on)).values("entry_id"))
    statuses = LEDGER_STATUSES[Ledger(ledger)]
    return Q(pk__in=StatusPeriod.objects.filter(in_effect(on), status__in=statuses).values("entry_id"))


def _in_scope(actor: Any, unit: Org | None) -> QuerySet[RegistryPerson]:
    """Records in the actor's labour.view scope (and `unit`'s subtree) as `org_id IN (units)`:
    the units' own paths decide; the copied path only narrows a walk of the order index."""
    qs = RegistryPerson.objects.filter(org__in=Org.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("")))
    if unit is not None:
        within = Org.objects.filter(subtree_q(unit.path))
        qs = qs.filter(subtree_q(unit.path, "sort_path"), org__in=within)
    return qs


def ledger_on(
    *, actor: Any, ledger: str, on: dt.date, unit: Org | None = None, size: int | None = None
) -> QuerySet[RegistryPerson]:
    """Who was in `ledger` on `on`, among the records in the actor's labour.view scope (and
    `unit`'s subtree), in ledger order (village, group, household, pinyin, id).

    The order is the stored key of labour.sorting. A page walks the index
    labour_person_ledger_order from its start, probing each person's periods (a correlated
    EXISTS: an IN list would be built whole first), and stops when it is full. When the caller
    knows the ledger's `size` (ledger_count) and it is at most SORT_AT_MOST — a sparse ledger,
    where the walk would pass many people not in it — the people are listed by id from the
    periods' side instead and the few sorted."""
    qs = _in_scope(actor, unit)
    if size is not None and size <= SORT_AT_MOST:
        ids = list(qs.filter(_listed_q(ledger, on)).values_list("pk", flat=True)[: SORT_AT_MOST + 1])
        if len(ids) <= SORT_AT_MOST:
            qs = RegistryPerson.objects.filter(pk__in=ids)
        else:  # it grew since it was counted
            qs = qs.filter(ledger_q(ledger, on))
    else:
        qs = qs.filter(ledger_q(ledger, on))
    return qs.select_related("person", "org", "household").order_by(*LEDGER_ORDER)


def ledger_count(*, actor: Any, ledger: str, on: dt.date, unit: Org | None = None) -> int:
    """How many are in ledger_on(...), counted from the periods' (or flags') side, each person's
    unit checked through a join (PostgreSQL plans this faster than `org_id IN (units)`)."""
    qs = RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org"))
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "org__path"))
    return qs.filter(_listed_q(ledger, on)).count()


def ledger_period_status(entries: QuerySet[RegistryPerson], on: dt.date) -> dict[Any, StatusPeriod]:
    """The period in effect on `on` for each of `entries` (for the ledger's columns)."""
    periods = StatusPeriod.objects.filter(in_effect(on), entry__in=entries.values("pk"))
    return {p.entry_id: p for p in periods}


@dataclass
class Change:
    entry_id: Any
    on: dt.date
    entered: bool
    reason: str


def _status_member(ledger: str, status: str) -> bool:
    return status in LEDGER_STATUSES[Ledger(ledger)]


def ledger_changes(
    *, actor: Any, ledger: str, start: dt.date, end: dt.date, unit: Org | None = None
) -> list[Change]:
    """Who entered and who left `ledger` between `start` and `end` (both included), and why:
    the status or flag that brought them in or took them out. Ordered by date."""
    scope = RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org"))
    if unit is not None:
        scope = scope.filter(subtree_q(unit.path, "org__path"))
    if ledger == Ledger.ASSISTANCE:
        return _assistance_changes(scope, start, end)
    starting = list(
        StatusPeriod.objects.filter(entry__in=scope.values("pk"), starts_on__gte=start, starts_on__lte=end)
        .order_by("starts_on")
        .values_list("entry_id", "starts_on", "status")
    )
    previous = {
        (e, d): s
        for e, d, s in StatusPeriod.objects.filter(
            entry_id__in={e for e, _d, _s in starting}, ends_on__gte=start, ends_on__lte=end
        ).values_list("entry_id", "ends_on", "status")
    }
    labels = dict(EmploymentStatus.choices)
    out = []
    for entry_id, on, status in starting:
        before = previous.get((entry_id, on), "")
        was, now = bool(before) and _status_member(ledger, before), _status_member(ledger, status)
        if was != now:
            out.append(Change(entry_id, on, now, str(labels[status])))
    return out


def _assistance_changes(scope: QuerySet[RegistryPerson], start: dt.date, end: dt.date) -> list[Change]:
    flags = list(
        Assistance.objects.filter(entry__in=scope.values("pk"))
        .filter(Q(starts_on__gte=start, starts_on__lte=end) | Q(ends_on__gte=start, ends_on__lte=end))
        .values_list("entry_id", flat=True)
    )
    rows: dict[Any, list[tuple[dt.date, dt.date | None, str]]] = {}
    for e, s, t, k in Assistance.objects.filter(entry_id__in=set(flags)).values_list(
        "entry_id", "starts_on", "ends_on", "kind"
    ):
        rows.setdefault(e, []).append((s, t, k))
    labels = dict(AssistanceKind.choices)
    out = []
    for entry_id, spans in rows.items():
        days = sorted({d for s, t, _k in spans for d in (s, t) if d is not None and start <= d <= end})
        for d in days:
            before, after = _active(spans, d - dt.timedelta(days=1)), _active(spans, d)
            if bool(before) != bool(after):
                kinds = after if after else before
                out.append(Change(entry_id, d, bool(after), "、".join(str(labels[k]) for k in kinds)))
    return sorted(out, key=lambda c: (c.on, str(c.entry_id)))


def _active(spans: list[tuple[dt.date, dt.date | None, str]], on: dt.date) -> list[str]:
    return [k for s, t, k in spans if s <= on and (t is None or t > on)]


def brute_force_ledger(ledger: str, on: dt.date) -> set:
    """Reference for tests and the benchmark's naive way: every record's whole history in Python."""
    found = set()
    if ledger == Ledger.ASSISTANCE:
        for e, s, t in Assistance.objects.values_list("entry_id", "starts_on", "ends_on"):
            if s <= on and (t is None or t > on):
                found.add(e)
        return found
    history: dict[Any, list[tuple[dt.date, str]]] = {}
    for e, s, status in StatusPeriod.objects.values_list("entry_id", "starts_on", "status"):
        history.setdefault(e, []).append((s, status))
    for e, spans in history.items():
        current = [status for s, status in sorted(spans) if s <= on]
        if current and _status_member(ledger, current[-1]):
            found.add(e)
    return found
