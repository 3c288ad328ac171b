"""Reads of competitions."""

from typing import Any

from django.db import models
from django.db.models import QuerySet

from zhijia.accounts.models import User

from .enums import ContestStatus, EntryStatus
from .models import Aspect, Contest, Entry, Event, Judge, Score


def contest_list() -> QuerySet[Contest]:
    return Contest.objects.select_related("org").prefetch_related("events__aspects")


def judge_account(username: str) -> Any:
    return User.objects.filter(username=username, is_active=True).first()


def event_aspect(event: Event, id: Any) -> Aspect | None:
    return Aspect.objects.filter(event=event, pk=id).first()


def event_results(event: Event) -> list[Entry]:
    return list(
        Entry.objects.filter(event=event, status=EntryStatus.CONFIRMED)
        .select_related("unit")
        .prefetch_related("people")
    )


# -- the console -------------------------------------------------------------------------------


def contests_organised(*, actor: Any) -> QuerySet[Contest]:
    """Contests organised by the unions in the actor's contests.manage scope."""
    from zhijia.orgs.access import scope_for
    from zhijia.orgs.capabilities import Cap

    return (
        Contest.objects.filter(scope_for(actor, Cap.CONTESTS_MANAGE).q("org"))
        .select_related("org")
        .prefetch_related("events")
        .order_by("-year", "title", "pk")
    )


def judge_seats(user: Any) -> list[Judge]:
    """The events `user` judges, with their contest."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Judge.objects.filter(user=user)
        .select_related("event__contest__org", "unit")
        .order_by("-event__contest__year", "event__contest__title", "event__title", "pk")
    )


def contest_events(contest: Contest) -> list[Event]:
    """The contest's events with their marking sheets, entries (people, unit) and judges."""
    return list(
        Event.objects.filter(contest=contest)
        .prefetch_related(
            "aspects",
            models.Prefetch("entries", Entry.objects.select_related("unit").prefetch_related("people")),
            models.Prefetch(
                "judges", Judge.objects.select_related("user", "unit").prefetch_related("conflicts")
            ),
        )
        .order_by("title", "pk")
    )


def event_aspects(event: Event) -> list[Aspect]:
    return list(Aspect.objects.filter(event=event).order_by("order", "pk"))


def marks_of(judge: Judge) -> dict[tuple[Any, Any], Any]:
    """{(entry id, aspect id): value} of the judge's own marks."""
    return {
        (s.entry_id, s.aspect_id): s.value
        for s in Score.objects.filter(judge=judge).only("entry", "aspect", "value")
    }


def judge_units(event: Event) -> list[Any]:
    """Units a judge of `event` may come from or declare: the organiser and two levels below it,
    and the units of the event's entries (at most 300)."""
    from zhijia.orgs.models import Org
    from zhijia.orgs.tree import subtree_q

    org = event.contest.org
    near = Org.objects.filter(subtree_q(org.path)).filter(depth__lte=org.depth + 2)
    entering = Org.objects.filter(pk__in=Entry.objects.filter(event=event).values("unit_id"))
    return list((near | entering).distinct().order_by("path")[:300])


def entry_person(entry: Entry, id: Any) -> Any:
    """A contestant of `entry`, or None."""
    from zhijia.core.ids import parse_uuid

    pk = parse_uuid(id)
    return entry.people.filter(pk=pk).first() if pk else None


def open_to(unit: Any) -> list[Contest]:
    """Contests taking registrations that `unit` may enter: organised by the unit or a union
    above it."""
    from zhijia.orgs.tree import ancestor_paths

    return list(
        Contest.objects.filter(status=ContestStatus.OPEN, org__path__in=ancestor_paths(unit.path))
        .select_related("org")
        .prefetch_related("events")
        .order_by("-year", "title", "pk")[:50]
    )


def unit_entries(unit: Any) -> list[Entry]:
    """The registrations `unit` made, newest first."""
    return list(
        Entry.objects.filter(unit=unit)
        .select_related("event__contest")
        .prefetch_related("people")
        .order_by("-created_at", "pk")[:200]
    )
