"""The audit hash chain: sealing (background, in order) and verification.

Writers only INSERT audit entries; a single sealer (an advisory lock on PostgreSQL, the write
lock on SQLite) later appends AuditSeal rows in entry-id order, each hash an HMAC over the
previous hash and the entry's canonical form. Hot paths therefore never wait on the chain.
An entry that commits late (its id below already-sealed ones) simply gets a later seal number.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, AuditSeal

GENESIS = "0" * 64
SEAL_LOCK_KEY = 0x5A4A_4155  # "ZJAU"
UNSEALED_GRACE = timedelta(minutes=5)


def canonical(entry: AuditEntry) -> bytes:
    return json.dumps(
        [
            entry.id,
            entry.at.astimezone(UTC).isoformat(),
            str(entry.actor_id or ""),
            entry.actor_label,
            entry.ip or "",
            str(entry.org_id or ""),
            entry.org_path,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.outcome,
            entry.data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    mac = hmac.new(settings.AUDIT_HMAC_KEY.encode(), prev_hash.encode() + b"|" + canonical(entry), hashlib.sha256)
    return mac.hexdigest()


def seal_pending(batch: int = 2000) -> int:
    """Seal entries not yet in the chain. Returns how many were sealed (0 if another sealer runs)."""
    total = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
                    if not cur.fetchone()[0]:
                        return total
            last = AuditSeal.objects.order_by("-seq").first()
            prev_hash, seq = (last.hash, last.seq) if last else (GENESIS, 0)
            pending = list(AuditEntry.objects.filter(seal__isnull=True).order_by("id")[:batch])
            seals = []
            for entry in pending:
                seq += 1
                prev_hash = chain_hash(prev_hash, entry)
                seals.append(AuditSeal(seq=seq, entry=entry, hash=prev_hash))
            AuditSeal.objects.bulk_create(seals)
        total += len(seals)
        if len(seals) < batch:
            return total


@dataclass
class Problem:
    entry_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.entry_id} (seal {self.seq}): {self.reason}"


def verify(grace: timedelta = UNSEALED_GRACE) -> list[Problem]:
    """Walk the chain in seal order and recompute every hash.

    Finds: a changed entry (hash mismatch), a deleted entry or seal (gap in seal numbers or a
    broken link), an inserted entry (no seal after the grace period), a forged seal.
    """
    problems: list[Problem] = []
    prev_hash, expected_seq = GENESIS, 1
    seals = AuditSeal.objects.select_related("entry").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        if seal.seq != expected_seq:
            problems.append(Problem(seal.entry_id, expected_seq, "seal missing: entries deleted from the chain"))
            expected_seq = seal.seq
        computed = chain_hash(prev_hash, seal.entry)
        if not hmac.compare_digest(computed, seal.hash):
            problems.append(Problem(seal.entry_id, seal.seq, "hash mismatch: entry changed or chain altered"))
        prev_hash = seal.hash
        expected_seq += 1
    cutoff = timezone.now() - grace
    for entry in AuditEntry.objects.filter(seal__isnull=True, at__lt=cutoff).order_by("id")[:100]:
        problems.append(Problem(entry.id, None, "not sealed: inserted outside the application or sealer stopped"))
    return problems
