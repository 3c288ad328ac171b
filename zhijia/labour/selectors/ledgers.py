"""The three ledgers (三台账) as dated views over the registry's history.

- transfer (农村劳动力转移就业台账): the status in effect on the date is local, migrant or
  flexible employment;
- unemployed (未就业人员台账): the status in effect is "not employed";
- assistance (重点对象帮扶台账): an assistance flag is in effect on the date.

"In effect on d" is starts_on <= d < ends_on (ends_on None: open). Entries and exits in a period
compare each boundary's before and after, with the reason (the status or flag).

A ledger on a date is read three ways, none of which depends on a query planner's guess of how
many people are in it:

- its count (ledger_count) from the periods' index (org, status, starts_on, ends_on): a status
  period carries its record's village (labour.sorting keeps the copy) and a person is in one
  period on a date, so it is one count over the scope's villages without visiting the people;
- a page (ledger_pages, for web.counted.Counted) walks the ledger-order index
  labour_person_ledger_order from Python: the registry ids of the scope in ledger order, read
  in keyset chunks of simple index ranges, each chunk checked against the ledger in one query
  on the periods' (entry, starts_on) index, until the page is full;
- the whole ledger (ledger_on: the xlsx export, and a page the walk would reach too slowly —
  a ledger of at most SORT_AT_MOST people, or a page deep in a sparse one) is listed from the
  periods' side and sorted by the stored key."""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from zhijia.orgs.access import Scope, scope_for
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


# a ledger of at most this many people is listed and sorted (cheap at this size) rather than walked
SORT_AT_MOST = 2000
# the walk reads chunks of CHUNK to CHUNK_MAX registry rows, sized by the ledger's density so far;
# when a page would need more than max(WALK_AT_MOST, the ledger's size) rows walked, the ledger
# is listed and sorted instead (a deep page, or a ledger that is sparse where the walk is)
CHUNK, CHUNK_MAX, WALK_AT_MOST = 500, 5000, 20000


def _units(actor: Any, unit: Org | None) -> QuerySet[Org]:
    """The villages (and any unit) in the actor's labour.view scope, and in `unit`'s subtree."""
    units = Org.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q(""))
    return units.filter(subtree_q(unit.path)) if unit is not None else units


def _listed_q(ledger: str, on: dt.date, units: QuerySet[Org]) -> Q:
    """A Q on RegistryPerson: in `ledger` on `on`, as an IN list drawn from the periods' (or
    flags') side (the periods of the scope's villages, on their count index)."""
    if ledger == Ledger.ASSISTANCE:
        return Q(pk__in=Assistance.objects.filter(in_effect(on)).values("entry_id"))
    statuses = LEDGER_STATUSES[Ledger(ledger)]
    periods = StatusPeriod.objects.filter(in_effect(on), status__in=statuses, org__in=units)
    return Q(pk__in=periods.values("entry_id"))


def _in_scope(actor: Any, unit: Org | None) -> QuerySet[RegistryPerson]:
    """Records in the actor's labour.view scope (and `unit`'s subtree) as `org_id IN (units)`:
    the units' own paths decide; the copied path only narrows the rows read."""
    qs = RegistryPerson.objects.filter(org__in=_units(actor, None))
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "sort_path"), org__in=_units(actor, unit))
    return qs


def ledger_on(*, actor: Any, ledger: str, on: dt.date, unit: Org | None = None) -> QuerySet[RegistryPerson]:
    """Who was in `ledger` on `on`, among the records in the actor's labour.view scope (and
    `unit`'s subtree), in ledger order (village, group, household, pinyin, id): the whole
    ledger, listed from the periods' side and sorted by the stored key of labour.sorting."""
    qs = _in_scope(actor, unit).filter(_listed_q(ledger, on, _units(actor, unit)))
    return qs.select_related("person", "org", "household").order_by(*LEDGER_ORDER)


def ledger_count(*, actor: Any, ledger: str, on: dt.date, unit: Org | None = None) -> int:
    """How many are in ledger_on(...). A status ledger counts the periods in effect of the
    scope's villages on their index (a person is in one period on a date: they tile time); the
    assistance ledger (a person may hold two flags) counts the people with a flag in effect."""
    units = _units(actor, unit)
    if ledger == Ledger.ASSISTANCE:
        return RegistryPerson.objects.filter(org__in=units).filter(_listed_q(ledger, on, units)).count()
    statuses = LEDGER_STATUSES[Ledger(ledger)]
    return StatusPeriod.objects.filter(in_effect(on), status__in=statuses, org__in=units).count()


def ledger_pages(
    *, actor: Any, ledger: str, on: dt.date, unit: Org | None = None, size: int
) -> "LedgerPages":
    """ledger_on(...) a page at a time, for web.counted.Counted; `size` is ledger_count(...)."""
    return LedgerPages(actor, ledger, on, unit, size)


@dataclass(frozen=True)
class _Span:
    """A run of the ledger order: the records under `path` (its subtree, or `path` alone)."""

    path: str
    subtree: bool

    def holds(self, path: str) -> bool:
        return path.startswith(self.path) if self.subtree else path == self.path


def _spans(scope: Scope, unit: Org | None) -> list[_Span]:
    """The scope (and `unit`'s subtree) as disjoint runs of sort_path, in path order."""
    spans = [_Span(p, True) for p in scope.subtree_paths] + [_Span(p, False) for p in scope.exact_paths]
    if unit is not None:
        inside = []
        for span in spans:
            if span.path.startswith(unit.path):
                inside.append(span)
            elif span.subtree and unit.path.startswith(span.path):
                inside.append(_Span(unit.path, True))
        spans = inside
    return sorted(set(spans), key=lambda s: s.path)


# The walk's two queries are raw SQL over these columns: through the ORM, an IN list of thousands
# of UUIDs is prepared value by value and each row converted back, several times the query's own
# time; here the ids stay as the database gives them (the page's few are converted at the end).
def _columns(model: Any, *names: str) -> list[str]:
    fields = [model._meta.pk if n == "pk" else model._meta.get_field(n) for n in names]
    return [connection.ops.quote_name(f.column) for f in fields]


def _after(last: tuple) -> list[tuple[str, list[Any]]]:
    """The rows after `last` in the ledger order, as index ranges in order (SQL and parameters:
    equalities on the leading columns and one inequality, so both databases start the index scan
    there). A household number may be NULL: its rows come first on SQLite, last on PostgreSQL."""
    path, group, household, pinyin, pk = last
    c_path, c_group, c_household, c_pinyin, c_id = _columns(RegistryPerson, *LEDGER_ORDER)
    block = f"{c_path} = %s AND {c_group} = %s"
    if household is None:
        same, same_args = f"{block} AND {c_household} IS NULL", [path, group]
    else:
        same, same_args = f"{block} AND {c_household} = %s", [path, group, household]
    out = [
        (f"{same} AND {c_pinyin} = %s AND {c_id} > %s", [*same_args, pinyin, pk]),
        (f"{same} AND {c_pinyin} > %s", [*same_args, pinyin]),
    ]
    nulls_last = connection.features.nulls_order_largest
    if household is None:
        if not nulls_last:
            out.append((f"{block} AND {c_household} IS NOT NULL", [path, group]))
    else:
        out.append((f"{block} AND {c_household} > %s", [path, group, household]))
        if nulls_last:
            out.append((f"{block} AND {c_household} IS NULL", [path, group]))
    return [*out, (f"{c_path} = %s AND {c_group} > %s", [path, group]), (f"{c_path} > %s", [path])]


def _chunk(span: _Span, last: tuple | None, n: int) -> tuple[list[tuple], bool]:
    """Up to `n` keys of `span` after `last` (from its start when None), in ledger order, and
    whether the span ended."""
    columns = ", ".join(_columns(RegistryPerson, *LEDGER_ORDER))
    table = connection.ops.quote_name(RegistryPerson._meta.db_table)
    c_path = _columns(RegistryPerson, "sort_path")[0]
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for where, args in [(f"{c_path} >= %s", [span.path])] if last is None else _after(last):
            sql = f"SELECT {columns} FROM {table} WHERE {where} ORDER BY {columns} LIMIT %s"  # noqa: S608 - quoted model columns
            cursor.execute(sql, [*args, n - len(rows)])
            rows += cursor.fetchall()
            if len(rows) >= n:
                break
    inside = 0
    while inside < len(rows) and span.holds(rows[inside][0]):
        inside += 1
    return rows[:inside], inside < len(rows) or len(rows) < n


class LedgerPages:
    """A dated ledger for Django's Paginator and ninja's paginate (through Counted): [a:b] gives
    the records of ledger_on(...)[a:b]. The walk finds the first b people of the ledger; when
    it would read too many rows for that (see WALK_AT_MOST) the ledger is sorted instead."""

    def __init__(self, actor: Any, ledger: str, on: dt.date, unit: Org | None, size: int):
        self.actor, self.ledger, self.on, self.unit, self.size = actor, ledger, on, unit, size

    def __getitem__(self, window: slice) -> list[RegistryPerson]:
        start, stop = window.start or 0, window.stop
        if stop is None:
            return list(ledger_on(actor=self.actor, ledger=self.ledger, on=self.on, unit=self.unit)[start:])
        if self.size <= SORT_AT_MOST:
            ids = self._listed()
            rows = RegistryPerson.objects.filter(pk__in=ids).order_by(*LEDGER_ORDER)[start:stop]
            return self._visible(list(rows.select_related("person", "org", "household")))
        walked = self.walk(stop)
        if walked is None:
            whole = ledger_on(actor=self.actor, ledger=self.ledger, on=self.on, unit=self.unit)
            return list(whole[start:stop])
        ids = [RegistryPerson._meta.pk.to_python(pk) for pk in walked[start:]]
        rows = (
            RegistryPerson.objects.filter(pk__in=ids).order_by().select_related("person", "org", "household")
        )
        found = {e.pk: e for e in rows}
        return self._visible([found[pk] for pk in ids if pk in found])

    def _listed(self) -> list[Any]:
        """The ids of a small ledger, from the periods' count index (or the flags)."""
        units = _units(self.actor, self.unit)
        if self.ledger == Ledger.ASSISTANCE:
            qs = RegistryPerson.objects.filter(org__in=units).filter(_listed_q(self.ledger, self.on, units))
            return list(qs.order_by().values_list("pk", flat=True))
        statuses = LEDGER_STATUSES[Ledger(self.ledger)]
        periods = StatusPeriod.objects.filter(in_effect(self.on), status__in=statuses, org__in=units)
        return list(periods.order_by().values_list("entry_id", flat=True))

    def _visible(self, rows: list[RegistryPerson]) -> list[RegistryPerson]:
        """The rows read by id, checked against the scope by their villages' own paths (the
        walk and the listing went by the copies; a row they misplaced is left out, never shown)."""
        scope = scope_for(self.actor, Cap.LABOUR_VIEW)
        inside = self.unit.path if self.unit is not None else ""
        return [e for e in rows if scope.contains(e.org) and e.org.path.startswith(inside)]

    def walk(self, want: int) -> list[Any] | None:
        """The ids of the ledger's first `want` people in ledger order (fewer at its end), or
        None when the walk would read more than max(WALK_AT_MOST, size) rows."""
        found: list[Any] = []
        walked, n = 0, min(CHUNK_MAX, max(CHUNK, 2 * want))
        for span in _spans(scope_for(self.actor, Cap.LABOUR_VIEW), self.unit):
            last = None
            while True:
                rows, ended = _chunk(span, last, n)
                if rows:
                    walked += len(rows)
                    inside = self._members([r[-1] for r in rows])
                    found += [r[-1] for r in rows if r[-1] in inside]
                    last = rows[-1]
                if len(found) >= want:
                    return found[:want]
                if ended:
                    break
                per_person = walked / max(len(found), 0.5)  # rows walked per person found
                ahead = math.ceil((want - len(found)) * per_person)
                if walked + ahead > max(WALK_AT_MOST, self.size):
                    return None
                n = min(CHUNK_MAX, max(CHUNK, ahead + ahead // 5))
        return found

    def _members(self, ids: list[Any]) -> set[Any]:
        """Which of `ids` (as the database gives them) are in the ledger on the date: one query
        on the periods' (or flags') (entry, starts_on) index."""
        model: type[Assistance] | type[StatusPeriod]
        if self.ledger == Ledger.ASSISTANCE:
            model, statuses = Assistance, []
        else:
            model, statuses = StatusPeriod, sorted(LEDGER_STATUSES[Ledger(self.ledger)])
        entry, starts, ends = _columns(model, "entry", "starts_on", "ends_on")
        on = connection.ops.adapt_datefield_value(self.on)
        marks = ", ".join(["%s"] * len(ids))
        where = f"{entry} IN ({marks}) AND {starts} <= %s AND ({ends} IS NULL OR {ends} > %s)"
        args = [*ids, on, on]
        if statuses:
            where += f" AND {_columns(model, 'status')[0]} IN ({', '.join(['%s'] * len(statuses))})"
            args += statuses
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {entry} FROM {table} WHERE {where}", args)  # noqa: S608 - quoted model columns
            return {row[0] for row in cursor.fetchall()}


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
