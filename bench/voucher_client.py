"""Open-loop HTTP load for bench/voucher_flash_sale.py: bench/storm_client.py's scheduler and
wire format (one connection per request, `Connection: close`, Poisson send times, a result per
request); claims send `Idempotency-Key` as a real client does (`Request.headers`)."""

from bench.storm_client import Request, Result, fire, schedule

__all__ = ["Request", "Result", "fire", "rate_schedule", "schedule"]


def rate_schedule(rate: float, count: int, seed: int = 5) -> list[float]:
    """`count` Poisson send times at `rate` requests/s on average (ends near count / rate)."""
    return schedule(count, count / rate, seed)
