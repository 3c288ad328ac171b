"""The commit-ordered change feed behind incremental station sync.

Why: a feed ordered by `updated_at` misses a row whose transaction started (and stamped its
time) before another one but committed after it: the client's cursor has already passed that
time. Here every change appends a PositionChange row in its own transaction. On PostgreSQL
the row carries the writing transaction's id, and a reader returns only rows of transactions
older than the oldest one still in flight (`txid_snapshot_xmin(txid_current_snapshot())`): those
transactions are over, so no row can still appear below that horizon, and the cursor
`(txid, seq)` never passes a change that has yet to commit. SQLite serialises writers, so a
row's `seq` is already its commit order.

Writes: `change_record(ids)` (called by a post_save receiver on Position and by
services.positions.touch). Reads: `feed_head()` and `feed_read(cursor, limit)`.
"""

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import BigIntegerField, Func, Q
from django.db.models.expressions import RawSQL

from .models import PositionChange

MAX_SEQ = 2**63 - 1


class FeedRow(NamedTuple):
    txid: int
    seq: int
    position_id: Any


def _pg() -> bool:
    return connection.vendor == "postgresql"


def change_record(position_ids: Iterable[Any]) -> None:
    """Append one feed row per position id, in the caller's transaction."""
    ids = list(dict.fromkeys(position_ids))
    if not ids:
        return
    if _pg():
        txid = Func(function="txid_current", output_field=BigIntegerField())
        for pk in ids:  # bulk_create cannot take an expression per row
            PositionChange.objects.create(position_id=pk, txid=txid)
    else:
        PositionChange.objects.bulk_create([PositionChange(position_id=pk) for pk in ids])


def encode(txid: int, seq: int) -> str:
    return f"c{txid}_{seq}"


def decode(text: str) -> tuple[int, int] | None:
    """(txid, seq) of a cursor made by encode; None when it is not one."""
    if not text.startswith("c") or "_" not in text:
        return None
    left, _sep, right = text[1:].partition("_")
    if not (left.isdigit() and right.isdigit()) or len(left) > 19 or len(right) > 19:
        return None
    txid, seq = int(left), int(right)
    return (txid, seq) if txid <= MAX_SEQ and seq <= MAX_SEQ else None


def feed_head() -> str:
    """A cursor at the feed's current end, taken BEFORE a full listing: every change the listing
    may not reflect comes after it (a change it does reflect may come again; applying it twice is
    harmless)."""
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_snapshot_xmin(txid_current_snapshot())")
            horizon = int(cursor.fetchone()[0])
        return encode(horizon - 1, MAX_SEQ)  # everything from the oldest in-flight transaction on
    last = PositionChange.objects.order_by("-seq").values_list("seq", flat=True).first()
    return encode(0, last or 0)


def feed_read(after: tuple[int, int], limit: int) -> tuple[list[FeedRow], bool]:
    """Up to `limit` feed rows after `after` in commit order, and whether more follow. On
    PostgreSQL only rows below the in-flight horizon: they are final."""
    txid, seq = after
    qs = PositionChange.objects.filter(Q(txid__gt=txid) | Q(txid=txid, seq__gt=seq))
    if _pg():
        horizon = RawSQL("txid_snapshot_xmin(txid_current_snapshot())", [], output_field=BigIntegerField())
        qs = qs.filter(txid__lt=horizon)
    rows = list(qs.order_by("txid", "seq").values_list("txid", "seq", "position_id")[: limit + 1])
    return [FeedRow(*r) for r in rows[:limit]], len(rows) > limit
