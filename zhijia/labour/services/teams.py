"""Service teams (服务队): a union's team of registry people serving a 乡建公司 or an enterprise,
its assignments (dates, client, pay per person-day) and attendance. Every work day recorded is
one service-ledger row (source LABOUR, credited to the team's union). labour.manage on the
team's union for all of it; roster members must be registry people the actor may see there."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import ValidationFailed, busy_as_conflict, field_error
from zhijia.dispatch.services.common import money
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import error_codes
from ..enums import TeamType
from ..models import Assignment, Attendance, RegistryPerson, Team, TeamMember
from .common import choice, day, day_start, require, text, user_or_none


@busy_as_conflict
@transaction.atomic
def team_create(
    *,
    actor: Any,
    org: Org,
    kind: Any,
    name: Any,
    serves: Org | None = None,
    leader: RegistryPerson | None = None,
) -> Team:
    require(actor, Cap.LABOUR_MANAGE, org)
    team = Team.objects.create(
        org=org,
        kind=choice(kind, "kind", TeamType.values, required=True),
        name=text(name, "name", max_length=100, required=True),
        serves=serves,
        leader=leader,
    )
    audit_log(actor=actor, action="labour.team_create", obj=team, data={"name": team.name, "kind": team.kind})
    return team


def _visible(actor: Any, entries: list[RegistryPerson]) -> None:
    if actor is None:
        return
    scope = scope_for(actor, Cap.LABOUR_VIEW)
    if not all(scope.contains(e.org) for e in entries):
        raise field_error("people", _("Pick people from the registry you can see."))


@busy_as_conflict
@transaction.atomic
def team_members_add(*, actor: Any, team: Team, entries: list[RegistryPerson], on: Any = None) -> int:
    """Put registry people on the roster from `on` (today); those already on it are skipped."""
    require(actor, Cap.LABOUR_MANAGE, team.org)
    _visible(actor, entries)
    when = day(on, "on", required=False) or timezone.localdate()
    current = set(team.members.filter(left_on__isnull=True).values_list("entry_id", flat=True))
    new = [
        TeamMember(team=team, entry=e, joined_on=when)
        for e in {e.pk: e for e in entries}.values()
        if e.pk not in current
    ]
    TeamMember.objects.bulk_create(new)
    if new:
        audit_log(actor=actor, action="labour.team_members_add", obj=team, data={"count": len(new)})
    return len(new)


@busy_as_conflict
@transaction.atomic
def team_member_remove(*, actor: Any, team: Team, entry: RegistryPerson, on: Any = None) -> None:
    require(actor, Cap.LABOUR_MANAGE, team.org)
    when = day(on, "on", required=False) or timezone.localdate()
    changed = team.members.filter(entry=entry, left_on__isnull=True).update(
        left_on=when, updated_at=timezone.now()
    )
    if changed:
        audit_log(actor=actor, action="labour.team_member_remove", obj=team, data={"entry": str(entry.pk)})


@busy_as_conflict
@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    team: Team,
    title: Any,
    starts_on: Any,
    ends_on: Any,
    day_pay: Any = 0,
    client: Org | None = None,
) -> Assignment:
    require(actor, Cap.LABOUR_MANAGE, team.org)
    starts = day(starts_on, "starts_on")
    ends = day(ends_on, "ends_on")
    assert starts is not None and ends is not None
    if ends < starts:
        raise field_error("ends_on", _("The end cannot be before the start."))
    assignment = Assignment.objects.create(
        team=team,
        title=text(title, "title", max_length=200, required=True),
        client=client or team.serves,
        starts_on=starts,
        ends_on=ends,
        day_pay=money(day_pay if day_pay not in (None, "") else 0, "day_pay"),
    )
    audit_log(
        actor=actor,
        action="labour.assignment_create",
        obj=assignment,
        org=team.org,
        data={"title": assignment.title},
    )
    return assignment


@busy_as_conflict
@transaction.atomic
def attendance_record(
    *, actor: Any, assignment: Assignment, entries: list[RegistryPerson], on: Any
) -> list[Attendance]:
    """Record that `entries` worked on `assignment` on day `on` (within its dates, not in the
    future, each on the roster that day). A day already recorded is kept once. Each new day
    writes one service-ledger row."""
    team = assignment.team
    require(actor, Cap.LABOUR_MANAGE, team.org)
    when = day(on, "day", future_days=0)
    assert when is not None
    if not assignment.starts_on <= when <= assignment.ends_on:
        raise field_error("day", _("Pick a day within the assignment's dates."))
    roster = {
        m.entry_id for m in team.members.filter(joined_on__lte=when) if m.left_on is None or m.left_on > when
    }
    outside = [e for e in entries if e.pk not in roster]
    if outside:
        msg = _("Only people on the team's roster that day can be recorded.")
        raise ValidationFailed(msg, code=error_codes.NOT_IN_TEAM, fields={"people": [msg]})
    done = set(assignment.attendance.filter(day=when).values_list("entry_id", flat=True))
    created = []
    for entry in {e.pk: e for e in entries}.values():
        if entry.pk in done:
            continue
        row = Attendance.objects.create(
            assignment=assignment, entry=entry, day=when, recorded_by=user_or_none(actor)
        )
        record_add(
            org=team.org,
            source=RecordSource.LABOUR,
            source_id=row.pk,
            occurred_at=day_start(when),
            title=_("Service team work: %(team)s") % {"team": team.name},
            person=entry.person,
            count=1,
        )
        created.append(row)
    if created:
        audit_log(
            actor=actor,
            action="labour.attendance",
            obj=assignment,
            org=team.org,
            data={"day": when.isoformat(), "count": len(created)},
        )
    return created
