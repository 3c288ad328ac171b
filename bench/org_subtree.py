"""Subtree queries on a generated province-scale tree: ours (materialised-path prefix through
the ORM) against a naive baseline (walking parent links level by level, as an adjacency list
without a path must), a recursive CTE, and the raw floor (the same prefix query as bare SQL).

    uv run python bench/org_subtree.py                       # SQLite (a file under var/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench uv run python bench/org_subtree.py

Prints per-query medians and ratios; checks that every method returns the same rows.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parent.parent / 'var' / 'bench.sqlite3'}"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from uuid6 import uuid7  # noqa: E402

from zhijia.orgs.models import Org  # noqa: E402
from zhijia.orgs.tree import segment, subtree_q  # noqa: E402

FANOUT = [1, 4, 10, 8, 6, 50]  # national, provinces, cities, districts, streets, grassroots → ~100k
LEVELS = ["national", "province", "city", "district", "street", "grassroots"]
QUERIES = 200


def build() -> list[Org]:
    Org.objects.all().delete()
    nodes, frontier = [], [None]
    for depth, fanout in enumerate(FANOUT):
        nxt = []
        for parent in frontier:
            for i in range(1, fanout + 1):
                path = (parent.path if parent else "") + segment(i)
                org = Org(
                    id=uuid7(),
                    name=f"u{depth}-{len(nodes)}",
                    level=LEVELS[depth],
                    parent=parent,
                    path=path,
                    depth=depth,
                    child_seq=FANOUT[depth + 1] if depth + 1 < len(FANOUT) else 0,
                )
                nodes.append(org)
                nxt.append(org)
        frontier = nxt
    for i in range(0, len(nodes), 5000):
        Org.objects.bulk_create(nodes[i : i + 5000])
    return nodes


def ours(org):
    return set(Org.objects.filter(subtree_q(org.path)).values_list("id", flat=True))


def naive(org):
    found, level = {org.id}, [org.id]
    while level:
        level = list(Org.objects.filter(parent_id__in=level).values_list("id", flat=True))
        found.update(level)
    return found


def cte(org):
    table = Org._meta.db_table
    sql = (
        f"WITH RECURSIVE t(id) AS (SELECT id FROM {table} WHERE id = %s "
        f"UNION ALL SELECT o.id FROM {table} o JOIN t ON o.parent_id = t.id) SELECT id FROM t"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [Org._meta.pk.get_db_prep_value(org.id, connection)])
        return {Org._meta.pk.to_python(r[0]) for r in cur.fetchall()}


def raw(org):
    table = Org._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT id FROM {table} WHERE path LIKE %s", [org.path + "%"])
        else:
            cur.execute(
                f"SELECT id FROM {table} WHERE path >= %s AND path < %s", [org.path, org.path[:-1] + "/"]
            )
        return {Org._meta.pk.to_python(r[0]) for r in cur.fetchall()}


def timed(fn, targets):
    times = []
    for org in targets:
        start = time.perf_counter()
        fn(org)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    nodes = build()
    print(f"{connection.vendor}: built {len(nodes):,} units in {time.perf_counter() - start:.1f}s")
    rng = random.Random(7)
    for depth in (3, 2):  # district (~300 units below) and city (~2,400 below)
        targets = rng.sample([n for n in nodes if n.depth == depth], 20)
        for org in targets[:5]:
            assert ours(org) == naive(org) == cte(org) == raw(org), "methods disagree"
        size = len(ours(targets[0]))
        runs = {
            name: timed(fn, targets * (QUERIES // 20 // (1 + (depth == 2) * 3)))
            for name, fn in (("ours", ours), ("naive", naive), ("cte", cte), ("raw", raw))
        }
        print(f"\n{LEVELS[depth]} subtree (~{size:,} units), median ms per query:")
        for name, ms in runs.items():
            print(f"  {name:<6} {ms:8.3f} ms   ours/{name} = {runs['ours'] / ms:5.2f}")


if __name__ == "__main__":
    main()
