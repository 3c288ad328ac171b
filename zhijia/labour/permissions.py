"""Access to labour objects: 404 for a missing / malformed id or an object outside all of the
actor's grants, 403 inside without the capability (orgs.access.check).

Placement: a registry person by their village (`entry.org`); a job by its employer (`job.org`);
a referral by its person's village or its job's employer (either side); a team by its union.
A village surveyor holds labour.view and labour.survey on one village, so sees only that
village's people."""

from collections.abc import Iterable
from typing import Any

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .models import Assignment, Job, Referral, RegistryPerson, Team

WRITE_PEOPLE = (Cap.LABOUR_MANAGE, Cap.LABOUR_SURVEY)


def _pk(value: Any) -> Any:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def _found(obj: Any) -> Any:
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def check_any(actor: Any, caps: Iterable[str], org: Org | None) -> None:
    """Like orgs.access.check with several capabilities: passes when one of them covers `org`."""
    if actor is None:
        return
    if not scope_for(actor).contains(org):
        raise NotFound(code="not_found")
    if not any(scope_for(actor, cap).contains(org) for cap in caps):
        raise PermissionDenied(code="permission_denied")


def access_entry(*, actor: Any, id: Any, write: bool = False) -> RegistryPerson:
    """A registry person: labour.view to read; labour.manage or labour.survey to change."""
    entry = _found(
        RegistryPerson.objects.select_related("person", "org", "household").filter(pk=_pk(id)).first()
    )
    if write:
        check_any(actor, WRITE_PEOPLE, entry.org)
    else:
        check(actor, Cap.LABOUR_VIEW, entry.org)
    return entry


def access_job(*, actor: Any, id: Any, cap: str = Cap.LABOUR_VIEW) -> Job:
    job = _found(Job.objects.select_related("org", "place_org").filter(pk=_pk(id)).first())
    check(actor, cap, job.org)
    return job


def access_referral(*, actor: Any, id: Any) -> Referral:
    """A referral for labour.manage on its job's employer or on its person's village."""
    referral = _found(
        Referral.objects.select_related("job__org", "job__place_org", "entry__org", "entry__person")
        .filter(pk=_pk(id))
        .first()
    )
    visible = scope_for(actor)
    if not (visible.contains(referral.job.org) or visible.contains(referral.entry.org)):
        raise NotFound(code="not_found")
    manage = scope_for(actor, Cap.LABOUR_MANAGE)
    if not (manage.contains(referral.job.org) or manage.contains(referral.entry.org)):
        raise PermissionDenied(code="permission_denied")
    return referral


def access_team(*, actor: Any, id: Any, cap: str = Cap.LABOUR_VIEW) -> Team:
    team = _found(Team.objects.select_related("org", "serves", "leader__person").filter(pk=_pk(id)).first())
    check(actor, cap, team.org)
    return team


def access_assignment(*, actor: Any, id: Any, cap: str = Cap.LABOUR_MANAGE) -> Assignment:
    assignment = _found(Assignment.objects.select_related("team__org", "client").filter(pk=_pk(id)).first())
    check(actor, cap, assignment.team.org)
    return assignment


def access_unit(*, actor: Any, id: Any, cap: str = Cap.LABOUR_VIEW) -> Org:
    """A unit named in a request (a village, an employer, a county) on which the actor holds `cap`."""
    org = _found(Org.objects.filter(pk=_pk(id)).first())
    check(actor, cap, org)
    return org


def access_unit_any(*, actor: Any, id: Any, caps: Iterable[str]) -> Org:
    org = _found(Org.objects.filter(pk=_pk(id)).first())
    check_any(actor, caps, org)
    return org


def access_labour_import(*, actor: Any, id: Any) -> Any:
    """A registry import job, for holders of labour.manage on the unit it was started in (its
    errors quote the file); 404 for other kinds of job and outside scope."""
    from zhijia.core.models import ImportJob

    job = _found(ImportJob.objects.filter(pk=_pk(id), kind="labour").select_related("org").first())
    check(actor, Cap.LABOUR_MANAGE, job.org)
    return job
