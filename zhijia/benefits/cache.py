"""The cache in front of the claim path. Redis (the Django cache) only sheds losers early — a
cached "sold out", "not open" or "already claimed" — and never grants anything: every voucher is
decided by the database (benefits.services.claim). Every cache call is guarded: with Redis down
the gate answers None (the request goes on to the database and stays correct), writes are
skipped, and the failure is logged once per process.

Flags (all with a TTL, so a wrong flag heals itself):
- `benefits:gate:<campaign>` = "sold_out" (the open round ran out; until the next round opens) or
  "not_open" (no round open now; at most until the next one opens);
- `benefits:held:<campaign>:<user>` = hash of the idempotency key that got the voucher ("" when
  unknown): the user holds what the campaign allows (a day, or until local midnight for
  one-a-day campaigns). A retry with that same key passes the gate (it is answered by a replay);
- `benefits:replay:<campaign>:<key hash>`: a claim with this key succeeded, so the
  unauthenticated gate lets the retry through to its replay;
- `benefits:remaining:<campaign>`: the remaining stock shown on the page (1 s).

Besides, a small in-process store keeps campaign snapshots (benefits.services.claim) a few
seconds; `forget(campaign_id)` drops a campaign's snapshot and flags after a change."""

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache as _cache
from django.utils import timezone

from zhijia.core import ratelimit

from .error_codes import ALREADY_CLAIMED, NOT_OPEN, SOLD_OUT

logger = logging.getLogger("zhijia.benefits")

REMAINING_SECONDS = 1
HELD_SECONDS = 86400
MAX_FLAG_SECONDS = 3600
ENDED_FLAG_SECONDS = 300
_warned = threading.Event()


def _guard(call: Callable[..., Any], *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """Run one cache call; any failure (Redis down, timeout) gives `default`, logged once."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # the cache is an optimisation: never let it fail a request
        if not _warned.is_set():
            _warned.set()
            logger.warning("benefits cache unavailable, answering from the database: %s", type(exc).__name__)
        return default


def key_hash(idempotency_key: str) -> str:
    """A short, cache-safe digest of a client's idempotency key."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


def _gate_key(campaign_id: Any) -> str:
    return f"benefits:gate:{campaign_id}"


def _held_key(campaign_id: Any, user_id: Any) -> str:
    return f"benefits:held:{campaign_id}:{user_id}"


def _replay_key(campaign_id: Any, idempotency_key: str) -> str:
    return f"benefits:replay:{campaign_id}:{key_hash(idempotency_key)}"


def _remaining_key(campaign_id: Any) -> str:
    return f"benefits:remaining:{campaign_id}"


def gate(campaign_id: Any, user_id: Any = None, idempotency_key: str = "") -> str | None:
    """The cached answer for a claim, or None (ask the database). One cache round trip.

    Without `user_id` (before authentication) only the campaign-level answers ("sold_out",
    "not_open"); with it also "already_claimed". A request whose idempotency key already got a
    voucher passes (None), so its retry is answered by a replay, not by a flag."""
    keys = [_gate_key(campaign_id)]
    if user_id is not None:
        keys.append(_held_key(campaign_id, user_id))
    if idempotency_key:
        keys.append(_replay_key(campaign_id, idempotency_key))
    values = _guard(_cache.get_many, keys, default=None)
    if not values:
        return None
    if idempotency_key and values.get(keys[-1]):
        return None
    flag = values.get(keys[0])
    if flag in (SOLD_OUT, NOT_OPEN):
        return str(flag)
    if user_id is not None and keys[1] in values:
        held = values[keys[1]]
        if not idempotency_key or held != key_hash(idempotency_key):
            return ALREADY_CLAIMED
    return None


def _seconds_until(when: dt.datetime | None, now: dt.datetime, default: int) -> int:
    if when is None:
        return default
    return max(1, min(MAX_FLAG_SECONDS, int((when - now).total_seconds())))


def mark_sold_out(campaign_id: Any, *, next_opens_at: dt.datetime | None, now: dt.datetime) -> None:
    """The open round has no voucher left: shed claims until the next round opens."""
    ttl = _seconds_until(next_opens_at, now, MAX_FLAG_SECONDS)
    _guard(_cache.set, _gate_key(campaign_id), SOLD_OUT, ttl)


def mark_not_open(campaign_id: Any, *, next_opens_at: dt.datetime | None, now: dt.datetime) -> None:
    """No round is open: shed claims until the next one opens (a few minutes when none will)."""
    ttl = _seconds_until(next_opens_at, now, ENDED_FLAG_SECONDS)
    _guard(_cache.set, _gate_key(campaign_id), NOT_OPEN, ttl)


def held_seconds(per_day: bool, now: dt.datetime) -> int:
    """How long "already claimed" holds: until local midnight for one-a-day campaigns."""
    if not per_day:
        return HELD_SECONDS
    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - local).total_seconds()))


def mark_claimed(
    campaign_id: Any, *, user_id: Any, idempotency_key: str, held: bool, per_day: bool, now: dt.datetime
) -> None:
    """After a successful claim: the replay marker for its key, and "held" when the user may
    not claim another (`held`)."""
    values: dict[str, Any] = {}
    if idempotency_key:
        values[_replay_key(campaign_id, idempotency_key)] = "1"
    if held:
        values[_held_key(campaign_id, user_id)] = key_hash(idempotency_key) if idempotency_key else ""
    if values:
        _guard(_cache.set_many, values, held_seconds(per_day, now))


def mark_held(campaign_id: Any, *, user_id: Any, per_day: bool, now: dt.datetime) -> None:
    """After an already_claimed answer (keeps a success marker that is already there)."""
    _guard(_cache.add, _held_key(campaign_id, user_id), "", held_seconds(per_day, now))


def forget_held(campaign_id: Any, user_id: Any) -> None:
    """The user may claim again (a voucher was revoked)."""
    _guard(_cache.delete, _held_key(campaign_id, user_id))


def forget(campaign_id: Any) -> None:
    """The campaign changed (published, ended, stock carried over): drop its snapshot in this
    process and its shared gate flag and remaining count. Other processes' snapshots follow
    within SNAPSHOT seconds; the claim's guarded UPDATE re-checks the status meanwhile."""
    local_forget(("campaign", str(campaign_id)))
    _guard(_cache.delete_many, [_gate_key(campaign_id), _remaining_key(campaign_id)])


def remaining(campaign: Any, *, compute: Callable[[Any], int]) -> int:
    """`compute(campaign)` cached for REMAINING_SECONDS (may be that stale); computed directly
    when the cache is down."""
    key = _remaining_key(campaign.pk)
    found = _guard(_cache.get, key)
    if found is not None:
        return int(found)
    value = int(compute(campaign))
    _guard(_cache.set, key, value, REMAINING_SECONDS)
    return value


def throttle(name: str, ident: Any, *, limit: int, window: int = 60) -> bool:
    """Count one attempt in a fixed window; True when over `limit`. Cache down: never limits."""
    key = f"benefits:rate:{name}:{ident}:{int(time.time() // window)}"
    count = _guard(ratelimit.hit, key, window + 5, using=_cache)
    return count is not None and count > limit


# --- in-process snapshots --------------------------------------------------------------------

_local: dict[Any, tuple[float, Any]] = {}
MISSING = object()


def local_get(key: Any) -> Any:
    """A value from this process's short-lived store, or MISSING."""
    found = _local.get(key)
    if found is None or found[0] < time.monotonic():
        return MISSING
    return found[1]


def local_set(key: Any, value: Any, seconds: float) -> None:
    if len(_local) > 10_000:  # many campaigns over a long life: drop the expired ones
        now = time.monotonic()
        for k, (until, _v) in list(_local.items()):
            if until < now:
                _local.pop(k, None)
    _local[key] = (time.monotonic() + seconds, value)


def local_forget(key: Any) -> None:
    _local.pop(key, None)


def local_clear() -> None:
    """Tests: forget every snapshot."""
    _local.clear()
