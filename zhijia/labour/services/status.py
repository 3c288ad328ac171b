"""Employment status history. A person's StatusPeriods tile time from the first one on: each
period ends where the next begins, the last is open, and two never share a start day (the
database's unique constraint). So on any date from the first period on a person is in exactly
one status; before it, in none. Every change goes through `status_set`, which locks the person's
registry row, writes the period and re-links the chain."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.core.audit import audit_log

from ..enums import EmploymentStatus, StatusSource
from ..models import RegistryPerson, StatusPeriod
from .common import choice, day, text, user_or_none


@transaction.atomic
def status_set(
    *,
    actor: Any,
    entry: RegistryPerson,
    status: Any,
    on: Any,
    destination: Any = "",
    employer: Any = "",
    source: str = StatusSource.STAFF,
    reason: Any = "",
    audit: bool = True,
) -> tuple[StatusPeriod, bool]:
    """Record that `entry` is in `status` from `on`. A period starting that very day is
    corrected in place; otherwise a new one begins and the chain is re-linked (a back-dated
    change slots in between). Returns (period, changed). The caller has checked permission."""
    status = choice(status, "status", EmploymentStatus.values, required=True)
    start = day(on, "status_since")
    assert start is not None
    fields = {
        "status": status,
        "destination": text(destination, "destination", max_length=200),
        "employer": text(employer, "employer", max_length=200),
        "reason": text(reason, "reason", max_length=200),
    }
    RegistryPerson.objects.select_for_update().filter(pk=entry.pk).first()
    period = StatusPeriod.objects.filter(entry=entry, starts_on=start).first()
    if period is not None:
        changed = [k for k, v in fields.items() if getattr(period, k) != v]
        if not changed:
            return period, False
        for key in changed:
            setattr(period, key, fields[key])
        period.source = source
        period.save(update_fields=[*changed, "source", "updated_at"])
    else:
        period = StatusPeriod.objects.create(
            entry=entry,
            org_id=entry.org_id,
            starts_on=start,
            source=source,
            created_by=user_or_none(actor),
            **fields,
        )
    relink(entry)
    if audit:
        audit_log(
            actor=actor,
            action="labour.status",
            obj=entry,
            data={"status": status, "from": start.isoformat(), "source": source},
        )
    return period, True


def relink(entry: RegistryPerson, today: dt.date | None = None) -> None:
    """Make each period end where the next starts (the last open) and mirror the status in
    effect today on the registry row."""
    today = today or timezone.localdate()
    periods = list(StatusPeriod.objects.filter(entry=entry).order_by("starts_on"))
    changed = []
    for current, following in zip(periods, [*periods[1:], None], strict=True):
        end = following.starts_on if following is not None else None
        if current.ends_on != end:
            current.ends_on = end
            changed.append(current)
    if changed:
        StatusPeriod.objects.bulk_update(changed, ["ends_on"])
    now = next((p for p in reversed(periods) if p.starts_on <= today), None)
    status, since = (now.status, now.starts_on) if now else ("", None)
    if (entry.status, entry.status_since) != (status, since):
        entry.status, entry.status_since = status, since
        RegistryPerson.objects.filter(pk=entry.pk).update(status=status, status_since=since)


def status_on(entry: RegistryPerson, on: dt.date) -> str:
    """The status in effect on `on` ("" before the first period)."""
    period = (
        StatusPeriod.objects.filter(entry=entry, starts_on__lte=on)
        .order_by("-starts_on")
        .only("status")
        .first()
    )
    return period.status if period else ""
