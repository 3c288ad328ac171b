"""Labour registry (issue 14): a registry of PEOPLE generated people (default 100,000) in 平利县's
villages; for each measurement, ours against the naive way and the raw floor, in one run.

- dated ledger for the county, 30 random dates: the count, and the first page of 100 in ledger
  order — ours (selectors.ledgers: ledger_count on the periods' (org, status, starts_on,
  ends_on) index, then ledger_pages: the index labour_person_ledger_order walked from Python in
  keyset chunks, each checked against the periods; a ledger of at most SORT_AT_MOST people, or
  a page the walk would reach too slowly, listed and sorted) against "previous" (the last
  session's: the count through the org join, the page one query walking the same index with a
  correlated EXISTS, which PostgreSQL's planner may turn into a sort), "before" (the query
  before the stored key: joins, an IN list, the order through the joins), the naive way (every
  history in Python) and raw floors (one raw COUNT over the periods; one raw walk of the index,
  no scope, no ledger filter); also page 51 (offset 5,000) on the same dates, ours against
  before. The query plans are printed (PLANS=1: in full), and the run checks that ours,
  previous and before give the same pages and counts on every date and that the ledger equals
  the brute-force filter;
- matches for one job over the whole registry (top 50 with reasons), 20 runs over 4 jobs: ours
  (one scored query) vs naive (load the eligible people, score in Python, sort) vs floor (one raw
  query: consenting people with the job's skill, first 50);
- xlsx import of IMPORT_ROWS rows (5% bad in known ways) through the real task body, then the
  same file again (must create nothing), vs the parse floor (python-calamine only).

Each run makes its own database (bench/labour_env.py): a SQLite file in a temporary directory,
or the PostgreSQL database named in DATABASE_URL, created and dropped by the run.

    uv run python bench/labour.py                                   # SQLite, 100,000 people
    PEOPLE=10000 IMPORT_ROWS=1000 uv run python bench/labour.py     # a smaller run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_labour uv run python bench/labour.py
    PARTS=matches uv run python bench/labour.py                     # only some parts (ledgers,matches,import)
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.labour_env import LabourBenchEnv  # noqa: E402

ENV = LabourBenchEnv("zhijia-bench-labour-")

from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from zhijia.core.models import ImportJob  # noqa: E402
from zhijia.demo.labour import SKILLS, bulk_people, cn_id  # noqa: E402
from zhijia.labour.enums import LEDGER_STATUSES, Ledger  # noqa: E402
from zhijia.labour.models import Job, RegistryPerson, StatusPeriod  # noqa: E402
from zhijia.labour.selectors.ledgers import (  # noqa: E402
    SORT_AT_MOST,
    LedgerPages,
    brute_force_ledger,
    in_effect,
    ledger_count,
    ledger_on,
    ledger_pages,
)
from zhijia.labour.selectors.matching import hard_q, job_matches  # noqa: E402
from zhijia.labour.sorting import JOINED_ORDER, LEDGER_ORDER  # noqa: E402
from zhijia.labour.tasks import LABOUR_IMPORT_KIND, labour_import  # noqa: E402
from zhijia.labour.xlsx import COLUMNS  # noqa: E402
from zhijia.orgs.access import scope_for  # noqa: E402
from zhijia.orgs.capabilities import Cap  # noqa: E402
from zhijia.orgs.models import Org  # noqa: E402
from zhijia.orgs.tree import subtree_q  # noqa: E402

PEOPLE = int(os.environ.get("PEOPLE", "100000"))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", "5000"))
FILE = ENV.file("bench-labour.xlsx")
PAGE = 100
DEEP = 5000  # the offset of the deep page


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(int(len(samples) * 0.95) - 1, 0)] * 1000


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def build_registry(units) -> float:
    have = RegistryPerson.objects.count()
    start = time.perf_counter()
    villages = [units["塘坊村"], units["三坪村"]]
    chunk = 5000
    n = have
    while n < PEOPLE:
        size = min(chunk, PEOPLE - n)
        bulk_people(villages[(n // chunk) % 2], size, start=1_000_000 + n, seed=99)
        n += size
    return time.perf_counter() - start


def ms(samples: list[float]) -> str:
    """p95 and median in ms."""
    return f"p95 {p95(samples):.1f} / median {statistics.median(samples) * 1000:.1f} ms"


def page_plan(qs) -> str:
    """The page's query plan, in short: which index it walks and whether it sorts."""
    sql, params = qs.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        plan = "\n".join(
            str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor.fetchall()
        )
    if os.environ.get("PLANS"):
        print(plan)
    sorts = "TEMP B-TREE FOR ORDER BY" in plan or any(
        line.strip().lstrip("-> ").startswith(("Sort", "Incremental Sort")) for line in plan.splitlines()
    )
    walks = "labour_person_ledger_order" in plan
    walk = "walks labour_person_ledger_order" if walks else "does not walk the order index"
    return f"{walk}, {'sorts' if sorts else 'no sort'}"


def before_ledger(actor, county, on):
    """The dated ledger as it was queried before the stored key: scope and unit through a join
    on the org table, membership as an IN list over the periods' status index, the order through
    the joins (village path, group, household number, pinyin, id)."""
    statuses = LEDGER_STATUSES[Ledger.TRANSFER]
    periods = StatusPeriod.objects.filter(in_effect(on), status__in=statuses).values("entry_id")
    return (
        RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org"))
        .filter(subtree_q(county.path, "org__path"), pk__in=periods)
        .select_related("person", "org", "household")
        .order_by(*JOINED_ORDER)
    )


def previous_count(actor, county, on) -> int:
    """The last session's ledger_count: the people drawn from the periods' status index, each
    one's unit checked through the org join."""
    statuses = LEDGER_STATUSES[Ledger.TRANSFER]
    periods = StatusPeriod.objects.filter(in_effect(on), status__in=statuses).values("entry_id")
    qs = RegistryPerson.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q("org"))
    return qs.filter(subtree_q(county.path, "org__path"), pk__in=periods).count()


def previous_ledger(actor, county, on, size):
    """The last session's ledger_on: one query walking labour_person_ledger_order with a
    correlated EXISTS on the person's periods (a ledger of at most SORT_AT_MOST: by id, sorted)."""
    statuses = LEDGER_STATUSES[Ledger.TRANSFER]
    units = Org.objects.filter(scope_for(actor, Cap.LABOUR_VIEW).q(""))
    qs = RegistryPerson.objects.filter(org__in=units).filter(
        subtree_q(county.path, "sort_path"), org__in=Org.objects.filter(subtree_q(county.path))
    )
    if size <= SORT_AT_MOST:
        periods = StatusPeriod.objects.filter(in_effect(on), status__in=statuses).values("entry_id")
        qs = RegistryPerson.objects.filter(
            pk__in=list(qs.filter(pk__in=periods).values_list("pk", flat=True))
        )
    else:
        probe = StatusPeriod.objects.filter(in_effect(on), status__in=statuses, entry=OuterRef("pk"))
        qs = qs.filter(Exists(probe))
    return qs.select_related("person", "org", "household").order_by(*LEDGER_ORDER)


def bench_ledgers(actor, county) -> None:
    rng = random.Random(14)
    today = timezone.localdate()
    dates = [today - dt.timedelta(days=rng.randrange(0, 1500)) for _ in range(30)]
    walks = Counter()
    real_walk = LedgerPages.walk

    def walk(self, want):  # counts how the pages were found
        found = real_walk(self, want)
        walks["walked" if found is not None else "sorted"] += 1
        return found

    LedgerPages.walk = walk
    count, page, old_count, old_page, prev_count, prev_page, sizes = [], [], [], [], [], [], []
    deep, old_deep = [], []
    for on in dates:
        args = {"actor": actor, "ledger": "transfer", "on": on, "unit": county}
        elapsed, size = timed(lambda args=args: ledger_count(**args))
        count.append(elapsed)
        sizes.append(size)
        elapsed, ours = timed(
            lambda args=args, size=size: [e.pk for e in ledger_pages(**args, size=size)[:PAGE]]
        )
        page.append(elapsed)
        prev_count.append(timed(lambda on=on: previous_count(actor, county, on))[0])
        elapsed, previous = timed(
            lambda on=on, size=size: [e.pk for e in previous_ledger(actor, county, on, size)[:PAGE]]
        )
        prev_page.append(elapsed)
        old_count.append(timed(lambda on=on: before_ledger(actor, county, on).count())[0])
        elapsed, before = timed(lambda on=on: [e.pk for e in before_ledger(actor, county, on)[:PAGE]])
        old_page.append(elapsed)
        assert ours == before == previous, f"the pages differ on {on}"
        assert size == before_ledger(actor, county, on).count() == previous_count(actor, county, on), on
        elapsed, ours = timed(
            lambda args=args, size=size: [e.pk for e in ledger_pages(**args, size=size)[DEEP : DEEP + PAGE]]
        )
        deep.append(elapsed)
        elapsed, before = timed(
            lambda on=on: [e.pk for e in before_ledger(actor, county, on)[DEEP : DEEP + PAGE]]
        )
        old_deep.append(elapsed)
        assert ours == before, f"page 51 differs on {on}"
    LedgerPages.walk = real_walk
    naive = [timed(lambda on=on: brute_force_ledger("transfer", on))[0] for on in dates[:5]]
    statuses = tuple(LEDGER_STATUSES[Ledger.TRANSFER])
    count_sql = (
        "SELECT COUNT(*) FROM labour_statusperiod WHERE status IN (%s, %s, %s) AND starts_on <= %s "
        "AND (ends_on IS NULL OR ends_on > %s)"
    )
    page_sql = (
        'SELECT id FROM labour_registryperson ORDER BY sort_path, "group", sort_household, sort_pinyin, id '
        f"LIMIT {PAGE}"
    )
    count_floor, page_floor = [], []
    for on in dates:
        with connection.cursor() as cursor:
            args = [*statuses, on, on]
            elapsed, _ = timed(lambda args=args: (cursor.execute(count_sql, args), cursor.fetchone()))
            count_floor.append(elapsed)
            elapsed, _ = timed(lambda: (cursor.execute(page_sql), cursor.fetchall()))
            page_floor.append(elapsed)
    on = today - dt.timedelta(days=30)
    got = set(ledger_on(actor=actor, ledger="transfer", on=on, unit=county).values_list("pk", flat=True))
    assert got == brute_force_ledger("transfer", on), "the dated ledger differs from the brute-force filter"
    print(f"dated ledger (county, {PEOPLE:,} people, {len(got):,} in the ledger on {on}), 30 dates:")
    print(
        f"  ledger sizes: {min(sizes):,} to {max(sizes):,}, median {statistics.median(sizes):,.0f}; "
        f"{sum(1 for n in sizes if n <= SORT_AT_MOST)} of {len(dates)} dates at most {SORT_AT_MOST:,} "
        "(listed and sorted)"
    )
    print(
        f"  first page of {PAGE}: ours {ms(page)} · previous {ms(prev_page)} · before {ms(old_page)} · "
        f"raw index walk {ms(page_floor)}"
    )
    chunk = RegistryPerson.objects.filter(sort_path__gte=county.path).order_by(*LEDGER_ORDER)
    plans = (
        page_plan(chunk.values_list(*LEDGER_ORDER)[:500]),
        page_plan(previous_ledger(actor, county, on, SORT_AT_MOST + 1)[:PAGE]),
        page_plan(before_ledger(actor, county, on)[:PAGE]),
    )
    print(f"    plan of ours' chunk: {plans[0]}; previous: {plans[1]}; before: {plans[2]}")
    print(f"    pages of ours: {dict(walks)} (walked from Python, or listed and sorted)")
    print(f"    the same page in all three on all {len(dates)} dates")
    print(f"  page 51 (offset {DEEP:,}): ours {ms(deep)} · before {ms(old_deep)}; the same on all dates")
    print(
        f"  count: ours {ms(count)} · previous {ms(prev_count)} · before {ms(old_count)} · "
        f"raw COUNT over the periods {ms(count_floor)}"
    )
    print(f"    plan of ours: {count_plan(actor, county, on)}")
    both = [a + b for a, b in zip(count, page, strict=True)]
    prev_both = [a + b for a, b in zip(prev_count, prev_page, strict=True)]
    old_both = [a + b for a, b in zip(old_count, old_page, strict=True)]
    print(
        f"  count + first page: ours {ms(both)} · previous {ms(prev_both)} · before {ms(old_both)} · "
        f"naive {ms(naive)} (5 dates, whole history in Python)"
    )


def count_plan(actor, county, on) -> str:
    """Which index ledger_count reads."""
    from zhijia.labour.selectors.ledgers import _units

    statuses = LEDGER_STATUSES[Ledger.TRANSFER]
    qs = StatusPeriod.objects.filter(in_effect(on), status__in=statuses, org__in=_units(actor, county))
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        rows = cursor.fetchall()
    plan = "\n".join(str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in rows)
    if os.environ.get("PLANS"):
        print(plan)
    return "the period count index" if "labour_period_ledger_count" in plan else "NOT the period count index"


def naive_matches(job: Job, limit: int = 50) -> list:
    people = list(RegistryPerson.objects.filter(hard_q(job)).select_related("org").prefetch_related("skills"))
    scored = []
    for e in people:
        codes = {s.occupation for s in e.skills.all()}
        score = (
            40
            if job.occupation in codes
            else (15 if any(c.split("-")[0] == job.occupation.split("-")[0] for c in codes) else 0)
        )
        score += 10 if e.wanted_occupation == job.occupation else 0
        score += 10 if e.available_from is None or e.available_from <= job.starts_on else 0
        score += 5 if e.status == "unemployed" else 0
        scored.append((score, e.pk))
    return sorted(scored, reverse=True)[:limit]


def bench_matches(actor, units) -> None:
    company = units["广佛乡建公司工会"]
    jobs = []
    for code, title in SKILLS[:4]:
        job = Job.objects.filter(org=company, title=f"基准{title}").first() or Job.objects.create(
            org=company,
            title=f"基准{title}",
            occupation=code,
            place_org=units["广佛镇"],
            starts_on=timezone.localdate(),
            min_age=18,
            max_age=60,
            wage_max=6000,
        )
        jobs.append(job)
    ours = [timed(lambda j=jobs[i % 4]: job_matches(actor=actor, job=j, limit=50))[0] for i in range(20)]
    naive = [timed(lambda j=j: naive_matches(j))[0] for j in jobs[:2]]
    sql = (
        "SELECT s.entry_id FROM labour_skill s JOIN labour_registryperson r ON r.id = s.entry_id "
        "JOIN members_consent c ON c.person_id = r.person_id AND c.purpose = 'job_matching' "
        "AND c.withdrawn_at IS NULL WHERE s.occupation = %s LIMIT 50"
    )
    floor = []
    for i in range(20):
        with connection.cursor() as cursor:
            elapsed, _ = timed(lambda i=i: (cursor.execute(sql, [jobs[i % 4].occupation]), cursor.fetchall()))
        floor.append(elapsed)
    matches = job_matches(actor=actor, job=jobs[0], limit=50)
    eligible = set(RegistryPerson.objects.filter(hard_q(jobs[0])).values_list("pk", flat=True))
    assert matches and all(m.entry.pk in eligible for m in matches), "a match is not eligible"
    print(
        f"matches for one job (top 50 of {PEOPLE:,}), 20 runs over 4 jobs: ours {ms(ours)} · "
        f"naive {ms(naive)} (2 runs) · raw floor {ms(floor)}"
    )


def build_file() -> dict[int, str]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("劳动力信息采集表")
    ws.append([c.header for c in COLUMNS])
    keys = [c.key for c in COLUMNS]
    expected = {}
    rng = random.Random(7)
    for i in range(IMPORT_ROWS):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        code, title = rng.choice(SKILLS)
        row = {
            "village": "塘坊村",
            "group": f"{i % 8 + 1}组",
            "household_number": f"X{i // 3:05d}",
            "name": "导入测试",
            "id_number": cn_id("610927", born, i),
            "status": rng.choice(["转移外出就业", "未就业", "在本地就业"]),
            "status_since": "2025-03-01",
            "skill_code": code,
            "skill_title": title,
            "consent": "是",
        }
        if i % 20 == 7:
            kind = (i // 20) % 3
            if kind == 0:
                row["id_number"] = row["id_number"][:-1] + ("1" if row["id_number"][-1] != "1" else "2")
                expected[i + 2] = "id_number"
            elif kind == 1:
                row["status_since"] = "2025-02-30"
                expected[i + 2] = "status_since"
            else:
                row["skill_code"] = "9-99"
                expected[i + 2] = "skills"
        ws.append([row.get(k, "") for k in keys])
    wb.save(FILE)
    return expected


def bench_import(actor, unit) -> None:
    expected = build_file()
    floor, _ = timed(lambda: CalamineWorkbook.from_path(str(FILE)).get_sheet_by_index(0).to_python())

    def run():
        job = ImportJob.objects.create(
            kind=LABOUR_IMPORT_KIND, org=unit, created_by=actor, filename=FILE.name, source=FILE.read_bytes()
        )
        labour_import(str(job.pk))
        job.refresh_from_db()
        return job

    first, job = timed(run)
    per_row = Counter(e["row"] for e in job.errors)
    assert set(per_row) == set(expected), "the reported rows differ from the seeded bad rows"
    assert all(e["field"] == expected[e["row"]] for e in job.errors), (
        "a bad row was blamed on the wrong column"
    )
    assert job.created_count == IMPORT_ROWS - len(expected), job.created_count
    again, job2 = timed(run)
    assert job2.created_count == 0 and job2.updated_count == 0, "the re-import changed something"
    print(
        f"import {IMPORT_ROWS:,} rows ({len(expected)} bad, each reported once): "
        f"{IMPORT_ROWS / first:,.0f} rows/s · re-import {IMPORT_ROWS / again:,.0f} rows/s, nothing created · "
        f"parse floor {IMPORT_ROWS / floor:,.0f} rows/s"
    )


def main() -> None:
    units, actor = ENV.world()
    built = build_registry(units)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a maintained database has them
    print(
        f"registry: {RegistryPerson.objects.count():,} people ({built:.1f} s to generate) "
        f"on {connection.vendor}"
    )
    parts = os.environ.get("PARTS", "ledgers,matches,import").split(",")
    if "ledgers" in parts:
        bench_ledgers(actor, units["平利县总"])
    if "matches" in parts:
        bench_matches(actor, units)
    if "import" in parts:
        bench_import(actor, units["广佛镇"])


if __name__ == "__main__":
    try:
        main()
    finally:
        ENV.cleanup()
