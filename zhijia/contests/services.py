"""Writes of competitions: contests and events with their marking sheets, entries registered by
unions and confirmed by the organiser, judges with declared conflicts, marks (a judge NEVER marks
an entry of their own unit or of a unit they declared a conflict with: 409 judge_conflict),
and the chief judge's lock (totals, ranks, prizes, the skill level a first prize earns, one
ledger row per participant)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, field_error
from zhijia.members.enums import ACTIVE_STATUSES, SkillLevel
from zhijia.members.models import Membership, Person
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from . import scoring
from .enums import AspectKind, ContestStatus, EntryStatus
from .models import Aspect, Contest, Entry, Event, Judge, Score

LEVELS: list[str] = [
    SkillLevel.LEVEL5,
    SkillLevel.LEVEL4,
    SkillLevel.LEVEL3,
    SkillLevel.LEVEL2,
    SkillLevel.LEVEL1,
]


def _require(actor: Any, cap: str, org: Any) -> None:
    if actor is not None:
        check(actor, cap, org)


def _text(field: str, value: Any, limit: int = 200) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        raise field_error(field, _("Enter 1 to %(n)d characters.") % {"n": limit})
    return text


def _points(field: str, value: Any, high: Decimal) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not points.is_finite() or not Decimal(0) <= points <= high:
        raise field_error(field, _("Enter a number from 0 to %(high)s.") % {"high": high})
    return points.quantize(Decimal("0.01"))


@transaction.atomic
def contest_create(*, actor: Any, org: Org, title: str, year: int) -> Contest:
    _require(actor, Cap.CONTESTS_MANAGE, org)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise field_error("year", _("Enter a year from 2000 to 2100."))
    contest = Contest.objects.create(org=org, title=_text("title", title), year=year)
    audit_log(actor=actor, action="contests.contest_create", obj=contest)
    return contest


@transaction.atomic
def event_create(
    *,
    actor: Any,
    contest: Contest,
    title: str,
    aspects: list[tuple[str, str, Any]],
    team_size: int = 1,
    prizes: tuple[int, int, int] = (1, 2, 3),
    skill_level: str = "",
) -> Event:
    """An event with its marking sheet: `aspects` are (kind, title, max points)."""
    _require(actor, Cap.CONTESTS_MANAGE, contest.org)
    if contest.status != ContestStatus.OPEN:
        raise Conflict(_("Events are added while registration is open."), code="invalid_transition")
    if not aspects or len(aspects) > 50:
        raise field_error("aspects", _("Give from 1 to 50 aspects."))
    if skill_level and skill_level not in LEVELS:  # "none" earns nothing: leave it empty
        raise field_error("skill_level", _("Choose a valid skill level."))
    if not 1 <= int(team_size) <= 20 or any(not 0 <= int(p) <= 100 for p in prizes):
        raise field_error("team_size", _("Enter a team of 1 to 20 and prizes of 0 to 100."))
    event = Event.objects.create(
        contest=contest,
        title=_text("title", title),
        team_size=int(team_size),
        first=int(prizes[0]),
        second=int(prizes[1]),
        third=int(prizes[2]),
        skill_level=skill_level,
    )
    rows = []
    for i, (kind, name, high) in enumerate(aspects):
        if kind not in AspectKind.values:
            raise field_error("aspects", _("An aspect is a measurement or a judgement."))
        points = _points("aspects", high, Decimal(1000))
        if points == 0:
            raise field_error("aspects", _("An aspect is worth more than 0 points."))
        rows.append(Aspect(event=event, kind=kind, title=_text("aspects", name), max_points=points, order=i))
    Aspect.objects.bulk_create(rows)
    audit_log(actor=actor, action="contests.event_create", obj=event, org=contest.org)
    return event


@transaction.atomic
def entry_register(*, actor: Any, event: Event, unit: Org, people: list[Person]) -> Entry:
    """A union registers an individual or a team of its active members (contests.register on
    the union, which lies in the organiser's subtree)."""
    _require(actor, Cap.CONTESTS_REGISTER, unit)
    contest = event.contest
    if contest.status != ContestStatus.OPEN:
        raise Conflict(_("Registration is closed."), code="invalid_transition")
    if not unit.path.startswith(contest.org.path):
        raise field_error("unit_id", _("Only unions within the organiser's area may register."))
    if not 1 <= len(people) <= event.team_size or len({p.pk for p in people}) != len(people):
        raise field_error("person_ids", _("Give 1 to %(n)d different members.") % {"n": event.team_size})
    members = Membership.objects.filter(
        subtree_q(unit.path, "org__path"), person__in=people, status__in=ACTIVE_STATUSES
    )
    if members.values("person").distinct().count() != len(people):
        raise field_error(
            "person_ids",
            _("Every contestant must be an active member of the registering union."),
            "not_eligible",
        )
    entry = Entry.objects.create(event=event, unit=unit)
    entry.people.set(people)
    audit_log(actor=actor, action="contests.entry_register", obj=entry, org=unit)
    return entry


@transaction.atomic
def entry_confirm(*, actor: Any, entry: Entry, confirm: bool = True) -> Entry:
    _require(actor, Cap.CONTESTS_MANAGE, entry.event.contest.org)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.SUBMITTED:
        raise Conflict(_("This entry is decided already."), code="invalid_transition")
    entry.status = EntryStatus.CONFIRMED if confirm else EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor, action="contests.entry_confirm", obj=entry, org=entry.unit, data={"confirmed": confirm}
    )
    return entry


@transaction.atomic
def contest_start(*, actor: Any, contest: Contest) -> Contest:
    """Close registration: judges may mark."""
    _require(actor, Cap.CONTESTS_MANAGE, contest.org)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != ContestStatus.OPEN:
        raise Conflict(_("Registration is closed already."), code="invalid_transition")
    contest.status = ContestStatus.RUNNING
    contest.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="contests.contest_start", obj=contest)
    return contest


@transaction.atomic
def judge_add(
    *, actor: Any, event: Event, user: Any, unit: Org, conflicts: list[Org], chief: bool = False
) -> Judge:
    _require(actor, Cap.CONTESTS_MANAGE, event.contest.org)
    try:
        with transaction.atomic():
            judge = Judge.objects.create(event=event, user=user, unit=unit, chief=chief)
    except IntegrityError:
        raise Conflict(_("This account judges the event already."), code="conflict") from None
    judge.conflicts.set(conflicts)
    audit_log(
        actor=actor,
        action="contests.judge_add",
        obj=event,
        org=event.contest.org,
        data={"judge": str(judge.pk)},
    )
    return judge


def conflicted(judge: Judge, entry: Entry) -> bool:
    """A judge never marks an entry of their own unit or of a unit they declared."""
    return entry.unit_id == judge.unit_id or judge.conflicts.filter(pk=entry.unit_id).exists()


def judge_of(*, user: Any, event: Event) -> Judge:
    judge = (
        Judge.objects.filter(event=event, user=user).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if judge is None:
        raise NotFound(code="not_a_judge")
    return judge


@transaction.atomic
def score_record(*, actor: Any, entry: Entry, aspect: Aspect, value: Any) -> Score:
    """The acting judge marks `entry` on `aspect` (a measurement: 0..max points; a judgement:
    0–3, three judges at most). Re-marking replaces the judge's own mark until the lock."""
    event = Event.objects.select_for_update().select_related("contest").get(pk=entry.event_id)
    judge = judge_of(user=actor, event=event)
    if aspect.event_id != event.pk:
        raise field_error("aspect_id", _("This aspect is not on the event's marking sheet."))
    if event.contest.status != ContestStatus.RUNNING or event.locked:
        raise Conflict(
            _("Marks are given while the contest is under way and before the lock."),
            code="invalid_transition",
        )
    if entry.status != EntryStatus.CONFIRMED:
        raise Conflict(_("Only confirmed entries are marked."), code="invalid_transition")
    if conflicted(judge, entry):
        raise Conflict(
            _("A judge never marks an entry of their own unit or of a unit they declared."),
            code="judge_conflict",
        )
    high = Decimal(3) if aspect.kind == AspectKind.JUDGEMENT else aspect.max_points
    points = _points("value", value, high)
    existing = Score.objects.filter(entry=entry, aspect=aspect, judge=judge).first()
    taken = Score.objects.filter(entry=entry, aspect=aspect).count() if existing is None else 0
    if aspect.kind == AspectKind.JUDGEMENT and taken >= scoring.JUDGES_PER_JUDGEMENT:
        raise Conflict(_("Three judges have marked this aspect."), code="judgement_panel_full")
    if aspect.kind == AspectKind.MEASUREMENT and taken:
        raise Conflict(_("Another judge has measured this aspect."), code="judgement_panel_full")
    if existing is not None:
        existing.value = points
        existing.save(update_fields=["value", "updated_at"])
        score = existing
    else:
        score = Score.objects.create(entry=entry, aspect=aspect, judge=judge, value=points)
    audit_log(
        actor=actor,
        action="contests.score_record",
        obj=entry,
        org=event.contest.org,
        data={"aspect": str(aspect.pk), "value": str(points)},
    )
    return score


def results(event: Event) -> dict[str, tuple]:
    marks = [
        scoring.Mark(
            entry=str(s.entry_id),
            aspect=str(s.aspect_id),
            kind=s.aspect.kind,
            max_points=s.aspect.max_points,
            value=s.value,
        )
        for s in Score.objects.filter(entry__event=event, entry__status=EntryStatus.CONFIRMED).select_related(
            "aspect"
        )
    ]
    return scoring.totals(marks)


@transaction.atomic
def results_lock(*, actor: Any, event: Event) -> Event:
    """The chief judge locks: totals, ranks and prizes are fixed; a first prize writes the
    event's skill level to each winner's person (never lowering one); every confirmed
    participant gets one ledger row (source CONTEST)."""
    event = Event.objects.select_for_update().select_related("contest__org").get(pk=event.pk)
    judge = judge_of(user=actor, event=event)
    if not judge.chief:
        raise PermissionDenied(_("Only the chief judge locks the results."), code="not_chief")
    if event.locked or event.contest.status != ContestStatus.RUNNING:
        raise Conflict(_("The results cannot be locked now."), code="invalid_transition")
    scores = results(event)
    ranked = scoring.ranks(scores)
    prizes = scoring.awards(ranked, first=event.first, second=event.second, third=event.third)
    now = timezone.now()
    for entry in Entry.objects.filter(event=event, status=EntryStatus.CONFIRMED).prefetch_related("people"):
        key = str(entry.pk)
        entry.total = scores[key][0] if key in scores else None
        entry.rank = ranked.get(key)
        entry.award = prizes.get(key, "")
        entry.save(update_fields=["total", "rank", "award", "updated_at"])
        for person in entry.people.all():
            if entry.award == "first" and event.skill_level:
                current = LEVELS.index(person.skill_level) if person.skill_level in LEVELS else -1
                if LEVELS.index(event.skill_level) > current:
                    Person.objects.filter(pk=person.pk).update(skill_level=event.skill_level)
            record_add(
                org=entry.unit,
                source=RecordSource.CONTEST,
                source_id=_participation_id(entry, person),
                occurred_at=now,
                title=f"{event.contest.title} · {event.title}"[:200],
                person=person,
            )
    event.locked = True
    event.save(update_fields=["locked", "updated_at"])
    if not Event.objects.filter(contest=event.contest, locked=False).exists():
        Contest.objects.filter(pk=event.contest_id).update(status=ContestStatus.LOCKED)
    audit_log(actor=actor, action="contests.results_lock", obj=event, org=event.contest.org)
    return event


def _participation_id(entry: Entry, person: Person):
    import uuid

    return uuid.uuid5(entry.pk, str(person.pk))
