"""Writing the service ledger (服务记录). Domains call `record_add` inside their own transaction
when a service was given (a station visit, an activity check-in, a redemption, help given…) or a
membership changed (joined, transferred, left); `record_reverse` when a service was undone.

The ledger is append-only: nothing updates or deletes a row. Each new row is queued for the
statistics fold with an `Unfolded` row in the same transaction."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from zhijia.core.crypto import blind_index
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths

from .enums import RecordSource
from .models import LEVELS, ServiceRecord, Unfolded

SHANGHAI = ZoneInfo("Asia/Shanghai")
REVERSAL, OUT = "reversal", "out"
# Age bands (years at the service): the upper bound (exclusive) and the label.
AGE_BANDS = ((25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (200, "55+"))

_levels_cache: dict[tuple[Any, str], dict[str, Any]] = {}


def org_columns(org: Org) -> dict[str, Any]:
    """The credited unit's path and its ancestor's id at each depth (`l0` … `l7`), as of now.
    Cached per process by (id, path): a moved unit has a new path, so a stale entry is never hit."""
    key = (org.pk, org.path)
    cols = _levels_cache.get(key)
    if cols is None:
        paths = ancestor_paths(org.path)
        ids = dict(Org.objects.filter(path__in=paths).values_list("path", "pk"))
        cols = {"org_path": org.path}
        for depth in range(LEVELS):
            cols[f"l{depth}"] = ids.get(paths[depth]) if depth < len(paths) else None
        if len(_levels_cache) > 50_000:
            _levels_cache.clear()
        _levels_cache[key] = cols
    return cols


def person_key(person_id: Any) -> str:
    """A stable pseudonym of a person for counting 服务人数: an HMAC of the person's id, kept on
    the row, so anonymising or deleting the person later does not change past figures."""
    return blind_index(str(person_id), "ledger-person")[:32]


def age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return ""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next(label for upper, label in AGE_BANDS if years < upper)


def person_columns(person: Any, occurred_at: datetime, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The person's columns of a ledger row; `facts` as members.Person.ledger_facts() returns them
    (computed here when not given; a bulk writer passes what it already knows)."""
    if person is None:
        return {}
    facts = facts if facts is not None else person.ledger_facts()
    return {
        "person": person,
        "person_key": person_key(person.pk),
        "member_org_id": facts.get("member_org_id"),
        "sex": facts.get("sex") or "",
        "age_band": age_band(facts.get("birth_date"), occurred_at.astimezone(SHANGHAI).date()),
        "worker_type": facts.get("worker_type") or "",
        "occupation": facts.get("occupation") or "",
    }


def record_build(
    *,
    org: Org,
    source: str,
    source_id: uuid.UUID | str,
    occurred_at: datetime,
    title: str,
    person: Any = None,
    facts: dict[str, Any] | None = None,
    visitor_group: str = "",
    services: Iterable[str] = (),
    service_code: str = "",
    position_id: uuid.UUID | str | None = None,
    count: int = 1,
    leg: str = "",
    amount: Decimal | None = None,
    driven: Decimal | None = None,
) -> ServiceRecord:
    """An unsaved ledger row with every reporting column filled (see record_add)."""
    if source not in RecordSource.values:
        raise ValueError(f"unknown record source {source!r}")
    if count < 1:
        raise ValueError("count must be at least 1")
    codes = list(services)
    return ServiceRecord(
        org=org,
        **org_columns(org),
        source=source,
        source_id=source_id,
        leg=leg,
        occurred_at=occurred_at,
        title=title[:200],
        **person_columns(person, occurred_at, facts),
        visitor_group=visitor_group or "",
        services=codes,
        service_code=(service_code or (codes[0] if codes else "") or source)[:64],
        position_id=position_id,
        count=count,
        qty=-count if leg == OUT else count,
        amount=amount,
        driven=driven,
    )


def record_add(**fields: Any) -> bool:
    """One ledger row for (`source`, `source_id`, `leg`), written once: a second call with the same
    triple changes nothing and returns False (INSERT … ON CONFLICT DO NOTHING: no savepoint, safe
    under concurrency; a new row is queued for the fold with it: _insert_one). Runs in the caller's
    transaction and writes no audit entry (the caller audits its own action). Arguments as
    record_build: `org` the unit credited, `person` a members.Person or None (anonymous visitors),
    `service_code` the shared service vocabulary (a 服务清单 item code where one applies; defaults to
    the first of `services`, else the source), `amount` money given or a voucher's face value,
    `driven` the bill a voucher drove, `leg="out"` the leaving side of a transfer (counts -1)."""
    return _insert_one(record_build(**fields))


def _insert_one(row: ServiceRecord) -> bool:
    """The row's INSERT … ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE), as bulk_create
    writes it, and its queue row for the fold; True when the row went in. On PostgreSQL one
    statement (the queue row inserted from the row's RETURNING): what the producing transaction
    pays is one round trip."""
    query = InsertQuery(ServiceRecord, on_conflict=OnConflict.IGNORE)
    query.insert_values([f for f in ServiceRecord._meta.concrete_fields], [row])
    db = router.db_for_write(ServiceRecord)
    [(statement, params)] = query.get_compiler(db).as_sql()
    with connections[db].cursor() as cur:
        if connections[db].vendor == "postgresql":
            # Django's own compiled INSERT, the values as parameters; the queue is records.Unfolded
            queued = "INSERT INTO records_unfolded SELECT id FROM r"
            cur.execute(f"WITH r AS ({statement} RETURNING id) {queued}", params)
            return cur.rowcount == 1
        cur.execute(statement, params)
        if cur.rowcount != 1:
            return False
    Unfolded.objects.using(db).create(record_id=row.pk)
    return True


def record_add_many(rows: list[ServiceRecord]) -> int:
    """Insert built rows, skipping any whose (source, source_id, leg) is already there. Returns how
    many are new (counted before the insert: the caller's transaction holds the batch)."""
    if not rows:
        return 0
    # `source` first: the unique (source, source_id, leg) index serves the lookup, not a scan.
    same = ServiceRecord.objects.filter(
        source__in={r.source for r in rows}, source_id__in=[r.source_id for r in rows]
    )
    existing = {(s, str(i), leg) for s, i, leg in same.values_list("source", "source_id", "leg")}
    ServiceRecord.objects.bulk_create(rows, ignore_conflicts=True)
    new: dict[tuple[str, str, str], Any] = {}
    for r in rows:  # the first of each triple goes in, as INSERT … ON CONFLICT DO NOTHING keeps it
        if (key := (r.source, str(r.source_id), r.leg)) not in existing:
            new.setdefault(key, r.pk)
    Unfolded.objects.bulk_create([Unfolded(record_id=pk) for pk in new.values()], ignore_conflicts=True)
    return len(new)


def record_reverse(*, source: str, source_id: uuid.UUID | str) -> bool:
    """The service of (`source`, `source_id`) was undone (a reversed voucher redemption, a help
    record withdrawn): append a reversal row that cancels it — negative count and money, and the
    same columns including the time, so every figure of every period sliced any way nets to zero
    and the person is no longer counted as served by it. Once only; False when there is nothing
    to reverse or it was reversed already. Runs in the caller's transaction, which audits."""
    original = ServiceRecord.objects.filter(source=source, source_id=source_id, leg="").first()
    if original is None:
        return False
    reversal = ServiceRecord(
        **{
            f.attname: getattr(original, f.attname)
            for f in ServiceRecord._meta.concrete_fields
            if f.attname not in {"id", "created_at", "updated_at"}
        }
    )
    reversal.leg, reversal.qty = REVERSAL, -original.qty
    reversal.amount = -original.amount if original.amount is not None else None
    reversal.driven = -original.driven if original.driven is not None else None
    return record_add_many([reversal]) == 1
