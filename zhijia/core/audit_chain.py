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
The chain alone cannot see entries cut off its *end* (delete the last N entries with their
seals and what is left is a valid, shorter chain). So every seal run, once committed, anchors
the head outside the database: a signed line (HMAC of seq, hash and count under the audit key)
appended to AUDIT_ANCHOR_FILE and written to the log. `verify` reads the anchored heads and
reports `truncated` when the database chain ends before the last anchored seal, and `changed`
when the seal there carries another hash. The operator keeps the anchor off the box
(docs/security.md). An entry inserted with a current
timestamp before the next seal run is sealed like any other: the chain protects what was
already sealed, the PostgreSQL trigger and database permissions protect the rest.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import math
import os
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
# More than the clock skew between app servers: two entries stamped further apart than this
# have their ids in the same order as their stamps.
ORDER_SLACK = timedelta(minutes=5)
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
            if seals:
                head = (seq, prev_hash)
                transaction.on_commit(lambda head=head: anchor_head(*head))  # type: ignore[misc]
        total += len(seals)
        if len(seals) < batch:
            return total
        after = seals[-1].entry_id  # the next batch starts here; stragglers wait for the next run


def _pending(last: AuditSeal | None, lookback: timedelta | None, after: int) -> QuerySet[AuditEntry]:
    """Unsealed entries in id order, looking back `lookback` before the last seal run.

    A bare unsealed anti-join, or MIN(id) WHERE at >= …, walks the whole table on SQLite, so the
    window's lower id bound is the newest entry stamped ORDER_SLACK before the window (found
    through the `at` index). Ids and stamps are not in the same order: two writers stamp, then
    insert, and the later stamp can get the smaller id (by milliseconds, or by the clock skew
    between app servers). An entry stamped in the window is more than ORDER_SLACK younger than
    the bound, so its id is above it. Without an entry that old (a young table), no bound.
    """
    pending = AuditEntry.objects.filter(seal__isnull=True).order_by("id")
    if last is None or lookback is None:
        return pending.filter(id__gt=after)
    since = last.sealed_at - lookback
    bound = AuditEntry.objects.filter(at__lt=since - ORDER_SLACK).order_by("-at").values_list("id", flat=True)
    low = bound.first()
    # One lower bound on id: given two, SQLite may range-scan on the looser one.
    return pending.filter(id__gt=max(after, low or 0), at__gte=since)


def _lock_sealer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


# --- the anchored head -------------------------------------------------------------------------

ANCHOR_VERSION = 1


def anchor_mac(seq: int, head_hash: str, count: int) -> str:
    message = f"anchor|v{ANCHOR_VERSION}|{seq}|{head_hash}|{count}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    count: int
    at: str = ""


def anchor_head(seq: int, head_hash: str) -> Anchor:
    """Write the committed head: one signed JSON line appended to AUDIT_ANCHOR_FILE (flushed to
    disk) and the same line in the log, for a log store outside the database. `count` is the
    number of seals, equal to `seq` in an intact chain (a restored, shortened copy shows the
    difference). A file that cannot be written is logged as an error; sealing goes on."""
    count = AuditSeal.objects.filter(seq__lte=seq).count()
    anchor = Anchor(seq, head_hash, count, timezone.now().astimezone(UTC).isoformat())
    line = json.dumps(
        {
            "v": ANCHOR_VERSION,
            "at": anchor.at,
            "seq": seq,
            "hash": head_hash,
            "count": count,
            "mac": anchor_mac(seq, head_hash, count),
        },
        sort_keys=True,
    )
    logger.info("audit chain head %s", line)
    path = getattr(settings, "AUDIT_ANCHOR_FILE", "")
    if path:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            logger.exception("audit chain head could not be anchored in %s", path)
    return anchor


@dataclass
class AnchorReading:
    head: Anchor | None = None  # the highest signed head
    lines: int = 0
    bad_lines: list[int] = field(default_factory=list)  # line numbers that fail their signature
    missing: bool = False


def read_anchors(path: str) -> AnchorReading:
    """The highest correctly signed head in an anchor file (lines may arrive out of order when
    two sealers finish together); lines whose signature fails are listed."""
    reading = AnchorReading()
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:
        reading.missing = True
        return reading
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            reading.lines += 1
            try:
                item = json.loads(raw)
                seq, head_hash, count = int(item["seq"]), str(item["hash"]), int(item["count"])
                good = hmac.compare_digest(anchor_mac(seq, head_hash, count), str(item["mac"]))
            except (ValueError, KeyError, TypeError):
                good = False
            if not good:
                reading.bad_lines.append(number)
                continue
            if reading.head is None or seq > reading.head.seq:
                reading.head = Anchor(seq, head_hash, count, str(item.get("at", "")))
    return reading


# --- verification -----------------------------------------------------------------------------


@dataclass
class Problem:
    kind: str  # "changed", "deleted", "unsealed", "truncated" or "anchor"
    entry_id: int | None
    seq: int | None
    missing: str = ""  # for "deleted": the missing seal numbers, "#7" or "#7-#9"

    REASONS = {
        "changed": "hash mismatch: entry changed, or its seal forged",
        "deleted": "seal {missing} missing: entries deleted from the chain before this one",
        "unsealed": "not sealed: inserted outside the application, or the sealer has not run",
        "truncated": "the chain ends before its anchored head, seal {missing}: newest entries cut off",
        "anchor": "anchor file: {missing}",
    }

    def __str__(self) -> str:
        reason = self.REASONS[self.kind].format(missing=self.missing)
        if self.kind in ("truncated", "anchor"):
            return reason
        seal = f"seal #{self.seq}" if self.seq is not None else "no seal"
        return f"entry #{self.entry_id} ({seal}): " + reason


@dataclass
class VerifyResult:
    checked: int = 0  # sealed entries walked
    pending: int = 0  # unsealed entries still within the grace period
    head_seq: int = 0
    head_hash: str = GENESIS
    anchored_seq: int | None = None  # the last signed head found in the anchor file
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    *, grace: timedelta = UNSEALED_GRACE, max_unsealed: int = 100, anchor_file: str | None = None
) -> VerifyResult:
    """Walk the chain in seal order and recompute every hash. Read-only; O(entries).

    Problems come in chain order, so the first one names the first bad entry:
    a changed entry or forged seal (hash mismatch), deleted entries (a gap in seal numbers; the
    entry after the gap is named because the deleted one is gone), an inserted entry (unsealed
    past `grace`; also the symptom of a stopped sealer, fixed by `audit_seal --all`), and, against
    the last signed head in `anchor_file` (default AUDIT_ANCHOR_FILE), entries cut off the end
    (`truncated`) or a rewritten head (`changed`).
    """
    result = VerifyResult()
    path = getattr(settings, "AUDIT_ANCHOR_FILE", "") if anchor_file is None else anchor_file
    reading = read_anchors(path) if path else None
    anchored = reading.head if reading else None
    at_anchor: AuditSeal | None = None
    prev_hash, expected = GENESIS, 1
    seals = AuditSeal.objects.select_related("entry").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        if seal.seq != expected:
            gap = f"#{expected}" if seal.seq == expected + 1 else f"#{expected}-#{seal.seq - 1}"
            result.problems.append(Problem("deleted", seal.entry_id, seal.seq, missing=gap))
        elif not hmac.compare_digest(chain_hash(prev_hash, seal.seq, seal.entry), seal.hash):
            result.problems.append(Problem("changed", seal.entry_id, seal.seq))
        if anchored is not None and seal.seq == anchored.seq:
            at_anchor = seal
        # After a gap the link cannot be checked; the stored hash anchors the rest of the walk.
        prev_hash, expected = seal.hash, seal.seq + 1
        result.checked += 1
    result.head_seq, result.head_hash = expected - 1, prev_hash
    unsealed = AuditEntry.objects.filter(seal__isnull=True)
    cutoff = timezone.now() - grace
    for entry_id in unsealed.filter(at__lt=cutoff).order_by("id").values_list("id", flat=True)[:max_unsealed]:
        result.problems.append(Problem("unsealed", entry_id, None))
    result.pending = unsealed.filter(at__gte=cutoff).count()
    if reading is not None:
        _check_anchor(result, reading, at_anchor)
    return result


def _check_anchor(result: VerifyResult, reading: AnchorReading, at_anchor: AuditSeal | None) -> None:
    for number in reading.bad_lines[:10]:
        result.problems.append(Problem("anchor", None, None, missing=f"line {number} fails its signature"))
    head = reading.head
    result.anchored_seq = head.seq if head else None
    if head is None:
        if result.head_seq and (reading.missing or reading.lines):
            what = "missing" if reading.missing else "holds no signed head"
            result.problems.append(Problem("anchor", None, None, missing=f"{what}, but the chain has seals"))
        return
    if result.head_seq < head.seq:
        gap = f"#{head.seq}" if result.head_seq + 1 == head.seq else f"#{result.head_seq + 1}-#{head.seq}"
        result.problems.append(Problem("truncated", None, head.seq, missing=gap))
    elif at_anchor is not None and not hmac.compare_digest(at_anchor.hash, head.hash):
        result.problems.append(Problem("changed", at_anchor.entry_id, head.seq))  # the chain was rewritten
