"""Pure helpers of bench/voucher_flash_sale.py: answers by kind, rates and percentiles of a
subset of results, and the table lines. Results are bench.storm_client.Result-like (sent, done
in seconds from the phase start; status; body). No Django, no I/O."""

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any


def answer(result: Any) -> str:
    """ "201", "409 sold_out", "403 not_eligible", "0" (no answer) … — the status, with the
    error code of a JSON error body."""
    if not result.status:
        return "0"
    code = result.body.get("code") if isinstance(result.body, dict) else None
    return f"{result.status} {code}" if code and result.status >= 400 else str(result.status)


def answers(results: Iterable[Any]) -> dict[str, int]:
    """How many of each answer, most frequent first."""
    return dict(Counter(answer(r) for r in results).most_common())


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0 < q < 1) by the inclusive method; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


def path_stats(results: Sequence[Any], keep: Callable[[Any], bool] = lambda r: True) -> dict:
    """For the results `keep` selects: count; per_s = count / (the phase's first send → the last
    kept answer), so a path that is done early is not diluted by the answers after it; p50 and
    p99 latency (connect → last byte, ms)."""
    kept = [r for r in results if keep(r)]
    if not kept or not results:
        return {"count": 0, "per_s": 0.0, "span": 0.0, "p50": 0.0, "p99": 0.0}
    span = max(r.done for r in kept) - min(r.sent for r in results)
    latencies = sorted((r.done - r.sent) * 1000 for r in kept)
    return {
        "count": len(kept),
        "per_s": len(kept) / span if span > 0 else 0.0,
        "span": span,
        "p50": quantile(latencies, 0.5),
        "p99": quantile(latencies, 0.99),
    }


def late_p99(results: Sequence[Any]) -> float:
    """How late the scheduler sent (p99, ms): above a few ms the client, not the server, set the
    pace."""
    return quantile(sorted((r.sent - r.scheduled) * 1000 for r in results), 0.99)


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in counts.items())


def row(name: str, offered: str, stats: dict, counts: dict[str, int] | None = None) -> str:
    """One markdown table row: | variant | offered | count | per s | p50 | p99 | answers |."""
    tail = fmt_counts(counts) if counts else ""
    return (
        f"| {name} | {offered} | {stats['count']:,} | {stats['per_s']:,.0f} | {stats['p50']:,.1f} "
        f"| {stats['p99']:,.1f} | {tail} |"
    )
