"""Member ledger import: 100,000 generated rows (5% bad in five known ways) imported through the
real task body (members.tasks.member_import: calamine streaming, clean_person per row, bulk
writes per 500-row batch), against the parse floor (reading the same file with python-calamine
only) and a naive baseline (row by row: person_upsert + membership + member number + event, a
savepoint each) on a 5,000-row sample. Then the same file again: the re-import must create
nothing. Checks that every seeded bad row is reported exactly once and no good row is lost.

    uv run python bench/member_import.py                  # SQLite (var/bench-members.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_members uv run python bench/member_import.py
    ROWS=20000 uv run python bench/member_import.py       # a smaller run
"""

import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-members.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from zhijia.accounts.models import User  # noqa: E402
from zhijia.core.models import Counter as CounterRow  # noqa: E402
from zhijia.core.models import ImportJob  # noqa: E402
from zhijia.demo.members import generated_row  # noqa: E402
from zhijia.demo.seed import seed  # noqa: E402
from zhijia.members.enums import MemberStatus  # noqa: E402
from zhijia.members.ledgers.columns import COLUMNS  # noqa: E402
from zhijia.members.models import Membership, MembershipEvent, Person  # noqa: E402
from zhijia.members.services.people import member_no_issue, person_upsert  # noqa: E402
from zhijia.members.tasks import member_import  # noqa: E402
from zhijia.orgs.models import Org  # noqa: E402

ROWS = int(os.environ.get("ROWS", "100000"))
NAIVE_ROWS = 5000
FILE = ROOT / "var" / "bench-members.xlsx"
# (kind, column that must be reported, how the row is spoiled)
BAD_KINDS = [
    (
        "bad checksum",
        "id_number",
        lambda r: r.update(id_number=r["id_number"][:-1] + _other(r["id_number"][-1])),
    ),
    ("bad date", "birth_date", lambda r: r.update(birth_date="1990-02-30")),
    ("missing name", "name", lambda r: r.update(name="")),
    ("bad phone", "phone", lambda r: r.update(phone="1380000")),
    ("bad ethnicity", "ethnicity", lambda r: r.update(ethnicity="99")),
]


def _other(check: str) -> str:
    return "1" if check != "1" else "2"


def build_file() -> dict[int, str]:
    """Write ROWS rows with openpyxl write-only; returns {sheet row number: expected bad column}."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员登记表")
    ws.append([c.header for c in COLUMNS])
    expected = {}
    for i in range(1, ROWS + 1):
        row = generated_row(i)
        if i % 20 == 7:  # 5% bad, cycling through the five kinds
            _kind, column, spoil = BAD_KINDS[(i // 20) % len(BAD_KINDS)]
            spoil(row)
            expected[i + 1] = column
        ws.append([row.get(c.key, "") for c in COLUMNS])
    wb.save(FILE)
    return expected


def reset() -> None:
    MembershipEvent.objects.all().delete()
    Membership.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.filter(kind="members").delete()
    CounterRow.objects.filter(key__startswith="member_no:").delete()


def parse_floor() -> float:
    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(FILE)).get_sheet_by_index(0).to_python()
    assert len(rows) == ROWS + 1
    return time.perf_counter() - start


def ours(actor, unit) -> tuple[float, ImportJob]:
    job = ImportJob.objects.create(
        kind="members", org=unit, created_by=actor, filename=FILE.name, source=FILE.read_bytes()
    )
    start = time.perf_counter()
    member_import(str(job.pk))
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    return elapsed, job


def check(job: ImportJob, expected: dict[int, str], *, created: int) -> None:
    per_row = Counter(e["row"] for e in job.errors)
    assert set(per_row) == set(expected), "the reported rows differ from the seeded bad rows"
    assert all(n == 1 for n in per_row.values()), "a bad row was reported more than once"
    assert all(e["field"] == expected[e["row"]] for e in job.errors), (
        "a bad row was blamed on the wrong column"
    )
    assert job.created_count == created, f"created {job.created_count}, expected {created}"
    good = ROWS - len(expected)
    assert Person.objects.count() == good, "good rows were lost or duplicated"
    assert Membership.objects.filter(status=MemberStatus.MEMBER).count() == good


def naive(actor, unit_by_name) -> float:
    """The straightforward handler: each row alone, through the people service."""
    from zhijia.members.ledgers.columns import row_to_data

    rows = [generated_row(i) for i in range(10_000_001, 10_000_001 + NAIVE_ROWS)]
    start = time.perf_counter()
    for row in rows:
        with transaction.atomic():
            person, _created = person_upsert(actor=actor, data=row_to_data(row))
            org = unit_by_name[row["org"]]
            membership = Membership.objects.create(
                person=person, org=org, member_no=member_no_issue(org), joined_on=row["joined_on"]
            )
            MembershipEvent.objects.create(membership=membership, kind="imported", to_org=org, actor=actor)
    return time.perf_counter() - start


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    call_command("migrate", verbosity=0)
    seed(password="Bench-pass-2026")
    reset()
    actor, unit = User.objects.get(username="shenzhen_admin"), Org.objects.get(name="深圳市总工会")
    start = time.perf_counter()
    expected = build_file()
    print(
        f"{connection.vendor}: wrote {ROWS:,} rows ({len(expected):,} bad) to {FILE.name}, "
        f"{FILE.stat().st_size / 1e6:.1f} MB, in {time.perf_counter() - start:.1f}s"
    )
    floor = parse_floor()
    rss_before = peak_mb()
    first, job = ours(actor, unit)
    check(job, expected, created=ROWS - len(expected))
    second, again = ours(actor, unit)
    check(again, expected, created=0)
    assert again.updated_count == 0, "a re-import of the same file changed rows"
    rss_after = peak_mb()
    unit_by_name = {o.name: o for o in Org.objects.all()}
    base = naive(actor, unit_by_name)
    print(f"  parse floor  {floor:7.1f} s   {ROWS / floor:9,.0f} rows/s  (calamine to_python only)")
    print(f"  ours         {first:7.1f} s   {ROWS / first:9,.0f} rows/s  ours/floor = {first / floor:5.1f}x")
    print(
        f"  re-import    {second:7.1f} s   {ROWS / second:9,.0f} rows/s  "
        f"created {again.created_count}, updated {again.updated_count}, errors {again.error_count}"
    )
    print(
        f"  naive        {base:7.1f} s   {NAIVE_ROWS / base:9,.0f} rows/s  ({NAIVE_ROWS:,}-row sample)  "
        f"ours is {(ROWS / first) / (NAIVE_ROWS / base):4.1f}x faster"
    )
    print(f"  peak RSS {rss_after:,.0f} MB (before the imports {rss_before:,.0f} MB)")
    print(
        f"  checks: {len(expected):,} bad rows each reported once on the right column; "
        f"{ROWS - len(expected):,} good rows in; the re-import created and changed nothing"
    )


if __name__ == "__main__":
    main()
