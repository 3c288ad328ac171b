"""The audit hash chain: sealing (after commit or in the background, in order) and verification.

Writers only INSERT AuditEntry rows and never touch the chain, so hot paths do not wait on it.
A sealer later appends AuditSeal rows in entry-id order: seal `seq` covers one entry and its hash
is HMAC(key, previous hash | seq | canonical form of the entry). One sealer runs at a time (a
transaction-scoped advisory lock on PostgreSQL; on SQLite the IMMEDIATE transaction already holds
the database write lock), so sealing is idempotent and safe to start from many places at once.

An entry that commits late (id below already-sealed ones) simply gets a later seal number. To
keep each run cheap, a normal run only looks at entries written since shortly before the last
seal (SEAL_LOOKBACK); `seal_pending(lookback=None)` (`audit_seal --all`) scans everything.

What verification proves: without the HMAC key (kept in the app's environment, not in the
database) nobody can change, insert into or remove from the middle of the sealed chain unseen.
It cannot see entries cut off the *end* of the chain; the sealer logs the head (seq, hash) after
every run so a log store outside the database anchors it. An entry inserted with a current
timestamp before the next seal run is sealed like any other: the chain protects what was
already sealed, the PostgreSQL trigger and database permissions protect the rest.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry, AuditSeal

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
CANONICAL_VERSION = "v1"
SEAL_LOCK_KEY = 0x5A4A_4155  # "ZJAU"
# Longer than any transaction that writes audit entries plus clock skew between app servers.
SEAL_LOOKBACK = timedelta(hours=1)
# verify() reports unsealed entries older than this (younger ones may still be committing).
UNSEALED_GRACE = timedelta(minutes=5)


# --- canonical form ---------------------------------------------------------------------------


def canonical(entry: AuditEntry) -> bytes:
    """The bytes a seal covers. Identical for an entry read back from SQLite or PostgreSQL:
    the time in UTC with microseconds, the IP as packed bytes (PostgreSQL `inet` rewrites IPv6
    text), JSON with sorted keys, ASCII escapes and integral floats as ints (jsonb turns 1e2 into
    100; any other float reads back as the same float, so its repr is stable).
    """
    fields = [
        CANONICAL_VERSION,
        entry.id,
        entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        str(entry.actor_id or ""),
        entry.actor_label,
        _ip(entry.ip),
        str(entry.org_id or ""),
        entry.org_path,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.outcome,
        entry.data,
    ]
    return _json(fields).encode("ascii")


def _ip(value: str | None) -> str:
    if not value:
        return ""
    try:
        return ipaddress.ip_address(value).packed.hex()
    except ValueError:
        return str(value)


def _json(value: Any) -> str:
    return json.dumps(_plain_numbers(value), sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _plain_numbers(value: Any) -> Any:
    """Floats with an integral value become ints (jsonb hands 1e2 and 1.0 back as integers),
    exactly as written in decimal (1e23 is 10**23, not the nearest binary value)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_numbers(v) for v in value]
    return value


def chain_hash(prev_hash: str, seq: int, entry: AuditEntry) -> str:
    message = f"{prev_hash}|{seq}|".encode() + canonical(entry)
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- sealing ----------------------------------------------------------------------------------


def seal_pending(*, batch: int = 2000, lookback: timedelta | None = SEAL_LOOKBACK) -> int:
    """Seal every committed, unsealed entry, in id order. Returns how many were sealed.

    Blocks on the sealer lock while another sealer runs (each run is short), then finds that
    sealer's work done; so when this returns, every entry committed before the call (and written
    within the lookback) is sealed. `lookback=None` scans the whole table (after a transaction
    longer than SEAL_LOOKBACK, or to seal a restored copy).
    """
    total, after = 0, 0
    while True:
        with transaction.atomic():
            _lock_sealer()
            last = AuditSeal.objects.order_by("-seq").first()
            prev_hash, seq = (last.hash, last.seq) if last else (GENESIS, 0)
            seals = []
            for entry in _pending(last, lookback, after)[:batch]:
                seq += 1
                prev_hash = chain_hash(prev_hash, seq, entry)
                seals.append(AuditSeal(seq=seq, entry=entry, hash=prev_hash))
            AuditSeal.objects.bulk_create(seals)
        total += len(seals)
        if len(seals) < batch:
            if seals:
                logger.info("audit chain sealed %d, head seq=%d hash=%s", total, seq, prev_hash)
            return total
        after = seals[-1].entry_id  # the next batch starts here; stragglers wait for the next run


def _pending(last: AuditSeal | None, lookback: timedelta | None, after: int) -> QuerySet[AuditEntry]:
    """Unsealed entries in id order, looking back `lookback` before the last seal run.

    The window starts at the id of its oldest entry (found through the `at` index): a bare
    unsealed anti-join, or MIN(id) WHERE at >= …, walks the whole table on SQLite. An entry
    with a smaller id but a later `at` can only be one written in the same instant, an hour
    before the last seal run, and is long committed and sealed.
    """
    pending = AuditEntry.objects.filter(seal__isnull=True).order_by("id")
    if last is None or lookback is None:
        return pending.filter(id__gt=after)
    since = last.sealed_at - lookback
    low = AuditEntry.objects.filter(at__gte=since).order_by("at").values_list("id", flat=True).first()
    if low is None:
        return pending.none()
    # One lower bound on id: given two, SQLite may range-scan on the looser one.
    return pending.filter(id__gt=max(after, low - 1), at__gte=since)


def _lock_sealer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


# --- verification -----------------------------------------------------------------------------


@dataclass
class Problem:
    kind: str  # "changed", "deleted" or "unsealed"
    entry_id: int | None
    seq: int | None
    missing: str = ""  # for "deleted": the missing seal numbers, "#7" or "#7-#9"

    REASONS = {
        "changed": "hash mismatch: entry changed, or its seal forged",
        "deleted": "seal {missing} missing: entries deleted from the chain before this one",
        "unsealed": "not sealed: inserted outside the application, or the sealer has not run",
    }

    def __str__(self) -> str:
        seal = f"seal #{self.seq}" if self.seq is not None else "no seal"
        return f"entry #{self.entry_id} ({seal}): " + self.REASONS[self.kind].format(missing=self.missing)


@dataclass
class VerifyResult:
    checked: int = 0  # sealed entries walked
    pending: int = 0  # unsealed entries still within the grace period
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, grace: timedelta = UNSEALED_GRACE, max_unsealed: int = 100) -> VerifyResult:
    """Walk the chain in seal order and recompute every hash. Read-only; O(entries).

    Problems come in chain order, so the first one names the first bad entry:
    a changed entry or forged seal (hash mismatch), deleted entries (a gap in seal numbers; the
    entry after the gap is named because the deleted one is gone), an inserted entry (unsealed
    past `grace`; also the symptom of a stopped sealer, fixed by `audit_seal --all`).
    """
    result = VerifyResult()
    prev_hash, expected = GENESIS, 1
    seals = AuditSeal.objects.select_related("entry").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        if seal.seq != expected:
            gap = f"#{expected}" if seal.seq == expected + 1 else f"#{expected}-#{seal.seq - 1}"
            result.problems.append(Problem("deleted", seal.entry_id, seal.seq, missing=gap))
        elif not hmac.compare_digest(chain_hash(prev_hash, seal.seq, seal.entry), seal.hash):
            result.problems.append(Problem("changed", seal.entry_id, seal.seq))
        # After a gap the link cannot be checked; the stored hash anchors the rest of the walk.
        prev_hash, expected = seal.hash, seal.seq + 1
        result.checked += 1
    result.head_seq, result.head_hash = expected - 1, prev_hash
    unsealed = AuditEntry.objects.filter(seal__isnull=True)
    cutoff = timezone.now() - grace
    for entry_id in unsealed.filter(at__lt=cutoff).order_by("id").values_list("id", flat=True)[:max_unsealed]:
        result.problems.append(Problem("unsealed", entry_id, None))
    result.pending = unsealed.filter(at__gte=cutoff).count()
    return result
