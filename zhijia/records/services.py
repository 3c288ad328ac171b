"""Writing the service ledger (服务人次). Domains call `record_add` inside their own transaction
when a service was given (a station visit, an activity check-in, a redemption…)."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from .enums import RecordSource
from .models import ServiceRecord


def record_add(
    *,
    org: Any,
    source: str,
    source_id: uuid.UUID | str,
    occurred_at: datetime,
    title: str,
    person: Any = None,
    visitor_group: str = "",
    services: Iterable[str] = (),
    position_id: uuid.UUID | str | None = None,
    count: int = 1,
) -> ServiceRecord:
    """One ledger row for (`source`, `source_id`), created once: calling again with the same pair
    returns the existing row unchanged (the unique constraint decides under concurrency; the
    losing insert runs in a savepoint so the caller's transaction stays usable). Runs in the
    caller's transaction and writes no audit entry: the caller audits its own action."""
    if source not in RecordSource.values:
        raise ValueError(f"unknown record source {source!r}")
    if count < 1:
        raise ValueError("count must be at least 1")
    existing = ServiceRecord.objects.filter(source=source, source_id=source_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
                org=org,
                source=source,
                source_id=source_id,
                occurred_at=occurred_at,
                title=title[:200],
                person=person,
                visitor_group=visitor_group or "",
                services=list(services),
                position_id=position_id,
                count=count,
            )
    except IntegrityError:
        return ServiceRecord.objects.get(source=source, source_id=source_id)


def record_remove(*, source: str, source_id: uuid.UUID | str) -> int:
    """Remove the ledger row of (`source`, `source_id`) — the service it counted was undone (a
    reversed voucher redemption). Runs in the caller's transaction, which audits the undoing;
    returns how many rows went (0 or 1)."""
    deleted, _ = ServiceRecord.objects.filter(source=source, source_id=source_id).delete()
    return deleted
