"""The statistics queries again, on a database `bench/stats.py --keep` left (PostgreSQL): 20
subtrees (five each at depths 1–4, `random.Random(12)`) × the year (or `--window FROM TO`, e.g.
the statistical year 2025-10-01 2026-09-30), summary, the floor and by child, three passes with
no naive scan between them — the first pass reads cold cells, the others warm ones. Then the
cost of a ledger row in a transaction (median of 400 alternating) and the fold of the 400 rows
it wrote.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_stats \\
        uv run --frozen python bench/stats_queries.py [--window 2025-10-01 2026-09-30]"""

import argparse
import random
import shutil
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throwaway_db import temp_dir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--window", nargs=2, type=date.fromisoformat, default=[date(2026, 1, 1), date(2026, 12, 31)]
    )
    first, last = parser.parse_args().window
    tmp = temp_dir("zhijia-bench-stats-queries-", "config.settings.dev")
    try:
        run(first, last)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(first: date, last: date) -> None:
    import django

    django.setup()
    from bench.stats import floor, timed, write_and_fold
    from zhijia.orgs.models import Org
    from zhijia.stats.figures import breakdown, summary

    rng = random.Random(12)
    by_depth = {d: list(Org.objects.filter(depth=d).only("id", "path", "depth")) for d in (1, 2, 3, 4)}
    targets = [rng.choice(by_depth[d]) for d in (1, 2, 3, 4) for _ in range(5)]
    args = [(org, first, last) for org in targets]
    for n in (1, 2, 3):
        ours = timed(lambda o, a, b: summary(o, a, b), args)
        flo = timed(floor, args)
        child = timed(lambda o, a, b: breakdown(o, a, b, "child", exact=True), args)
        print(
            f"pass {n}, subtree × {first}…{last}: p50/p95 ms  summary {ours[0]:.1f}/{ours[1]:.1f}  "
            f"floor {flo[0]:.2f}/{flo[1]:.2f}  by child {child[0]:.1f}/{child[1]:.1f}",
            flush=True,
        )
    write_and_fold(Org.objects.order_by("-depth", "path").first())


if __name__ == "__main__":
    main()
