"""The statistics fold: counts new ledger rows into the rollup cells (stats.models.StatCell).

Run every 30 seconds by Celery beat (or `manage.py stats_fold`, or the scheduler `make run`
starts), so figures are at most a minute behind the ledger. Producing transactions only insert
their ledger row (`folded` false); the fold takes rows still unfolded — whatever order they
committed in — under the FoldState row lock, so two folds never count a row twice.

Each row counts for its credited unit and every ancestor it had at service time (`l0`…`l7`),
for its day and its month, in the total and in each slice (source, service, worker type, sex,
age band, station). A reversal subtracts its 人次 and money; the person leaves a cell's bitmap
only if none of their other rows in that cell still counts (checked against the person's own
ledger rows, so 服务人数 stays exact)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pyroaring import BitMap

from zhijia.records.enums import MEMBERSHIP_SOURCES, RecordSource
from zhijia.records.models import LEVELS, ServiceRecord

from .models import Dim, FoldState, StatCell, StatPerson

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000
FIELDS = (
    "id", "org_id", "source", "leg", "qty", "occurred_at", "service_code", "worker_type", "sex",
    "age_band", "position_id", "person_key", "amount", "driven", *[f"l{i}" for i in range(LEVELS)],
)  # fmt: skip
MEMBERSHIP_VALUE = {
    (RecordSource.MEMBER_JOIN, ""): "join",
    (RecordSource.MEMBER_TRANSFER, ""): "transfer_in",
    (RecordSource.MEMBER_TRANSFER, "out"): "transfer_out",
    (RecordSource.MEMBER_LEAVE, "out"): "leave",
}
Key = tuple[Any, str, date, str, str]


def day_of(row: dict[str, Any]) -> date:
    return row["occurred_at"].astimezone(SHANGHAI).date()


def cells_of(row: dict[str, Any]) -> list[Key]:
    """Every cell a ledger row counts in."""
    day = day_of(row)
    units = [row[f"l{i}"] for i in range(LEVELS) if row[f"l{i}"]]
    if row["org_id"] not in units:
        units.append(row["org_id"])
    if row["source"] in MEMBERSHIP_SOURCES:
        slices = [(Dim.MEMBERSHIP.value, MEMBERSHIP_VALUE.get((row["source"], row["leg"]), "join"))]
    else:
        slices = [
            (Dim.TOTAL.value, ""),
            (Dim.SOURCE.value, row["source"]),
            (Dim.SERVICE.value, row["service_code"]),
            (Dim.WORKER_TYPE.value, row["worker_type"]),
            (Dim.SEX.value, row["sex"]),
            (Dim.AGE_BAND.value, row["age_band"]),
        ]
        if row["position_id"]:
            slices.append((Dim.POSITION.value, str(row["position_id"])))
    keys: list[Key] = []
    for period, start in (("d", day), ("m", day.replace(day=1))):
        keys += [(unit, period, start, d, v) for unit in units for d, v in slices]
        if row["source"] not in MEMBERSHIP_SOURCES:  # which child of each unit the row came through
            below = [str(u) for u in units[1:]] + ["self"]
            keys += [
                (unit, period, start, Dim.CHILD.value, via) for unit, via in zip(units, below, strict=True)
            ]
    return keys


def person_numbers(keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    found = dict(StatPerson.objects.filter(key__in=keys).values_list("key", "id"))
    missing = keys - found.keys()
    if missing:
        StatPerson.objects.bulk_create([StatPerson(key=k) for k in sorted(missing)], ignore_conflicts=True)
        found.update(StatPerson.objects.filter(key__in=missing).values_list("key", "id"))
    return found


class Delta:
    __slots__ = ("added", "amount", "driven", "removed", "visits")

    def __init__(self) -> None:
        self.visits, self.amount, self.driven = 0, Decimal(0), Decimal(0)
        self.added: set[int] = set()
        self.removed: set[int] = set()


def _deltas(rows: list[dict[str, Any]], numbers: dict[str, int]) -> dict[Key, Delta]:
    deltas: dict[Key, Delta] = defaultdict(Delta)
    for row in rows:
        num = numbers.get(row["person_key"])
        for key in cells_of(row):
            delta = deltas[key]
            delta.visits += row["qty"]
            delta.amount += row["amount"] or 0
            delta.driven += row["driven"] or 0
            if num is not None and key[3] != Dim.MEMBERSHIP and row["qty"] > 0:
                delta.added.add(num)
    return deltas


def _removals(rows: list[dict[str, Any]], numbers: dict[str, int], deltas: dict[Key, Delta]) -> None:
    """People whose reversal leaves them with no counted row in a cell leave its bitmap."""
    reversed_people = {r["person_key"] for r in rows if r["qty"] < 0 and r["person_key"]}
    for pkey in reversed_people:
        net: dict[Key, int] = defaultdict(int)
        mine = ServiceRecord.objects.filter(person_key=pkey).exclude(source__in=MEMBERSHIP_SOURCES)
        for row in mine.values(*FIELDS):
            for key in cells_of(row):
                net[key] += row["qty"]
        for row in rows:
            if row["person_key"] == pkey and row["qty"] < 0:
                for key in cells_of(row):
                    if net[key] <= 0:
                        deltas[key].removed.add(numbers[pkey])
                        deltas[key].added.discard(numbers[pkey])


def _apply(deltas: dict[Key, Delta]) -> None:
    by_period: dict[tuple[str, date], list[Key]] = defaultdict(list)
    for key in deltas:
        by_period[(key[1], key[2])].append(key)
    for (period, start), keys in by_period.items():
        existing = {
            (c.org_id, c.period, c.start, c.dim, c.value): c
            for c in StatCell.objects.filter(
                period=period, start=start, org_id__in={k[0] for k in keys}, dim__in={k[3] for k in keys}
            )
        }
        cells = []
        for key in keys:
            delta, old = deltas[key], existing.get(key)
            people = BitMap.deserialize(bytes(old.people)) if old and old.people else BitMap()
            people |= BitMap(delta.added)
            people -= BitMap(delta.removed)
            cells.append(
                StatCell(
                    org_id=key[0], period=period, start=start, dim=key[3], value=key[4],
                    visits=(old.visits if old else 0) + delta.visits,
                    amount=(old.amount if old else 0) + delta.amount,
                    driven=(old.driven if old else 0) + delta.driven,
                    people=people.serialize() if people else b"",
                )
            )  # fmt: skip
        # One upsert of the cells' new totals (the fold holds the FoldState lock: no other fold
        # writes them meanwhile); Django's bulk_update would build a CASE per column and row.
        StatCell.objects.bulk_create(
            cells,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["org_id", "period", "start", "dim", "value"],
            update_fields=["visits", "amount", "driven", "people"],
        )


def fold_pending(limit: int = BATCH) -> int:
    """Fold up to `limit` unfolded ledger rows, oldest first, in one transaction. Returns how
    many were folded (0: nothing pending, or another fold holds the lock on PostgreSQL)."""
    with transaction.atomic():
        # The first statement writes, so SQLite takes its write lock now; PostgreSQL locks the row.
        if not FoldState.objects.filter(pk=1).update(rows=F("rows")):
            FoldState.objects.get_or_create(pk=1)
        state = FoldState.objects.select_for_update().get(pk=1)
        rows = list(
            ServiceRecord.objects.filter(folded=False).order_by("occurred_at", "id").values(*FIELDS)[:limit]
        )
        if rows:
            numbers = person_numbers({r["person_key"] for r in rows if r["person_key"]})
            deltas = _deltas(rows, numbers)
            _removals(rows, numbers, deltas)
            _apply(deltas)
            ServiceRecord.objects.filter(pk__in=[r["id"] for r in rows]).update(folded=True)
        state.rows += len(rows)
        state.folded_at = timezone.now()
        state.save(update_fields=["rows", "folded_at"])
    return len(rows)


def fold_all(limit: int = BATCH) -> int:
    """Fold until nothing is pending; returns the number of rows folded."""
    total = 0
    while n := fold_pending(limit):
        total += n
    return total
