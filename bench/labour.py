"""Labour registry (issue 14): a registry of PEOPLE generated people (default 100,000) in 平利县's
villages; for each measurement, ours against the naive way and the raw floor, in one run.

- dated ledger for the county (count + first page of 100), 30 random dates: ours (one query,
  EXISTS over the indexed periods, scoped) vs naive (every history in Python) vs floor (one raw
  COUNT over the periods, no scope, no join);
- matches for one job over the whole registry (top 50 with reasons), 20 runs over 4 jobs: ours
  (one scored query) vs naive (load the eligible people, score in Python, sort) vs floor (one raw
  query: consenting people with the job's skill, first 50);
- xlsx import of IMPORT_ROWS rows (5% bad in known ways) through the real task body, then the
  same file again (must create nothing), vs the parse floor (python-calamine only).

    uv run python bench/labour.py                                  # SQLite (var/bench-labour.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_labour uv run python bench/labour.py
    PEOPLE=20000 IMPORT_ROWS=1000 uv run python bench/labour.py   # a smaller run
"""

import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-labour.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from zhijia.accounts.models import User  # noqa: E402
from zhijia.core.models import ImportJob  # noqa: E402
from zhijia.demo.labour import SKILLS, bulk_people, cn_id, seed_labour  # noqa: E402
from zhijia.demo.labour_tree import pingli_tree  # noqa: E402
from zhijia.demo.seed import seed  # noqa: E402
from zhijia.labour.enums import LEDGER_STATUSES, Ledger  # noqa: E402
from zhijia.labour.models import Job, RegistryPerson  # noqa: E402
from zhijia.labour.selectors.ledgers import brute_force_ledger, ledger_on  # noqa: E402
from zhijia.labour.selectors.matching import hard_q, job_matches  # noqa: E402
from zhijia.labour.tasks import LABOUR_IMPORT_KIND, labour_import  # noqa: E402
from zhijia.labour.xlsx import COLUMNS  # noqa: E402

PEOPLE = int(os.environ.get("PEOPLE", "100000"))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", "5000"))
FILE = ROOT / "var" / "bench-labour.xlsx"
PASSWORD = "Bench-pass-2026"


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


def bench_ledgers(actor, county) -> None:
    rng = random.Random(14)
    today = timezone.localdate()
    dates = [today - dt.timedelta(days=rng.randrange(0, 1500)) for _ in range(30)]
    ours = []
    for on in dates:
        elapsed, _ = timed(
            lambda on=on: (
                ledger_on(actor=actor, ledger="transfer", on=on, unit=county).count(),
                list(ledger_on(actor=actor, ledger="transfer", on=on, unit=county)[:100]),
            )
        )
        ours.append(elapsed)
    naive = [timed(lambda on=on: brute_force_ledger("transfer", on))[0] for on in dates[:5]]
    statuses = tuple(LEDGER_STATUSES[Ledger.TRANSFER])
    sql = (
        "SELECT COUNT(*) FROM labour_statusperiod WHERE status IN (%s, %s, %s) AND starts_on <= %s "
        "AND (ends_on IS NULL OR ends_on > %s)"
    )
    floor = []
    for on in dates:
        with connection.cursor() as cursor:
            elapsed, _ = timed(lambda on=on: (cursor.execute(sql, [*statuses, on, on]), cursor.fetchone()))
        floor.append(elapsed)
    on = dates[0]
    got = set(ledger_on(actor=actor, ledger="transfer", on=on, unit=county).values_list("pk", flat=True))
    assert got == brute_force_ledger("transfer", on), "the dated ledger differs from the brute-force filter"
    print(
        f"dated ledger (county, {PEOPLE:,} people): ours p95 {p95(ours):.0f} ms · "
        f"naive p95 {p95(naive):.0f} ms (5 dates) · raw floor p95 {p95(floor):.1f} ms"
    )


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
        f"matches for one job (top 50 of {PEOPLE:,}): ours p95 {p95(ours):.0f} ms · "
        f"naive p95 {p95(naive):.0f} ms (2 runs) · raw floor p95 {p95(floor):.1f} ms"
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


def reset_import() -> None:
    """Remove the people an earlier run imported (their households are numbered X…)."""
    from zhijia.members.models import Person

    imported = RegistryPerson.objects.filter(household__number__startswith="X")
    people = list(imported.values_list("person_id", flat=True))
    imported.delete()
    Person.objects.filter(pk__in=people).delete()
    ImportJob.objects.filter(kind=LABOUR_IMPORT_KIND).delete()


def bench_import(actor, unit) -> None:
    reset_import()
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
    call_command("migrate", verbosity=0)
    seed(password=PASSWORD)
    units = pingli_tree()
    seed_labour(PASSWORD, people=0)
    built = build_registry(units)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a maintained database has them
    actor = User.objects.get(username="pingli_staff")
    print(
        f"registry: {RegistryPerson.objects.count():,} people ({built:.1f} s to generate) "
        f"on {connection.vendor}"
    )
    bench_ledgers(actor, units["平利县总"])
    bench_matches(actor, units)
    bench_import(actor, units["广佛镇"])


if __name__ == "__main__":
    main()
