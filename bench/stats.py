"""Statistics at scale: a generated org tree and ledger, folded into the rollups; then the
summary and the breakdown by child for random subtrees × a month and a year — ours (the rollup
cells with exact people bitmaps) against the naive way (SUM and COUNT(DISTINCT) over the raw
ledger rows of the subtree) and the raw floor (one SUM over the pre-aggregated cells, bare SQL);
and what a ledger row costs the transaction that writes it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_stats \
        uv run python bench/stats.py --rows 1000000,2000000,4000000 --units 100000
    uv run python bench/stats.py --rows 1000000,2000000,5000000   # SQLite (a throwaway file)

Creates and drops its own database (PostgreSQL with --keep: keeps it, and a later run reuses
its tree and ledger — generating 20,000,000 rows takes ~55 min here). Checks in the same run
that ours equals the naive count (人次 and exact 人数) for every query; exits 1 if not.
"""

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.throwaway_db import close_django_connections, create_postgres, drop_postgres, is_postgres, temp_dir

SHANGHAI = ZoneInfo("Asia/Shanghai")
# national, provinces, cities, districts, streets, grassroots: up to 1,030,765 units, filled
# breadth first (the upper levels whole, then as many grassroots units as --units leaves room for)
FANOUT = [1, 4, 10, 8, 20, 160]
YEAR = 2026
CHUNK = 250_000  # SQLite rows per generating transaction
SQLITE_CACHE_MB = 1024  # the bench connection's page cache (SQLite's default is 2 MB)


def build_tree(limit: int):
    from uuid6 import uuid7

    from zhijia.orgs.models import Org
    from zhijia.orgs.tree import segment

    nodes, frontier = [], [None]
    for depth, fanout in enumerate(FANOUT):
        nxt = []
        for parent in frontier:
            for i in range(1, fanout + 1):
                if len(nodes) >= limit:
                    break
                path = (parent.path if parent else "") + segment(i)
                org = Org(
                    id=uuid7(),
                    name=f"u{len(nodes)}",
                    level="grassroots",
                    parent=parent,
                    path=path,
                    depth=depth,
                )
                nodes.append(org)
                nxt.append(org)
        frontier = nxt
    for i in range(0, len(nodes), 5000):
        Org.objects.bulk_create(nodes[i : i + 5000])
    return nodes


def ledger(nodes, count: int, people: int, rng: random.Random, start_index: int):
    """`count` service rows spread over the year at the tree's units (leaves mostly), written as
    domains write them (queued for the fold). The generators below write the ledger alone, for
    the rebuild."""
    from zhijia.records.models import ServiceRecord
    from zhijia.records.services import record_add_many

    by_id = {n.id: n for n in nodes}
    leaves = [n for n in nodes if n.depth >= 4]

    def chain(org):
        out = []
        while org is not None:
            out.append(org.id)
            org = by_id.get(org.parent_id) if org.parent_id else None
        return list(reversed(out))

    chains = {n.id: chain(n) for n in leaves}
    rows = []
    for i in range(count):
        org = rng.choice(leaves)
        ids = chains[org.id] + [None] * 8
        day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
        person = rng.randrange(people) if rng.random() < 0.7 else None
        rows.append(
            ServiceRecord(
                org_id=org.id,
                org_path=org.path,
                **{f"l{d}": ids[d] for d in range(8)},
                source=rng.choice(("visit", "visit", "activity", "expert", "voucher")),
                source_id=uuid.UUID(int=start_index + i),
                occurred_at=datetime.combine(day, dtime(10), SHANGHAI),
                title="bench",
                service_code="water",
                person_key=f"p{person:09d}" if person is not None else "",
                worker_type=rng.choice(("new_form", "migrant", "other")),
                sex=rng.choice(("male", "female")),
                age_band=rng.choice(("<25", "25-34", "35-44", "45-54", "55+")),
                count=1,
                qty=1,
            )
        )
        if len(rows) == 5000:
            record_add_many(rows)
            rows = []
    record_add_many(rows)


def ledger_sql(nodes, count: int, people: int, start_index: int):
    """The same rows as ledger(), generated inside PostgreSQL (hashes of the row number stand in
    for the random choices): ~20× faster than bulk_create, for the big sizes. The ledger's plain
    indexes are dropped for the load and built again after it from their own definitions (at
    20,000,000 rows, maintaining eleven B-trees row by row was most of the hour it took)."""
    from django.db import connection

    by_id = {n.id: n for n in nodes}
    leaves = [n for n in nodes if n.depth >= 4]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'records_servicerecord' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"  # keys and unique constraints stay
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_leaf (i int PRIMARY KEY, org_id uuid, path text, "
            + ", ".join(f"l{d} uuid" for d in range(8))
            + ")"
        )
        cur.execute("SELECT count(*) FROM bench_leaf")
        if not cur.fetchone()[0]:
            with cur.cursor.copy("COPY bench_leaf FROM STDIN") as copy:
                for i, org in enumerate(leaves):
                    ids, up = [], org
                    while up is not None:
                        ids.append(up.id)
                        up = by_id.get(up.parent_id) if up.parent_id else None
                    ids = list(reversed(ids)) + [None] * 8
                    copy.write_row([i, org.id, org.path, *ids[:8]])
        try:
            levels = ", ".join(f"l{d}" for d in range(8))
            cur.execute(
                f"""
                INSERT INTO records_servicerecord (id, created_at, updated_at, org_id, org_path, {levels},
                    source, source_id, leg, occurred_at, title, services, service_code, person_key,
                    sex, age_band, worker_type, occupation, visitor_group, count, qty)
                SELECT gen_random_uuid(), now(), now(), f.org_id, f.path,
                    {", ".join(f"f.l{d}" for d in range(8))},
                    (ARRAY['visit', 'visit', 'activity', 'expert', 'voucher'])[1 + h.h2 %% 5],
                    lpad(to_hex(g), 32, '0')::uuid, '',
                    timestamptz '{YEAR}-01-01 10:00+08' + (h.h3 %% 365) * interval '1 day', 'bench', '[]',
                    'water',
                    CASE WHEN h.h4 %% 10 < 7 THEN 'p' || lpad((h.h5 %% %s)::text, 9, '0') ELSE '' END,
                    (ARRAY['male', 'female'])[1 + h.h6 %% 2],
                    (ARRAY['<25', '25-34', '35-44', '45-54', '55+'])[1 + h.h2 / 5 %% 5],
                    (ARRAY['new_form', 'migrant', 'other'])[1 + h.h6 / 2 %% 3], '', '', 1, 1
                FROM generate_series(%s::bigint, %s::bigint) g
                CROSS JOIN LATERAL (
                    SELECT abs(hashint8extended(g, 1)) h1, abs(hashint8extended(g, 2)) h2,
                           abs(hashint8extended(g, 3)) h3, abs(hashint8extended(g, 4)) h4,
                           abs(hashint8extended(g, 5)) h5, abs(hashint8extended(g, 6)) h6
                ) h
                JOIN bench_leaf f ON f.i = h.h1 %% %s
                """,
                [people, start_index, start_index + count - 1, len(leaves)],
            )
        finally:  # the indexes come back even when the load fails (a kept database)
            cur.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cur.execute(definition)
            cur.execute("RESET maintenance_work_mem")


def ledger_sqlite(nodes, count: int, people: int):
    """Rows like ledger()'s, generated inside SQLite by INSERT … SELECT in chunks (random() for the
    choices; ours is checked against the naive count on whatever it drew): for a city's year."""
    from django.db import connection

    by_id = {n.id: n for n in nodes}
    leaves = [n for n in nodes if n.depth >= 4]
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_MB * 1024}")
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_leaf (i INTEGER PRIMARY KEY, org_id, path, "
            + ", ".join(f"l{d}" for d in range(8))
            + ")"
        )
        cur.execute("DELETE FROM bench_leaf")
        rows = []
        for i, org in enumerate(leaves):
            ids, up = [], org
            while up is not None:
                ids.append(up.id.hex)
                up = by_id.get(up.parent_id) if up.parent_id else None
            ids = list(reversed(ids)) + [None] * 8
            rows.append([i, org.id.hex, org.path, *ids[:8]])
        cur.executemany(f"INSERT INTO bench_leaf VALUES ({', '.join(['%s'] * 11)})", rows)
        levels = ", ".join(f"l{d}" for d in range(8))
        for done in range(0, count, CHUNK):  # a transaction per chunk: the WAL stays small
            cur.execute(
                f"""
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s),
                h AS MATERIALIZED (
                    SELECT abs(random()) %% %s AS leaf, abs(random()) AS h2, abs(random()) AS h3,
                           abs(random()) AS h4, abs(random()) AS h5, abs(random()) AS h6 FROM g
                )
                INSERT INTO records_servicerecord (id, created_at, updated_at, org_id, org_path, {levels},
                    source, source_id, leg, occurred_at, title, services, service_code, person_key,
                    sex, age_band, worker_type, occupation, visitor_group, count, qty)
                SELECT lower(hex(randomblob(16))), datetime('now'), datetime('now'), f.org_id, f.path,
                    {", ".join(f"f.l{d}" for d in range(8))},
                    CASE h.h2 %% 5 WHEN 2 THEN 'activity' WHEN 3 THEN 'expert' WHEN 4 THEN 'voucher'
                        ELSE 'visit' END,
                    lower(hex(randomblob(16))), '',
                    datetime('{YEAR}-01-01 02:00:00', '+' || (h.h3 %% 365) || ' days'), 'bench', '[]',
                    'water',
                    CASE WHEN h.h4 %% 10 < 7 THEN printf('p%%09d', h.h5 %% %s) ELSE '' END,
                    CASE h.h6 %% 2 WHEN 0 THEN 'male' ELSE 'female' END,
                    CASE h.h2 / 5 %% 5 WHEN 0 THEN '<25' WHEN 1 THEN '25-34' WHEN 2 THEN '35-44'
                        WHEN 3 THEN '45-54' ELSE '55+' END,
                    CASE h.h6 / 2 %% 3 WHEN 0 THEN 'new_form' WHEN 1 THEN 'migrant' ELSE 'other' END,
                    '', '', 1, 1
                FROM h JOIN bench_leaf f ON f.i = h.leaf
                """,
                [min(CHUNK, count - done), len(leaves), people],
            )


def naive_by(org, first, last, column):
    """{value: (人次, 人数)} of the raw rows under the unit, grouped by `column`."""
    from django.db import connection

    lo = datetime.combine(first, dtime.min, SHANGHAI)
    hi = datetime.combine(last + timedelta(days=1), dtime.min, SHANGHAI)
    col = f"l{org.depth}"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {column}, SUM(qty), COUNT(DISTINCT NULLIF(person_key, '')) "
            "FROM records_servicerecord "
            f"WHERE {col} = %s AND occurred_at >= %s AND occurred_at < %s GROUP BY {column}",
            [org.id.hex if connection.vendor == "sqlite" else org.id, lo, hi],
        )
        return {value: (int(n), people) for value, n, people in cur.fetchall()}


def naive(org, first, last):
    from django.db import connection

    lo = datetime.combine(first, dtime.min, SHANGHAI)
    hi = datetime.combine(last + timedelta(days=1), dtime.min, SHANGHAI)
    col = f"l{org.depth}"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(qty), 0), COUNT(DISTINCT NULLIF(person_key, '')) "
            "FROM records_servicerecord "
            f"WHERE {col} = %s AND occurred_at >= %s AND occurred_at < %s",
            [org.id.hex if connection.vendor == "sqlite" else org.id, lo, hi],
        )
        return tuple(cur.fetchone())


def floor(org, first, last):
    from django.db import connection

    from zhijia.stats.periods import cover

    cells = [(p, start) for p, starts in zip("ymd", cover(first, last), strict=True) for start in starts]
    with connection.cursor() as cur:
        marks = ",".join(["(%s, %s)"] * len(cells))
        cur.execute(
            f"SELECT COALESCE(SUM(visits), 0) FROM stats_statcell WHERE org_id = %s AND dim = '' "
            f"AND (period, start) IN ({marks})",
            [org.id.hex if connection.vendor == "sqlite" else org.id, *[v for cell in cells for v in cell]],
        )
        return cur.fetchone()[0]


def timed(fn, args):
    times = []
    for a in args:
        t0 = time.perf_counter()
        fn(*a)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def write_and_fold(org):
    """Prints the cost of a ledger row in a transaction, then how long the fold of the rows that
    measurement wrote took (freshness)."""
    from zhijia.stats.fold import fold_all

    cost = write_cost(org)
    print(
        f"\nwrite (median of 400 alternating): {cost['plain']:.2f} ms per transaction alone, "
        f"{cost['with ledger row']:.2f} ms with a ledger row "
        f"(+{cost['with ledger row'] - cost['plain']:.2f} ms)"
    )
    t0 = time.perf_counter()
    n = fold_all()
    print(
        f"freshness: the {n} rows written above folded in "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms (beat every 30 s)",
        flush=True,
    )


def write_cost(org, n: int = 400):
    """ms per transaction, median: an audit entry alone, and the same with a ledger row,
    alternating so that both see the same machine; the seal runs in the background (a broker's
    deployment), not inline."""
    from django.db import transaction
    from django.test import override_settings

    from zhijia.core.audit import audit_log
    from zhijia.records.services import record_add

    def plain(i):
        with transaction.atomic():
            audit_log(actor=None, action="bench.tx", org=org, data={"i": i})

    def with_row(i):
        with transaction.atomic():
            audit_log(actor=None, action="bench.tx", org=org, data={"i": i})
            record_add(
                org=org, source="visit", source_id=uuid.uuid4(), occurred_at=datetime.now(SHANGHAI), title="w"
            )

    times: dict[str, list[float]] = {"plain": [], "with ledger row": []}
    with override_settings(AUDIT_SEAL_INLINE=False):
        for i in range(n):
            for name, fn in (("plain", plain), ("with ledger row", with_row)):
                t0 = time.perf_counter()
                fn(i)
                times[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def cell_stats():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM stats_statcell")
        n = cur.fetchone()[0]
        size = ""
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('stats_statcell')), "
                "pg_size_pretty(pg_total_relation_size('records_servicerecord'))"
            )
            cells, rows = cur.fetchone()
            size = f" ({cells}; the ledger {rows})"
    return f"{n:,} cells{size}"


def check(org, first, last, failures):
    from zhijia.stats.figures import breakdown, total

    got = total(org, first, last)
    if (got["service_visits"], got["people_served"]) != naive(org, first, last):
        failures.append((org.path, first, last, "total"))
    for by, column in (("source", "source"), ("sex", "sex")):
        items = breakdown(org, first, last, by, exact=True)
        mine = {i["key"]: (i["service_visits"], i["people_served"]) for i in items if i["service_visits"]}
        if mine != naive_by(org, first, last, column):
            failures.append((org.path, first, last, by))


def run(sizes, units, queries):
    from django.core.management import call_command
    from django.db import connection

    from zhijia.orgs.models import Org
    from zhijia.records.models import ServiceRecord
    from zhijia.stats.figures import breakdown, summary
    from zhijia.stats.fold import fold_all
    from zhijia.stats.rebuild import cells_rebuild

    call_command("migrate", verbosity=0)
    rng = random.Random(12)
    t0 = time.perf_counter()
    nodes = list(Org.objects.order_by("depth", "path")) or build_tree(units)  # kept: --keep
    by_depth = {d: [n for n in nodes if n.depth == d] for d in range(len(FANOUT))}
    print(f"tree: {len(nodes):,} units in {time.perf_counter() - t0:.1f}s", flush=True)
    written, failures = ServiceRecord.objects.count(), []
    custom = (date(YEAR, 3, 10), date(YEAR, 5, 20))  # partial edge months: slices read edge rows
    for size in sizes:
        t0 = time.perf_counter()
        if size > written and connection.vendor == "postgresql":  # (a kept database may hold them)
            ledger_sql(nodes, size - written, people=max(size // 5, 1), start_index=written)
            with connection.cursor() as cur:
                cur.execute("ANALYZE records_servicerecord")
        elif size > written:
            ledger_sqlite(nodes, size - written, people=max(size // 5, 1))
        gen = time.perf_counter() - t0
        t0 = time.perf_counter()

        def written_at(label, t0=t0):
            print(f"  {label} written at {time.perf_counter() - t0:.0f}s", flush=True)

        folded = cells_rebuild(written_at)  # the backfill path: every cell from the whole ledger
        fold_s = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE stats_statcell")
        written = size
        print(
            f"\n== {size:,} ledger rows (generated in {gen:.0f}s; "
            f"cells rebuilt from {folded:,} rows in {fold_s:.0f}s = {folded / fold_s:,.0f} rows/s; "
            f"{cell_stats()})",
            flush=True,
        )
        for label, (first, last) in (
            ("month", (date(YEAR, 6, 1), date(YEAR, 6, 30))),
            ("year", (date(YEAR, 1, 1), date(YEAR, 12, 31))),
            ("03-10…05-20", custom),
        ):
            targets = [rng.choice(by_depth[d]) for d in (1, 2, 3, 4) for _ in range(queries // 4)]
            for org in targets[:: max(len(targets) // 8, 1)]:
                check(org, first, last, failures)
            args = [(org, first, last) for org in targets]
            ours = timed(lambda o, a, b: summary(o, a, b), args)
            base = timed(naive, args)
            flo = timed(floor, args)
            child = timed(lambda o, a, b: breakdown(o, a, b, "child", exact=True), args)
            slice_ = timed(lambda o, a, b: breakdown(o, a, b, "service", exact=True), args)
            print(
                f"  subtree × {label}: p50/p95 ms  summary {ours[0]:.1f}/{ours[1]:.1f}  "
                f"naive {base[0]:.1f}/{base[1]:.1f}  "
                f"floor {flo[0]:.2f}/{flo[1]:.2f}  by child {child[0]:.1f}/{child[1]:.1f}  "
                f"by service {slice_[0]:.1f}/{slice_[1]:.1f}  "
                f"naive/ours {base[1] / ours[1]:.1f}×  ours/floor {ours[1] / flo[1]:.1f}×",
                flush=True,
            )
    write_and_fold(nodes[-1])
    flow = 3000
    ledger(nodes, flow, people=max(written // 5, 1), rng=rng, start_index=written + 10**9)
    t0 = time.perf_counter()
    n = fold_all()
    fold_s = time.perf_counter() - t0
    print(
        f"incremental fold: {n:,} new rows spread over the tree and the year, into the full cells, "
        f"in {fold_s:.1f}s = {n / fold_s:,.0f} rows/s"
    )
    print(
        "correctness:",
        "ours == naive for every checked query (total, by source, by sex)"
        if not failures
        else f"{len(failures)} MISMATCHES {failures[:5]}",
    )
    return len(failures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000", help="comma-separated ledger sizes, grown in one run")
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: keep the database (its tree and ledger are reused)"
    )
    args = parser.parse_args()
    most = sum(math.prod(FANOUT[: d + 1]) for d in range(len(FANOUT)))
    if args.units > most:
        parser.error(f"--units: the generated tree holds at most {most:,} units")
    sizes = sorted(int(s) for s in args.rows.split(","))
    tmp = temp_dir("zhijia-bench-stats-", "config.settings.dev")
    url = os.environ.get("DATABASE_URL", "")
    created = False
    if is_postgres(url):
        created = create_postgres(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    try:
        failures = run(sizes, args.units, args.queries)
    finally:
        close_django_connections()
        if created and not args.keep:
            drop_postgres(url)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
