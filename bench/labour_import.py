"""Labour registry import (issue 14): a 劳动力信息采集表 of ROWS generated rows (5% bad in three
known ways: a wrong ID check digit, 2025-02-30, occupation code 9-99) imported into 广佛镇 by
pingli_staff through the real task body (labour.tasks.labour_import: calamine streaming, the
form's validation per row, bulk writes per batch), then the same file again (must create and
change nothing), in one run against:

- naive: the row-by-row handler this import had before — each row in its own savepoint through
  services.registry.person_register — on a NAIVE_ROWS sample of fresh people;
- raw floor: the same number of people inserted with bulk_create only (zhijia.demo.labour
  .bulk_people: no validation, no lookups), and the parse floor (python-calamine only).

Checks that the reported rows are exactly the seeded bad rows, each on the right column, that
every good row is in the registry once, and that the re-import created nothing.

Each run makes its own database (bench/labour_env.py): a SQLite file in a temporary directory,
or the PostgreSQL database named in DATABASE_URL, created and dropped by the run.

    uv run python bench/labour_import.py               # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_labour uv run python bench/labour_import.py
    ROWS=20000 NAIVE_ROWS=500 uv run python bench/labour_import.py
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

from bench.labour_env import LabourBenchEnv  # noqa: E402

ENV = LabourBenchEnv("zhijia-bench-labour-import-")

from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from zhijia.core.errors import ApplicationError  # noqa: E402
from zhijia.core.models import ImportJob  # noqa: E402
from zhijia.demo.labour import SKILLS, bulk_people, cn_id  # noqa: E402
from zhijia.labour.enums import StatusSource  # noqa: E402
from zhijia.labour.models import RegistryPerson  # noqa: E402
from zhijia.labour.services.registry import person_register  # noqa: E402
from zhijia.labour.tasks import LABOUR_IMPORT_KIND, labour_import  # noqa: E402
from zhijia.labour.xlsx import COLUMNS, row_to_data  # noqa: E402

ROWS = int(os.environ.get("ROWS", "5000"))
NAIVE_ROWS = int(os.environ.get("NAIVE_ROWS", "300"))
FILE = ENV.file("bench-labour-import.xlsx")


def sheet_rows(count: int, first: int) -> tuple[list[dict[str, str]], dict[int, str]]:
    """`count` sheet rows of people numbered from `first`; every 20th is bad in a known way
    (row number -> the column it must be reported on)."""
    rng = random.Random(first)
    rows, expected = [], {}
    for i in range(count):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        code, title = rng.choice(SKILLS)
        row = {
            "village": rng.choice(["塘坊村", "三坪村"]),
            "group": f"{i % 8 + 1}组",
            "household_number": f"X{(first + i) // 3:06d}",
            "address": "平利县广佛镇",
            "name": rng.choice("张王李赵刘陈杨黄") + rng.choice(["大山", "小花", "建国", "秀英", "志强"]),
            "id_number": cn_id("610927", born, first + i),
            "gender": "",
            "status": rng.choice(["转移外出就业", "未就业", "在本地就业"]),
            "status_since": "2025-03-01",
            "destination": "广东东莞",
            "skill_code": code,
            "skill_title": title,
            "skill_level": "四级/中级工",
            "wanted_range": "本县",
            "assistance": rng.choice(["", "", "脱贫户", "低保"]),
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
        rows.append(row)
    return rows, expected


def write_file(rows: list[dict[str, str]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("劳动力信息采集表")
    ws.append([c.header for c in COLUMNS])
    keys = [c.key for c in COLUMNS]
    for row in rows:
        ws.append([row.get(k, "") for k in keys])
    wb.save(FILE)


def run_job(actor, unit) -> tuple[float, ImportJob]:
    job = ImportJob.objects.create(
        kind=LABOUR_IMPORT_KIND, org=unit, created_by=actor, filename=FILE.name, source=FILE.read_bytes()
    )
    start = time.perf_counter()
    labour_import(str(job.pk))
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    return elapsed, job


def naive(actor, units, rows: list[dict[str, str]]) -> float:
    """The former handler: each row through person_register in its own savepoint."""
    start = time.perf_counter()
    for row in rows:
        try:
            with transaction.atomic():
                person_register(
                    actor=actor,
                    org=units[row["village"]],
                    data=row_to_data(row),
                    source=StatusSource.IMPORT,
                    audit=False,
                )
        except ApplicationError:
            pass
    return time.perf_counter() - start


def main() -> None:
    started = time.perf_counter()
    units, actor = ENV.world()
    unit = units["广佛镇"]
    before = RegistryPerson.objects.count()
    print(f"setup {time.perf_counter() - started:.0f} s on {connection.vendor}; registry had {before:,}")

    rows, expected = sheet_rows(ROWS, 2_000_000)
    write_file(rows)
    parse = time.perf_counter()
    CalamineWorkbook.from_path(str(FILE)).get_sheet_by_index(0).to_python()
    parse = time.perf_counter() - parse

    first, job = run_job(actor, unit)
    per_row = Counter(e["row"] for e in job.errors)
    assert set(per_row) == set(expected), "the reported rows differ from the seeded bad rows"
    assert all(e["field"] == expected[e["row"]] for e in job.errors), "a bad row blamed on the wrong column"
    good = ROWS - len(expected)
    assert job.created_count == good, (job.created_count, good)
    assert RegistryPerson.objects.count() == before + good
    again, job2 = run_job(actor, unit)
    assert (job2.created_count, job2.updated_count) == (0, 0), "the re-import changed something"
    assert job2.error_count == len(expected) and RegistryPerson.objects.count() == before + good

    sample, _bad = sheet_rows(NAIVE_ROWS, 3_000_000)
    slow = naive(actor, units, sample)

    floor = time.perf_counter()
    bulk_people(units["塘坊村"], ROWS, start=4_000_000, seed=99)
    floor = time.perf_counter() - floor

    ours, re_rate, naive_rate = ROWS / first, ROWS / again, NAIVE_ROWS / slow
    floor_rate, parse_rate = ROWS / floor, ROWS / parse
    print(
        f"import {ROWS:,} rows ({len(expected)} bad, each reported once on its column): "
        f"ours {ours:,.0f} rows/s ({first:.1f} s) · re-import {re_rate:,.0f} rows/s ({again:.1f} s), "
        f"nothing created · naive {naive_rate:,.0f} rows/s ({NAIVE_ROWS} rows, {slow:.1f} s) · "
        f"raw bulk insert {floor_rate:,.0f} rows/s ({floor:.1f} s) · parse {parse_rate:,.0f} rows/s"
    )
    print(
        f"ratios: ours/naive {ours / naive_rate:.1f}x faster · raw floor/ours {floor_rate / ours:.1f}x · "
        f"re-import/naive {re_rate / naive_rate:.1f}x"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        ENV.cleanup()
