"""Access to activity objects. An activity, its sessions and enrolments are placed by the
activity's organiser (`activity.org`): 404 outside the actor's scope (or a missing / malformed
id), 403 inside without the capability. Workers reach only their own enrolments."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhijia.core.errors import NotFound, PermissionDenied, field_error
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .error_codes import NOT_ELIGIBLE
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


@dataclass(frozen=True)
class EnrolTarget:
    """Who is enrolling whom in what: the answer of `enrolment_target`."""

    activity: Activity
    person: Any
    child: Any
    session: Session | None
    channel: str
    fresh: bool = False  # `activity` was read in this request with org and eligible_org


def enrolment_target(
    *,
    actor: Any,
    activity_id: Any,
    person_id: Any = None,
    child_id: Any = None,
    session_id: Any = None,
) -> EnrolTarget:
    """The one place that resolves an enrolment request, for the API and the phone pages alike.

    A worker enrols the person linked to their account (a draft activity, another person, a
    child who is not one of *their* children, or a session of another activity is 404 — an
    unknown id and someone else's answer the same, so nothing tells whether an id exists; no
    linked person is 403 `not_eligible`). Staff need activities.enrol on the organiser (404
    outside scope, 403 inside), name the person (400 `required`), and may name one of that
    person's children."""
    from zhijia.members.enums import Relation
    from zhijia.members.models import FamilyMember, Person
    from zhijia.members.services.card import person_of
    from zhijia.members.services.joining import is_worker

    from .enums import EnrolmentChannel

    if is_worker(actor):
        activity = _public_activity(activity_id)
        own = person_of(actor)
        wanted = parse_uuid(person_id) if person_id not in (None, "") else None
        if person_id not in (None, "") and (wanted is None or own is None or own.pk != wanted):
            raise NotFound(code="not_found")
        if own is None:
            message = _("Link your union membership to your account first.")
            raise PermissionDenied(message, code=NOT_ELIGIBLE, fields={"person_id": [message]})
        person, channel, fresh = own, EnrolmentChannel.SELF, True
    else:
        activity = access_activity(actor=actor, id=activity_id, cap=Cap.ACTIVITIES_ENROL)
        if person_id in (None, ""):
            raise field_error("person_id", _("Choose the person to enrol."), "required")
        named = Person.objects.filter(pk=_uuid_or_404(person_id), anonymised_at__isnull=True).first()
        if named is None:
            raise NotFound(code="not_found")
        person = named
        channel, fresh = EnrolmentChannel.STAFF, False
    child = None
    if child_id not in (None, ""):
        child = FamilyMember.objects.filter(
            pk=_uuid_or_404(child_id), person=person, relation=Relation.CHILD
        ).first()
        if child is None:
            raise NotFound(code="not_found")
    session = None
    if session_id not in (None, ""):
        session = Session.objects.filter(pk=_uuid_or_404(session_id), activity=activity).first()
        if session is None:
            raise NotFound(code="not_found")
    return EnrolTarget(
        activity=activity, person=person, child=child, session=session, channel=channel, fresh=fresh
    )


def _public_activity(id: Any) -> Activity:
    """A non-draft activity with its organiser and eligible org, in one query (the enrolment
    path's statement budget: no counts, no sessions prefetched)."""
    from .enums import ActivityStatus

    found = (
        Activity.objects.select_related("org", "eligible_org")
        .exclude(status=ActivityStatus.DRAFT)
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if found is None:
        raise NotFound(code="not_found")
    return found
