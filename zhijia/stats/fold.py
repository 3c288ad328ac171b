"""The statistics fold: counts new ledger rows into the rollup cells (stats.models.StatCell).

Run every 30 seconds by Celery beat (or `manage.py stats_fold`, or the scheduler `make run`
starts), so figures are at most a minute behind the ledger. Producing transactions insert their
ledger row and its records.Unfolded row; the fold takes queued rows — whatever order they
committed in — under the FoldState row lock, counts them and deletes their queue rows in the same
transaction, so two folds never count a row twice and the ledger row is never rewritten.

Each row counts for its credited unit and every ancestor it had at service time (`l0`…`l7`), for
its month and its calendar year, in the total, the child it came through and each slice (source,
service, worker type, sex, age band, station); and for its day in the total and the child at every
unit, but in the slices only at the levels where a day cell gathers many rows (`slice_days`: l0…l3
and l7 — not l4…l6, the streets and grassroots units where a day cell holds a row or two). A custom
period's edge days of a slice at those levels are read from the ledger's own indexed level columns
instead (stats.figures.edge_rows), so every figure stays exact with a third of the cells.

A reversal subtracts its 人次 and money; the person leaves a cell's bitmap only if none of their
other rows in that cell still counts (checked against the person's own ledger rows, so 服务人数 stays
exact), and a year cell's only when they are left in none of its months: a year's people are the
union of its months' (as stats.rebuild.years_rebuild derives them). The cells are written set-based
(`write_cells`): on PostgreSQL one COPY into a staging table and one `INSERT … SELECT … ON CONFLICT
DO UPDATE`, on SQLite one executemany upsert; the bitmaps are merged in Python only for cells whose
people change, read in one query per batch."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from pyroaring import BitMap

from zhijia.records.enums import MEMBERSHIP_SOURCES, RecordSource
from zhijia.records.models import LEVELS, ServiceRecord, Unfolded

from .models import Dim, FoldState, StatCell, StatPerson

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 20000
CHILD, MEMBERSHIP = Dim.CHILD.value, Dim.MEMBERSHIP.value
DAY_DIMS = frozenset({Dim.TOTAL.value, CHILD, MEMBERSHIP})
FIELDS = (
    "id", "org_id", "source", "leg", "qty", "occurred_at", "service_code", "worker_type", "sex",
    "age_band", "position_id", "person_key", "amount", "driven", *[f"l{i}" for i in range(LEVELS)],
)  # fmt: skip
MEMBERSHIP_VALUE = {
    (RecordSource.MEMBER_JOIN, ""): "join",
    (RecordSource.MEMBER_TRANSFER, ""): "transfer_in",
    (RecordSource.MEMBER_TRANSFER, "out"): "transfer_out",
    (RecordSource.MEMBER_LEAVE, "out"): "leave",
}
Key = tuple[Any, str, date, str, str]


def day_of(row: dict[str, Any]) -> date:
    return row["occurred_at"].astimezone(SHANGHAI).date()


def slice_days(level: int) -> bool:
    """Whether a unit at `level` of a row's chain (the index of l0…l7; LEVELS for a credited unit
    deeper than l7) gets day cells for the slices. Not at l4…l6 (streets, grassroots: a day cell
    there holds a row or two) nor beyond l7; stats.figures reads those edge days from the ledger
    through its indexes on l4…l6 and org. l7 has no ledger index, so its units keep day cells."""
    return level < 4 or level == LEVELS - 1


def cells_of(row: dict[str, Any], *, years: bool = True) -> list[Key]:
    """Every cell a ledger row counts in (without its year cells unless `years`)."""
    day = day_of(row)
    month, year = day.replace(day=1), day.replace(month=1, day=1)
    units = [row[f"l{i}"] for i in range(LEVELS) if row[f"l{i}"]]
    if row["org_id"] not in units:
        units.append(row["org_id"])
    membership = row["source"] in MEMBERSHIP_SOURCES
    if membership:
        slices = [(MEMBERSHIP, MEMBERSHIP_VALUE.get((row["source"], row["leg"]), "join"))]
    else:
        slices = [
            (Dim.TOTAL.value, ""),
            (Dim.SOURCE.value, row["source"]),
            (Dim.SERVICE.value, row["service_code"]),
            (Dim.WORKER_TYPE.value, row["worker_type"]),
            (Dim.SEX.value, row["sex"]),
            (Dim.AGE_BAND.value, row["age_band"]),
        ]
        if row["position_id"]:
            slices.append((Dim.POSITION.value, str(row["position_id"])))
    daily = [(d, v) for d, v in slices if d in DAY_DIMS]
    spans = (("y", year), ("m", month)) if years else (("m", month),)
    keys: list[Key] = [
        (unit, period, start, d, v) for period, start in spans for unit in units for d, v in slices
    ]
    for level, unit in enumerate(units):
        keys += [(unit, "d", day, d, v) for d, v in (slices if slice_days(level) else daily)]
    if not membership:  # which child of each unit the row came through
        below = [str(u) for u in units[1:]] + ["self"]
        for period, start in (("d", day), *spans):
            keys += [(unit, period, start, CHILD, via) for unit, via in zip(units, below, strict=True)]
    return keys


def person_numbers(keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    found = dict(StatPerson.objects.filter(key__in=keys).values_list("key", "id"))
    missing = keys - found.keys()
    if missing:
        StatPerson.objects.bulk_create([StatPerson(key=k) for k in sorted(missing)], ignore_conflicts=True)
        found.update(StatPerson.objects.filter(key__in=missing).values_list("key", "id"))
    return found


class Delta:
    __slots__ = ("added", "amount", "driven", "removed", "visits")

    def __init__(self) -> None:
        self.visits, self.amount, self.driven = 0, Decimal(0), Decimal(0)
        self.added: set[int] = set()
        self.removed: set[int] = set()


def _deltas(rows: list[dict[str, Any]], numbers: dict[str, int], years: bool) -> dict[Key, Delta]:
    deltas: dict[Key, Delta] = defaultdict(Delta)
    for row in rows:
        qty, amount, driven = row["qty"], row["amount"], row["driven"]
        num = numbers.get(row["person_key"]) if qty > 0 and row["source"] not in MEMBERSHIP_SOURCES else None
        for key in cells_of(row, years=years):
            delta = deltas[key]
            delta.visits += qty
            if amount:
                delta.amount += amount
            if driven:
                delta.driven += driven
            if num is not None:
                delta.added.add(num)
    return deltas


def _still_counted(key: Key, net: dict[Key, int], in_year: set[tuple[Any, ...]]) -> bool:
    """Whether a person stays in cell `key` after a reversal: their rows in it still net positive,
    or, for a year cell, some month cell of that year keeps them (`in_year`)."""
    if key[1] == "y":
        return (key[0], key[2], key[3], key[4]) in in_year
    return net[key] > 0


def _removals(
    rows: list[dict[str, Any]], numbers: dict[str, int], deltas: dict[Key, Delta], years: bool
) -> None:
    """People whose reversal leaves them with no counted row in a cell leave its bitmap; a year
    cell's when no month cell of that year keeps them."""
    reversed_people = {r["person_key"] for r in rows if r["qty"] < 0 and r["person_key"]}
    for pkey in reversed_people:
        net: dict[Key, int] = defaultdict(int)
        mine = ServiceRecord.objects.filter(person_key=pkey).exclude(source__in=MEMBERSHIP_SOURCES)
        for row in mine.values(*FIELDS):
            for key in cells_of(row, years=False):
                net[key] += row["qty"]
        in_year = {(k[0], k[2].replace(month=1), k[3], k[4]) for k, n in net.items() if k[1] == "m" and n > 0}
        for row in rows:
            if row["person_key"] == pkey and row["qty"] < 0:
                for key in cells_of(row, years=years):
                    if not _still_counted(key, net, in_year):
                        deltas[key].removed.add(numbers[pkey])
                        deltas[key].added.discard(numbers[pkey])


COLUMNS = "org_id, period, start, dim, value"
UPSERT = (
    f"INSERT INTO stats_statcell ({COLUMNS}, visits, amount, driven, people) {{rows}} "
    f"ON CONFLICT ({COLUMNS}) DO UPDATE SET "
    "visits = stats_statcell.visits + EXCLUDED.visits, "
    "amount = stats_statcell.amount + EXCLUDED.amount, "
    "driven = stats_statcell.driven + EXCLUDED.driven, "
    # an empty blob: the people did not change (a changed bitmap is never b"", even when empty)
    "people = CASE WHEN length(EXCLUDED.people) = 0 THEN stats_statcell.people ELSE EXCLUDED.people END"
)


def _existing_people(keys: list[Key]) -> dict[Key, bytes]:
    """The stored bitmaps of those of `keys` that exist: one COPY and one join on PostgreSQL."""
    found: dict[Key, bytes] = {}
    if not keys:
        return found
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS stat_keys (org_id uuid, period varchar(1), "
                "start date, dim varchar(12), value varchar(64)) ON COMMIT DROP"
            )
            cur.execute("TRUNCATE stat_keys")
            with cur.cursor.copy(f"COPY stat_keys ({COLUMNS}) FROM STDIN") as copy:
                for key in keys:
                    copy.write_row(key)
            cur.execute(
                "SELECT c.org_id, c.period, c.start, c.dim, c.value, c.people FROM stat_keys k "
                "JOIN stats_statcell c USING (org_id, period, start, dim, value)"
            )
            for *key, people in cur.fetchall():
                found[tuple(key)] = bytes(people)  # type: ignore[index]
        return found
    by_period: dict[tuple[str, date], list[Key]] = defaultdict(list)
    for key in keys:
        by_period[(key[1], key[2])].append(key)
    for (period, start), some in by_period.items():
        cells = StatCell.objects.filter(
            period=period, start=start, org_id__in={k[0] for k in some}, dim__in={k[3] for k in some}
        ).values_list("org_id", "dim", "value", "people")
        for org_id, dim, value, people in cells:
            found[(org_id, period, start, dim, value)] = bytes(people)
    return found


def write_cells(rows: list[tuple[Any, ...]]) -> None:
    """Adds each row's (key, visits, amount, driven) to its cell, creating it if new, and sets its
    people unless the blob is empty. The caller holds the FoldState lock."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS stat_stage (org_id uuid, period varchar(1), start date, "
                "dim varchar(12), value varchar(64), visits bigint, amount numeric(16, 2), "
                "driven numeric(16, 2), people bytea) ON COMMIT DROP"
            )
            cur.execute("TRUNCATE stat_stage")
            with cur.cursor.copy(
                f"COPY stat_stage ({COLUMNS}, visits, amount, driven, people) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(UPSERT.format(rows="SELECT * FROM stat_stage"))
        else:
            cur.executemany(
                UPSERT.format(rows="VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"),
                [
                    (org.hex, period, start.isoformat(), dim, value, visits, str(amount), str(driven), blob)
                    for org, period, start, dim, value, visits, amount, driven, blob in rows
                ],
            )


def _apply(deltas: dict[Key, Delta], *, fresh: bool = False) -> None:
    """Writes the deltas into their cells; `fresh`: the cells do not exist yet (a rebuild)."""
    old = {} if fresh else _existing_people([k for k, d in deltas.items() if d.added or d.removed])
    rows = []
    for key, delta in deltas.items():
        blob = b""
        if delta.added or delta.removed:
            stored = old.get(key)
            people = BitMap.deserialize(stored) if stored else BitMap()
            people |= BitMap(delta.added)
            people -= BitMap(delta.removed)
            blob = people.serialize()
        rows.append((*key, delta.visits, delta.amount, delta.driven, blob))
    write_cells(rows)


def lock_state() -> FoldState:
    """The FoldState row, locked for the caller's transaction. The first statement writes, so
    SQLite takes its write lock now; PostgreSQL locks the row."""
    if not FoldState.objects.filter(pk=1).update(rows=F("rows")):
        FoldState.objects.get_or_create(pk=1)
    return FoldState.objects.select_for_update().get(pk=1)


def fold_rows(rows: list[dict[str, Any]], numbers: dict[str, int], *, fresh: bool = False) -> None:
    """Counts `rows` (ledger rows as dicts of FIELDS) into their cells; `numbers` maps their
    person keys to StatPerson numbers. `fresh`: a rebuild's month, whose day and month cells do
    not exist yet; its year cells are left to stats.rebuild.years_rebuild."""
    deltas = _deltas(rows, numbers, years=not fresh)
    _removals(rows, numbers, deltas, years=not fresh)
    _apply(deltas, fresh=fresh)


def fold_pending(limit: int = BATCH) -> int:
    """Fold up to `limit` queued ledger rows (records.Unfolded), in one transaction. Returns how
    many were taken from the queue (0: nothing pending, or another fold holds the lock on
    PostgreSQL)."""
    with transaction.atomic():
        state = lock_state()
        queued = list(Unfolded.objects.order_by("record_id").values_list("record_id", flat=True)[:limit])
        if queued:
            rows = list(ServiceRecord.objects.filter(pk__in=queued).values(*FIELDS))
            fold_rows(rows, person_numbers({r["person_key"] for r in rows if r["person_key"]}))
            Unfolded.objects.filter(record_id__in=queued).delete()
            state.rows += len(rows)
        state.folded_at = timezone.now()
        state.save(update_fields=["rows", "folded_at"])
    return len(queued)


def fold_all(limit: int = BATCH) -> int:
    """Fold until nothing is pending; returns the number of rows folded."""
    total = 0
    while n := fold_pending(limit):
        total += n
    return total
