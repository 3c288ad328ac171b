"""Reads of enrolments: staff lists (scope-limited), a worker's own, waiting-list positions and
the counts shown on an activity."""

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from ..enums import EnrolmentStatus
from ..models import Activity, Enrolment, Session

S = EnrolmentStatus
RELATED = ("activity__org", "session", "person", "child")


def enrolment_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Enrolment]:
    """Enrolments of activities organised within the actor's activities.enrol scope, in arrival
    order. Filters: activity (id), session (id), status, person (id)."""
    filters = filters or {}
    qs = Enrolment.objects.filter(scope_for(actor, Cap.ACTIVITIES_ENROL).q("activity__org")).select_related(
        *RELATED
    )
    for key in ("activity", "session", "person"):
        if filters.get(key):
            pk = parse_uuid(filters[key])
            qs = qs.filter(**{f"{key}_id": pk}) if pk else qs.none()
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("activity_id", "arrival")


def my_enrolments(*, user: Any) -> QuerySet[Enrolment]:
    """The worker's own enrolments (the person linked to the account), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(person__user=user, person__anonymised_at__isnull=True)
        .select_related(*RELATED)
        .order_by("-created_at")
    )


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1-based place among those waiting for the same slot, by arrival; None unless waitlisted."""
    if enrolment.status != S.WAITLISTED:
        return None
    same_slot = Q(session_id=enrolment.session_id) if enrolment.session_id else Q(session__isnull=True)
    return Enrolment.objects.filter(
        same_slot,
        activity_id=enrolment.activity_id,
        status=S.WAITLISTED,
        arrival__lte=enrolment.arrival,
    ).count()


def activity_counts(activity: Activity, session: Session | None = None) -> dict[str, int]:
    """capacity, taken, confirmed_count, waitlist_count, pending_count, offered_count of the
    activity's slot (a drop-in course: of `session`, or summed over its sessions)."""
    enrolments = Enrolment.objects.filter(activity=activity)
    if activity.per_session:
        if session is not None:
            enrolments = enrolments.filter(session=session)
            capacity, taken = session.capacity, session.taken
        else:
            sums = activity.sessions.aggregate(capacity=Sum("capacity"), taken=Sum("taken"))
            capacity, taken = sums["capacity"] or 0, sums["taken"] or 0
    else:
        capacity, taken = activity.capacity, activity.taken
    counts = enrolments.aggregate(
        confirmed_count=Count("pk", filter=Q(status=S.CONFIRMED)),
        waitlist_count=Count("pk", filter=Q(status=S.WAITLISTED)),
        pending_count=Count("pk", filter=Q(status=S.PENDING_APPROVAL)),
        offered_count=Count("pk", filter=Q(status=S.OFFERED)),
    )
    return {"capacity": capacity, "taken": taken, **counts}
