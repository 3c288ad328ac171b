"""Fixed-window attempt counters in the cache: the one way the platform counts attempts for its
rate limits (identity checks, join applications, station feedback, voucher claims).

`hit(key, timeout)` counts one attempt under `key` (the caller puts the window in the key, e.g.
`f"name:{who}:{int(time.time() // 60)}"`) and returns the count so far; the counter expires
`timeout` seconds after its first attempt. One round trip with the Redis backend
(zhijia.core.cache_backend), add + incr with any other."""

from typing import Any

from django.core.cache import cache


def hit(key: str, timeout: int, *, using: Any = None) -> int:
    backend = cache if using is None else using
    count = getattr(backend, "count", None)
    if callable(count):
        return int(count(key, timeout))
    backend.add(key, 0, timeout=timeout)
    try:
        return int(backend.incr(key))
    except ValueError:  # evicted between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1
