"""Reads of activities: staff lists (scoped to the actor's units), the public catalogue, the
roster with attendance, the calendar, ratings and the plain-words eligibility summary."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import dates
from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.members.enums import Occupation
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import ACTIVE, ActivityStatus, EnrolmentStatus
from ..models import Activity, Attendance, Enrolment, Session

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLIC = (ActivityStatus.PUBLISHED, ActivityStatus.FINISHED, ActivityStatus.CANCELLED)


def _with_related(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related("org", "position", "room", "eligible_org").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at"))
    )


def _when(value: Any, field: str, end: bool = False) -> dt.datetime | None:
    """A filter bound: a date (whole local day) or a datetime; None when absent; a 400 naming
    `field` when unreadable or impossible (2026-02-30)."""
    return dates.parse_moment(value, field, allow_date=True, end=end)


def _common(qs: QuerySet[Activity], filters: dict[str, Any]) -> QuerySet[Activity]:
    start, end = _when(filters.get("from"), "from"), _when(filters.get("to"), "to", end=True)
    if start:
        qs = qs.filter(ends_at__gte=start)
    if end:
        qs = qs.filter(starts_at__lt=end)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    org_id = parse_uuid(filters.get("org")) if filters.get("org") else None
    if filters.get("org"):
        org = Org.objects.filter(pk=org_id).first() if org_id else None
        qs = qs.filter(subtree_q(org.path, "org__path")) if org else qs.none()
    return qs


def activity_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Activity]:
    """Activities organised in the actor's units (any role: viewers read too). Filters: from,
    to (dates or datetimes, overlapping), kind, status, category, org (subtree), q (title)."""
    filters = filters or {}
    qs = _common(Activity.objects.filter(scope_for(actor).q("org")), filters)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        qs = qs.filter(title__icontains=str(filters["q"])[:100])
    return _with_counts(_with_related(qs))


def _with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.annotate(
        confirmed_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)),
        waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
    )


def activity_get(*, actor: Any, id: Any) -> Activity:
    """One activity in the actor's units (any role), else 404."""
    pk = parse_uuid(id)
    found = (
        _with_related(Activity.objects.filter(scope_for(actor).q("org"))).filter(pk=pk).first()
        if pk
        else None
    )
    if found is None:
        raise NotFound(code="not_found")
    return found


def activity_public_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Activity]:
    """Published activities for everyone. Filters: from, to, org (subtree), kind, category,
    for_children, near = (lat, lng, radius_m) in WGS-84 (activities at a position within it)."""
    filters = filters or {}
    qs = _common(Activity.objects.filter(status=ActivityStatus.PUBLISHED), filters)
    if filters.get("for_children") not in (None, ""):
        qs = qs.filter(for_children=str(filters["for_children"]).lower() in {"1", "true", "yes", "on"})
    if filters.get("near"):
        qs = _near(qs, *filters["near"])
    return _with_counts(_with_related(qs))


def _near(qs: QuerySet[Activity], lat: float, lng: float, radius_m: float) -> QuerySet[Activity]:
    from zhijia.positions.geo import bounding_box, haversine_m
    from zhijia.positions.models import Position

    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_m)
    boxed = Position.objects.filter(
        deleted_at__isnull=True, lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng)
    ).values_list("pk", "lat", "lng")
    ids = [pk for pk, plat, plng in boxed if haversine_m(lat, lng, plat, plng) <= radius_m]
    return qs.filter(position_id__in=ids)


def activity_public_get(*, id: Any) -> Activity:
    """A published, finished or cancelled activity for everyone (drafts are 404)."""
    pk = parse_uuid(id)
    found = (
        _with_counts(_with_related(Activity.objects.filter(status__in=PUBLIC))).filter(pk=pk).first()
        if pk
        else None
    )
    if found is None:
        raise NotFound(code="not_found")
    return found


@dataclass
class RosterRow:
    enrolment: Enrolment
    attended: dict[Any, bool] = field(default_factory=dict)  # session id -> attended

    @property
    def attended_count(self) -> int:
        return sum(self.attended.values())


def roster(activity: Activity, session: Session | None = None) -> list[RosterRow]:
    """Active enrolments (holding a place or waiting) in arrival order, person / child / session
    and memberships fetched, with an attended flag per session (only `session` when given).
    Three queries whatever the size."""
    enrolments = Enrolment.objects.filter(activity=activity, status__in=ACTIVE)
    if session is not None and activity.per_session:
        enrolments = enrolments.filter(session=session)
    enrolments = enrolments.select_related("person", "child", "session").prefetch_related(
        "person__memberships"
    )
    sessions = [session.pk] if session else list(activity.sessions.values_list("pk", flat=True))
    seen = set(
        Attendance.objects.filter(session_id__in=sessions, enrolment__isnull=False).values_list(
            "enrolment_id", "session_id"
        )
    )
    return [
        RosterRow(enrolment=e, attended={s: (e.pk, s) in seen for s in sessions})
        for e in enrolments.order_by("arrival")
    ]


def walk_in_count(activity: Activity) -> int:
    return Attendance.objects.filter(session__activity=activity, enrolment__isnull=True).count()


def sessions_between(*, actor: Any, unit: Org, first: dt.date, last: dt.date) -> list[Session]:
    """Sessions from `first` to `last` (local days, inclusive) of activities organised in the
    unit's subtree that the actor may manage; cancelled activities included (the calendar shows
    them struck through)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), tz)
    return list(
        Session.objects.filter(
            scope_for(actor, Cap.ACTIVITIES_MANAGE).q("activity__org"),
            subtree_q(unit.path, "activity__org__path"),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("activity__org", "activity__position")
        .order_by("starts_at")
    )


def activity_rating(activity: Activity) -> tuple[float | None, int]:
    """(average rating rounded to one decimal or None, number of ratings)."""
    row = Enrolment.objects.filter(activity=activity, rating__isnull=False).aggregate(
        avg=Avg("rating"), n=Count("pk")
    )
    return (round(row["avg"], 1) if row["avg"] is not None else None), row["n"]


def eligibility_summary(activity: Activity) -> list[str]:
    """Who may enrol, in plain words, one sentence per rule (empty: everyone)."""
    lines: list[str] = []
    if activity.eligible_org is not None:
        lines.append(_("Members of %(org)s and its unions.") % {"org": activity.eligible_org.name})
    elif activity.members_only:
        lines.append(_("Union members only."))
    if activity.occupations:
        names = [str(Occupation(o).label) for o in activity.occupations if o in Occupation.values]
        lines.append(_("For: %(list)s.") % {"list": "、".join(names)})
    if activity.for_children:
        low, high = activity.child_age_min, activity.child_age_max
        if low is not None and high is not None:
            lines.append(_("For members' children aged %(low)d to %(high)d.") % {"low": low, "high": high})
        elif low is not None:
            lines.append(_("For members' children aged %(low)d or older.") % {"low": low})
        elif high is not None:
            lines.append(_("For members' children aged up to %(high)d.") % {"high": high})
        else:
            lines.append(_("For members' children."))
    if activity.limit_group and activity.limit_count:
        lines.append(
            _("At most %(n)d enrolment(s) per person in “%(group)s”.")
            % {"n": activity.limit_count, "group": activity.limit_group}
        )
    if activity.requires_approval:
        lines.append(_("Enrolments are approved by the organiser."))
    return lines


def sessions_at_positions(*, actor: Any, positions: list[Any], day: dt.date) -> list[Session]:
    """Sessions on local `day` (Asia/Shanghai) of live activities held at `positions` (the
    station keeper's stations, already scoped by the caller), oldest first, with `present` (the
    check-ins so far) and `can_checkin` (the actor holds activities.checkin on the organiser,
    so may open its check-in screen)."""
    start = dt.datetime.combine(day, dt.time.min, SHANGHAI)
    end = start + dt.timedelta(days=1)
    sessions: list[Session] = list(
        Session.objects.filter(
            activity__position__in=[p.pk for p in positions], starts_at__gte=start, starts_at__lt=end
        )
        .exclude(activity__status=ActivityStatus.DRAFT)
        .select_related("activity__org", "activity__position")
        .annotate(present=Count("attendances"))
        .order_by("starts_at", "id")
    )
    scope = scope_for(actor, Cap.ACTIVITIES_CHECKIN)
    for session in sessions:
        session.can_checkin = scope.contains(session.activity.org)  # type: ignore[attr-defined]
    return sessions


def present_count(session: Session) -> int:
    """How many have checked in to the session so far."""
    return Attendance.objects.filter(session=session).count()
