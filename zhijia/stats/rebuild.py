"""Rebuilding every statistics cell from the whole ledger at once (`manage.py stats_rebuild`): for
a backfill (an import of past years) or after a change to what the cells hold.

On PostgreSQL it is set-based: one GROUP BY per month of the ledger computes that month's cells
(the same cells stats.fold.cells_of names, with each cell's StatPerson numbers and quantities as
two aligned arrays), Python turns them into roaring bitmaps of the people whose rows net positive,
and COPY writes the cells — months never share a cell, so there is nothing to merge. Then each
unit's year cells are derived from its month cells (years_rebuild, on every database). It runs in
one REPEATABLE READ transaction under the FoldState lock: the ledger rows it counts are exactly
those whose queue rows (records.Unfolded) it deletes, and rows committed meanwhile stay for the
next fold. The months' GROUP BYs run on WORKERS connections of their own that import that
transaction's snapshot, while it writes the month before (inside a caller's transaction, whose
rows other connections cannot see, on its own). Elsewhere (SQLite) each month is folded at once
into fresh cells (_month_rebuild)."""

import queue
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, time
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models import Max, Min, OuterRef, Subquery
from psycopg import sql
from pyroaring import BitMap

from zhijia.orgs.models import Org
from zhijia.records.enums import MEMBERSHIP_SOURCES
from zhijia.records.models import LEVELS, ServiceRecord, Unfolded

from .fold import FIELDS, MEMBERSHIP_VALUE, SHANGHAI, fold_rows, lock_state, slice_days, write_cells
from .models import StatCell, StatPerson
from .periods import next_month

WORKERS = 2  # connections computing months at once; the caller's own writes them
WORK_MEM = "256MB"
Progress = Callable[[str], None]  # called with "2026-01" once a month is written, "years" at the end
YEAR_UNITS = 2000  # units whose year cells years_rebuild derives at once
CHUNK, QUEUED_CHUNKS = 5_000, 4  # cells per fetch from a worker's cursor; fetches it may keep ready
_LEVEL_COLUMNS = ", ".join(f"r.l{i}" for i in range(LEVELS))
_UNITS = ", ".join(
    [
        f"({i}, r.l{i}, COALESCE({', '.join(f'r.l{j}' for j in range(i + 1, LEVELS))}, r.ext)::text)"
        if i < LEVELS - 1
        else f"({i}, r.l{i}, r.ext::text)"
        for i in range(LEVELS)
    ]
    + [f"({LEVELS}, r.ext, NULL)"]
)
_DAILY_POSITIONS = ", ".join(str(i) for i in range(LEVELS + 1) if slice_days(i))
_DAILY = f"(u.pos IN ({_DAILY_POSITIONS}))"  # the positions with slice day cells: fold.slice_days
_MEMBERSHIP = " ".join(
    f"WHEN u.source = '{source.value}' AND u.leg = '{leg}' THEN '{value}'"
    for (source, leg), value in MEMBERSHIP_VALUE.items()
)
_MEMBERSHIP_SOURCES = ", ".join(f"'{s.value}'" for s in sorted(MEMBERSHIP_SOURCES))

CELLS_SQL = f"""
WITH r AS (
    SELECT {_LEVEL_COLUMNS}, r.source, r.leg, r.service_code, r.worker_type, r.sex, r.age_band,
           r.position_id, r.qty, r.amount, r.driven,
           (r.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS day, p.id AS num,
           CASE WHEN r.org_id IN ({_LEVEL_COLUMNS}) THEN NULL ELSE r.org_id END AS ext
    FROM records_servicerecord r
    LEFT JOIN stats_statperson p ON p.key = r.person_key AND r.person_key <> ''
    WHERE r.occurred_at >= %(lo)s AND r.occurred_at < %(hi)s
), u AS (
    SELECT r.source, r.leg, r.service_code, r.worker_type, r.sex, r.age_band, r.position_id,
           r.qty, r.amount, r.driven, r.day, r.num, x.pos, x.unit, COALESCE(x.via, 'self') AS via
    FROM r CROSS JOIN LATERAL (VALUES {_UNITS}) x(pos, unit, via)
    WHERE x.unit IS NOT NULL
), s AS (
    SELECT u.unit, u.day, u.num, u.qty, u.amount, u.driven, d.dim, d.value, d.daily
    FROM u CROSS JOIN LATERAL (VALUES
        ('', '', true), ('child', u.via, true),
        ('source', u.source, {_DAILY}), ('service', u.service_code, {_DAILY}),
        ('worker_type', u.worker_type, {_DAILY}), ('sex', u.sex, {_DAILY}),
        ('age_band', u.age_band, {_DAILY}), ('position', u.position_id::text, {_DAILY})
    ) d(dim, value, daily)
    WHERE u.source NOT IN ({_MEMBERSHIP_SOURCES}) AND d.value IS NOT NULL
    UNION ALL
    SELECT u.unit, u.day, NULL, u.qty, u.amount, u.driven, 'membership',
           CASE {_MEMBERSHIP} ELSE 'join' END, true
    FROM u WHERE u.source IN ({_MEMBERSHIP_SOURCES})
)
SELECT s.unit, x.period, x.start, s.dim, s.value, SUM(s.qty), COALESCE(SUM(s.amount), 0),
       COALESCE(SUM(s.driven), 0), array_agg(s.num) FILTER (WHERE s.num IS NOT NULL),
       array_agg(s.qty) FILTER (WHERE s.num IS NOT NULL)
FROM s CROSS JOIN LATERAL (VALUES ('d', s.day, s.daily),
                                  ('m', date_trunc('month', s.day)::date, true)) x(period, start, keep)
WHERE x.keep
GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608 — built from constants only, no input


def _months() -> list[date]:
    span = ServiceRecord.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    months: list[date] = []
    if span["first"] is None:
        return months
    month, last = span["first"].astimezone(SHANGHAI).date().replace(day=1), span["last"].astimezone(SHANGHAI)
    while month <= last.date():
        months.append(month)
        month = next_month(month)
    return months


def _people(nums: list[int] | None, qtys: list[int] | None) -> bytes:
    """A cell's bitmap: the people whose rows in the cell net positive (as the fold counts)."""
    if not nums or not qtys:  # both NULL together: the same FILTER
        return b""
    if min(qtys) > 0:
        return BitMap(nums).serialize()
    net: Counter[int] = Counter()
    for num, qty in zip(nums, qtys, strict=True):
        net[num] += qty
    people = BitMap(num for num, total in net.items() if total > 0)
    return people.serialize() if people else b""


def _month_bounds(month: date) -> dict[str, datetime]:
    return {
        "lo": datetime.combine(month, time.min, SHANGHAI),
        "hi": datetime.combine(next_month(month), time.min, SHANGHAI),
    }


def _cells(cur: Any, month: date) -> list[Any]:
    cur.execute(CELLS_SQL, _month_bounds(month))
    return list(cur.fetchall())


def _number_people(cur: Any) -> int:
    cur.execute(
        "INSERT INTO stats_statperson (key) SELECT DISTINCT person_key FROM records_servicerecord "
        "WHERE person_key <> '' ORDER BY 1 ON CONFLICT (key) DO NOTHING"
    )
    return int(cur.rowcount)


def _months_in_parallel(snapshot: str, months: list[date]) -> Iterator[Iterator[Any]]:
    """Each month's cells, in order, computed by WORKERS connections of their own that import
    the caller's snapshot (so they count exactly the rows whose queue rows the caller deletes);
    the caller writes one month while the next is computed. The cells come through a server-side
    cursor in chunks and a short queue, so memory holds a few chunks, never a month (a month of
    a 20,000,000-row ledger held whole, three at a time, outgrew 21 GB)."""
    params = connection.get_connection_params()
    local, opened, stop = threading.local(), [], threading.Event()

    def put(out: "queue.Queue[list[Any]]", rows: list[Any]) -> None:
        while not stop.is_set():
            try:
                return out.put(rows, timeout=1)
            except queue.Full:
                continue

    def compute(month: date, out: "queue.Queue[list[Any]]") -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(**params)
            opened.append(conn)
            conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
            conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        with conn.cursor(name=f"cells_{month:%Y%m}") as cur:
            cur.execute(CELLS_SQL, _month_bounds(month))
            while not stop.is_set():
                rows = cur.fetchmany(CHUNK)
                put(out, rows)  # the empty last chunk ends the month
                if not rows:
                    break

    def drain(future: Future[None], out: "queue.Queue[list[Any]]") -> Iterator[Any]:
        while True:
            try:
                rows = out.get(timeout=1)
            except queue.Empty:
                if future.done():
                    future.result()  # the worker's error, if it failed (else its last chunk waits)
                continue
            if not rows:
                return
            yield from rows

    pool = ThreadPoolExecutor(WORKERS)
    ahead: deque[tuple[Future[None], queue.Queue[list[Any]]]] = deque()
    try:
        for month in months:
            out: queue.Queue[list[Any]] = queue.Queue(maxsize=QUEUED_CHUNKS)
            ahead.append((pool.submit(compute, month, out), out))
            if len(ahead) >= WORKERS:  # one month written while the next is computed
                yield drain(*ahead.popleft())
        while ahead:
            yield drain(*ahead.popleft())
    finally:
        stop.set()
        pool.shutdown(cancel_futures=True)
        for conn in opened:
            conn.close()


def _postgres_rebuild(progress: Progress) -> int:
    outermost = not connection.in_atomic_block
    if outermost:  # numbers for the ledger's people, committed, so the workers' snapshot has them
        with connection.cursor() as cur:
            _number_people(cur)
    with transaction.atomic(), connection.cursor() as cur:
        if outermost:  # one snapshot to count and dequeue (a caller's transaction keeps its own)
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = lock_state()
        cur.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # People new since the numbering above exist only in this transaction: compute here then.
        parallel = outermost and WORKERS > 1 and not _number_people(cur)
        months = _months()
        monthly: Iterator[Iterable[Any]]
        if parallel:
            cur.execute("SELECT pg_export_snapshot()")
            monthly = _months_in_parallel(cur.fetchone()[0], months)
        else:
            monthly = (_cells(cur, month) for month in months)
        cur.execute("DELETE FROM stats_statcell")  # not TRUNCATE: readers keep the old cells meanwhile
        for month, cells in zip(months, monthly, strict=True):
            with cur.cursor.copy(
                "COPY stats_statcell (org_id, period, start, dim, value, visits, amount, driven, people) "
                "FROM STDIN"
            ) as copy:
                for *key, nums, qtys in cells:
                    copy.write_row([*key, _people(nums, qtys)])
            progress(f"{month:%Y-%m}")
        years_rebuild()
        progress("years")
        cur.execute("DELETE FROM records_unfolded")  # the queue rows this snapshot sees: those counted
        cur.execute("SELECT count(*) FROM records_servicerecord")
        state.rows = cur.fetchone()[0]
        state.save(update_fields=["rows"])
        return int(state.rows)


def _month_rebuild(progress: Progress) -> int:
    """Elsewhere (SQLite): each month's rows are read at once and folded into fresh cells in
    memory by the incremental fold's own code, in one transaction (SQLite's one writer: the rows
    counted are the rows dequeued)."""
    with transaction.atomic(), connection.cursor() as cur:
        state = lock_state()
        StatCell.objects.all().delete()
        _number_people(cur)
        number = StatPerson.objects.filter(key=OuterRef("person_key")).values("id")[:1]
        for month in _months():
            span = _month_bounds(month)
            rows = list(
                ServiceRecord.objects.filter(occurred_at__gte=span["lo"], occurred_at__lt=span["hi"])
                .order_by()
                .values(*FIELDS, num=Subquery(number))
            )
            fold_rows(rows, {r["person_key"]: r["num"] for r in rows if r["person_key"]}, fresh=True)
            progress(f"{month:%Y-%m}")
        years_rebuild()
        progress("years")
        Unfolded.objects.all().delete()
        state.rows = ServiceRecord.objects.count()
        state.save(update_fields=["rows"])
        return state.rows


def years_rebuild() -> None:
    """Every unit's year cells anew from its month cells: 人次 and money summed, the people the
    union of the months' (as the fold keeps them), YEAR_UNITS units at a time in id order — the
    order the PostgreSQL rebuild writes each month's cells in, so a chunk reads a stretch of each
    month. The caller holds the FoldState lock and has removed the year cells (a rebuild removes
    every cell; no filter on the period alone, which no index serves: a scan of every cell)."""
    units = list(Org.objects.order_by("id").values_list("id", flat=True))
    for i in range(0, len(units), YEAR_UNITS):
        years: dict[tuple[Any, ...], list[Any]] = {}
        months = StatCell.objects.filter(period="m", org_id__in=units[i : i + YEAR_UNITS]).values_list(
            "org_id", "start", "dim", "value", "visits", "amount", "driven", "people"
        )
        for org_id, start, dim, value, visits, amount, driven, people in months.iterator(chunk_size=5000):
            key = (org_id, "y", start.replace(month=1), dim, value)
            year = years.setdefault(key, [0, 0, 0, None])  # visits, amount, driven, people
            year[0] += visits
            year[1] += amount
            year[2] += driven
            if people:  # membership cells have none (an empty blob), and so has their year
                if year[3] is None:
                    year[3] = BitMap()
                year[3] |= BitMap.deserialize(bytes(people))
        write_cells(
            [(*key, v, a, d, b"" if p is None else p.serialize()) for key, (v, a, d, p) in years.items()]
        )


def cells_rebuild(progress: Progress = lambda label: None) -> int:
    """Recomputes every cell from the whole ledger; returns the number of ledger rows counted.
    `progress` is called with each month ("2026-01") once its cells are written, then with
    "years". Figures read during a rebuild see the old cells until it commits."""
    if connection.vendor == "postgresql":
        return _postgres_rebuild(progress)
    return _month_rebuild(progress)
