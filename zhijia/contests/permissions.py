"""Access to contests: 404 for a missing / malformed id or one outside every grant, 403 inside
without the capability — contests.manage on the organiser; judges reach their event through
their judge seat; a contestant reaches only their own certificate."""

from typing import Any

from django.db.models import QuerySet

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .enums import EntryStatus
from .models import Contest, Entry, Event


def _get(qs, id: Any):
    pk = parse_uuid(id)
    obj = qs.filter(pk=pk).first() if pk else None
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def access_contest(*, actor: Any, id: Any, cap: str = Cap.CONTESTS_MANAGE) -> Contest:
    contest = _get(Contest.objects.select_related("org"), id)
    check(actor, cap, contest.org)
    return contest


def public_event(*, id: Any) -> Event:
    return _get(Event.objects.select_related("contest__org"), id)


def access_event(*, actor: Any, id: Any, cap: str = Cap.CONTESTS_MANAGE) -> Event:
    event = public_event(id=id)
    check(actor, cap, event.contest.org)
    return event


def access_entry(*, actor: Any, id: Any, cap: str = Cap.CONTESTS_MANAGE) -> Entry:
    entry = _get(Entry.objects.select_related("event__contest__org", "unit"), id)
    check(actor, cap, entry.event.contest.org)
    return entry


def event_entry(*, event: Event, id: Any) -> Entry:
    return _get(Entry.objects.select_related("unit", "event").filter(event=event), id)


def own_awards(*, user: Any) -> QuerySet[Entry]:
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    return (
        Entry.objects.filter(people__user=user, status=EntryStatus.CONFIRMED)
        .exclude(award="")
        .select_related("event__contest__org")
    )
