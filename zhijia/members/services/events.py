"""Membership history events and their ledger rows. Every change that starts or ends a
membership (joined, imported, transferred in/out, withdrawn) is a MembershipEvent AND a row of the
service ledger (records), written together, so the statistics count members joined, transferred
and left, and members at any date, from the one ledger."""

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from zhijia.records.enums import RecordSource
from zhijia.records.services import OUT, record_add_many, record_build

from ..models import Membership, MembershipEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
# event kind → (ledger source, leg); other kinds (retained, reinstated, corrected) change no count
LEDGER_KINDS = {
    "joined": (RecordSource.MEMBER_JOIN, ""),
    "imported": (RecordSource.MEMBER_JOIN, ""),
    "transferred_in": (RecordSource.MEMBER_TRANSFER, ""),
    "transferred_out": (RecordSource.MEMBER_TRANSFER, OUT),
    "withdrawn": (RecordSource.MEMBER_LEAVE, OUT),
}


def _ledger_row(event: MembershipEvent, membership: Membership) -> Any:
    """A join counts on the day the person joined (an imported ledger brings its history with it);
    a transfer or a withdrawal on the day it happened."""
    source, leg = LEDGER_KINDS[event.kind]
    person = membership.person
    when = event.created_at or timezone.now()
    if source == RecordSource.MEMBER_JOIN and membership.joined_on and membership.joined_on <= when.date():
        when = datetime.combine(membership.joined_on, time(0, 0), SHANGHAI)
    return record_build(
        org=membership.org,
        source=source,
        source_id=event.pk,
        leg=leg,
        occurred_at=when,
        title=membership.org.name,
        person=person,
        facts=person.ledger_facts(member_org_id=membership.org_id),
    )


def events_create(events: list[MembershipEvent]) -> list[MembershipEvent]:
    """Insert history events (unsaved) and, for those that start or end a membership, their ledger
    rows. Runs in the caller's transaction. The events' memberships must carry org and person."""
    now = timezone.now()
    for event in events:
        event.created_at = event.created_at or now
    MembershipEvent.objects.bulk_create(events)
    record_add_many([_ledger_row(e, e.membership) for e in events if e.kind in LEDGER_KINDS])
    return events


def event_create(
    *, membership: Membership, kind: str, actor: Any = None, note: str = "", **orgs: Any
) -> MembershipEvent:
    """One history event (and its ledger row when it starts or ends a membership)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = MembershipEvent(membership=membership, kind=kind, actor=user, note=note[:500], **orgs)
    return events_create([event])[0]
