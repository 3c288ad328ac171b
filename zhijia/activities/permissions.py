"""Access to activity objects. An activity, its sessions and enrolments are placed by the
activity's organiser (`activity.org`): 404 outside the actor's scope (or a missing / malformed
id), 403 inside without the capability. Workers reach only their own enrolments."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import Activity, Enrolment, Session


def _uuid_or_404(value: Any) -> uuid.UUID:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def access_activity(*, actor: Any, id: Any, cap: str = Cap.ACTIVITIES_MANAGE) -> Activity:
    """The activity `id` for staff holding `cap` on its organiser (subtree grants count)."""
    activity = (
        Activity.objects.select_related("org", "position", "room", "plan_entry", "service_item")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if activity is None:
        raise NotFound(code="not_found")
    check(actor, cap, activity.org)
    return activity


def access_session(*, actor: Any, id: Any, cap: str = Cap.ACTIVITIES_CHECKIN) -> Session:
    """A session, checked like its activity (default: the check-in capability)."""
    session = (
        Session.objects.select_related("activity__org", "activity__position")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if session is None:
        raise NotFound(code="not_found")
    check(actor, cap, session.activity.org)
    return session


def access_enrolment(*, actor: Any, id: Any, cap: str = Cap.ACTIVITIES_ENROL) -> Enrolment:
    """An enrolment for staff holding `cap` on the activity's organiser."""
    enrolment = (
        Enrolment.objects.select_related("activity__org", "person", "child", "session")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if enrolment is None:
        raise NotFound(code="not_found")
    check(actor, cap, enrolment.activity.org)
    return enrolment


def own_enrolment(*, user: Any, id: Any) -> Enrolment:
    """A worker's own enrolment (of the person linked to their account); 404 for anything else."""
    pk = parse_uuid(id)
    if pk is None or not getattr(user, "is_authenticated", False):
        raise NotFound(code="not_found")
    enrolment = (
        Enrolment.objects.select_related("activity__org", "person", "child", "session")
        .filter(pk=pk, person__user=user, person__anonymised_at__isnull=True)
        .first()
    )
    if enrolment is None:
        raise NotFound(code="not_found")
    return enrolment
