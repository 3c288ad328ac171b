"""Activity and session lifecycle: create (also from a plan entry), edit, publish, cancel,
finish, duplicate; sessions. Callers have checked access (activities.permissions, capability
activities.manage on the organiser); every service runs in one transaction and is audited.
Enrolment, capacity and the waiting list belong to services.enrolment."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.members.notices import notify
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .. import error_codes
from ..enums import ACTIVE, ActivityKind, ActivityStatus, EnrolmentStatus
from ..models import Activity, Attendance, Enrolment, Session
from .activity_fields import clean_activity, clean_session
from .checkin import enrolment_rate  # noqa: F401  (re-exported: ratings sit with attendance)

EDITABLE = (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED)


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().select_related("org").get(pk=activity.pk)


def _ensure(activity: Activity, *statuses: str) -> None:
    if activity.status not in statuses:
        raise Conflict(
            _("This activity is %(status)s: that is not possible now.")
            % {"status": activity.get_status_display()},
            code=error_codes.INVALID_TRANSITION,
        )


def _sync_span(activity: Activity) -> None:
    """starts_at / ends_at follow the sessions."""
    spans = list(activity.sessions.values_list("starts_at", "ends_at"))
    activity.starts_at = min((s for s, _e in spans), default=None)
    activity.ends_at = max((e for _s, e in spans), default=None)
    activity.save(update_fields=["starts_at", "ends_at", "updated_at"])


def _set_co_organisers(activity: Activity, orgs: list | None) -> None:
    if orgs is not None:
        activity.co_organisers.set(orgs)


@transaction.atomic
def activity_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Activity:
    """A draft activity of `org` (the caller checked activities.manage there). `data`: see the
    activities contract; `sessions` ([{title, starts_at, ends_at, live_url, replay_url,
    capacity}], at least one) set starts_at / ends_at. Field errors name the data key."""
    fields, extra = clean_activity(actor=actor, data=data, creating=True)
    sessions = [clean_session(s, index=i) for i, s in enumerate(data.get("sessions") or [])]
    if not sessions:
        raise field_error("sessions", _("Add at least one session."), code="required")
    activity = Activity.objects.create(
        org=org, created_by=_user(actor), status=ActivityStatus.DRAFT, **fields
    )
    for values in sessions:
        Session.objects.create(activity=activity, **_session_values(activity, values))
    _set_co_organisers(activity, extra.get("co_organisers"))
    _sync_span(activity)
    audit_log(actor=actor, action="activity.create", obj=activity, data={"title": activity.title})
    return activity


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _session_values(activity: Activity, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    capacity = out.pop("capacity", None)
    out["capacity"] = (capacity if capacity is not None else activity.capacity) if activity.per_session else 0
    return out


@transaction.atomic
def activity_from_plan_entry(*, actor: Any, entry: Any) -> Activity:
    """A draft prefilled from a plan entry (title, category, position, planned participants as
    capacity) at the plan's union, with a placeholder session on the first day of the entry's
    month, 09:00–11:00. Needs activities.manage on the plan's union (404/403)."""
    plan = entry.plan
    check(actor, Cap.ACTIVITIES_MANAGE, plan.org)
    start = timezone.make_aware(dt.datetime(plan.year, entry.month, 1, 9, 0))
    return activity_create(
        actor=actor,
        org=plan.org,
        data={
            "kind": ActivityKind.EVENT,
            "title": entry.title,
            "category": entry.category,
            "plan_entry_id": entry.pk,
            "position_id": entry.position_id,
            "capacity": entry.planned_participants or 0,
            "sessions": [{"starts_at": start, "ends_at": start + dt.timedelta(hours=2)}],
        },
    )


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change the keys present in `data` (not sessions: see session_*). Draft or published only
    (409 invalid_transition). A capacity change goes through enrolment.capacity_set (offers new
    places to the waiting list; below the places held → capacity_below_taken). `per_session`
    cannot change once anyone enrolled. Locks the activity row."""
    activity = _lock(activity)
    _ensure(activity, *EDITABLE)
    fields, extra = clean_activity(actor=actor, data=data, creating=False)
    capacity = fields.pop("capacity", None)
    switching = "per_session" in fields and fields["per_session"] != activity.per_session
    if switching and activity.enrolments.exists():
        raise field_error("per_session", _("People have enrolled: this cannot change now."), code="invalid")
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    _set_co_organisers(activity, extra.get("co_organisers"))
    if capacity is not None and capacity != activity.capacity:
        from .enrolment import capacity_set

        capacity_set(actor=actor, activity=activity, capacity=capacity)
        activity.refresh_from_db()
    changed = sorted([*fields, *extra, *(["capacity"] if capacity is not None else [])])
    audit_log(actor=actor, action="activity.update", obj=activity, data={"fields": changed})
    return activity


@transaction.atomic
def activity_publish(*, actor: Any, activity: Activity) -> Activity:
    """Draft → published (visible and open for enrolment within its window). Needs a session and
    some capacity (field errors otherwise). Locks the activity row."""
    activity = _lock(activity)
    _ensure(activity, ActivityStatus.DRAFT)
    sessions = list(activity.sessions.all())
    if not sessions:
        raise field_error("sessions", _("Add at least one session."), code="required")
    places = sum(s.capacity for s in sessions) if activity.per_session else activity.capacity
    if places <= 0 and not activity.allow_walk_ins:
        raise field_error("capacity", _("Set how many people can take part."), code="required")
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = timezone.now()
    activity.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(actor=actor, action="activity.publish", obj=activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor: Any, activity: Activity, reason: str) -> Activity:
    """Cancel a draft or published activity. Every active enrolment (holding a place or
    waiting) is cancelled and its person notified by SMS after commit (template
    `activity_cancelled`); freed places are not offered to anyone, the counters return to 0.
    Locks the activity row, then its sessions."""
    activity = _lock(activity)
    _ensure(activity, *EDITABLE)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise field_error("reason", _("Say why the activity is cancelled."), code="required")
    # Every slot row is locked before the enrolments are read: an enrolment in flight either
    # commits first (and is cancelled here) or waits and then finds the activity cancelled.
    list(Session.objects.select_for_update().filter(activity=activity))
    now = timezone.now()
    affected = list(activity.enrolments.filter(status__in=ACTIVE).select_related("person__user"))
    Enrolment.objects.filter(pk__in=[e.pk for e in affected]).update(
        status=EnrolmentStatus.CANCELLED,
        reason=reason,
        decided_at=now,
        decided_by=_user(actor),
        updated_at=now,
    )
    activity.sessions.update(taken=0)
    activity.status, activity.cancelled_at, activity.cancel_reason, activity.taken = (
        ActivityStatus.CANCELLED,
        now,
        reason,
        0,
    )
    activity.save(update_fields=["status", "cancelled_at", "cancel_reason", "taken", "updated_at"])
    starts = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d") if activity.starts_at else ""
    for person in {e.person_id: e.person for e in affected}.values():
        notify(person, "activity_cancelled", {"title": activity.title[:30], "date": starts})
    audit_log(actor=actor, action="activity.cancel", obj=activity, data={"enrolments": len(affected)})
    return activity


def _distinct_attendees(activity: Activity) -> int:
    rows = Attendance.objects.filter(session__activity=activity)
    people = set(rows.filter(person__isnull=False).values_list("person_id", "child_id").distinct())
    return len(people) + rows.filter(person__isnull=True).count()


@transaction.atomic
def activity_finish(*, actor: Any, activity: Activity, now: dt.datetime | None = None) -> Activity:
    """Published → finished once its last session has ended (409 invalid_transition before).
    The linked plan entry gains the sessions held and the distinct attendees (people, children
    and anonymous walk-ins) through catalog.plans.plan_entry_record_activity. Locks the activity."""
    activity = _lock(activity)
    _ensure(activity, ActivityStatus.PUBLISHED)
    if activity.ends_at is None or activity.ends_at > (now or timezone.now()):
        raise Conflict(_("The activity has not ended yet."), code=error_codes.INVALID_TRANSITION)
    activity.status = ActivityStatus.FINISHED
    activity.save(update_fields=["status", "updated_at"])
    held = activity.sessions.count()
    attendees = _distinct_attendees(activity)
    if activity.plan_entry is not None:
        from zhijia.catalog.plans import plan_entry_record_activity

        plan_entry_record_activity(
            entry=activity.plan_entry, held_times_delta=held, participants_delta=attendees
        )
    audit_log(
        actor=actor, action="activity.finish", obj=activity, data={"sessions": held, "attendees": attendees}
    )
    return activity


def activities_finish_due(*, now: dt.datetime | None = None) -> int:
    """Periodic (system actor): finish every published activity whose last session has ended.
    Safe to retry: a finished activity is skipped. Returns how many were finished."""
    now = now or timezone.now()
    done = 0
    for activity in Activity.objects.filter(status=ActivityStatus.PUBLISHED, ends_at__lte=now):
        try:
            activity_finish(actor=None, activity=activity, now=now)
            done += 1
        except Conflict:
            continue
    return done


def add_month(value: dt.datetime) -> dt.datetime:
    """The same local wall-clock time one calendar month later (31 Jan → 28/29 Feb)."""
    local = timezone.localtime(value)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    last_day = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    naive = local.replace(tzinfo=None, year=year, month=month, day=min(local.day, last_day))
    return timezone.make_aware(naive, timezone.get_current_timezone())


COPIED = [
    f.name
    for f in Activity._meta.concrete_fields
    if f.name
    not in {
        "id",
        "created_at",
        "updated_at",
        "status",
        "published_at",
        "cancelled_at",
        "cancel_reason",
        "created_by",
        "taken",
        "arrivals",
        "last_placed",
        "plan_entry",
    }
]


@transaction.atomic
def activity_duplicate(*, actor: Any, activity: Activity) -> Activity:
    """A draft copy one calendar month later: same settings, co-organisers and sessions (all
    dates shifted), no enrolments, no plan entry (the next month has its own)."""
    copy = Activity(**{name: getattr(activity, name) for name in COPIED})
    copy.status, copy.created_by = ActivityStatus.DRAFT, _user(actor)
    for name in ("registration_opens_at", "registration_closes_at", "starts_at", "ends_at"):
        if getattr(copy, name):
            setattr(copy, name, add_month(getattr(copy, name)))
    copy.save()
    copy.co_organisers.set(activity.co_organisers.all())
    Session.objects.bulk_create(
        Session(
            activity=copy,
            title=s.title,
            starts_at=add_month(s.starts_at),
            ends_at=add_month(s.ends_at),
            live_url=s.live_url,
            replay_url=s.replay_url,
            capacity=s.capacity,
        )
        for s in activity.sessions.all()
    )
    _sync_span(copy)
    audit_log(actor=actor, action="activity.duplicate", obj=copy, data={"from": str(activity.pk)})
    return copy


@transaction.atomic
def session_add(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Session:
    """Add a session to a draft or published activity (per-session capacity defaults to the
    activity's). Locks the activity."""
    activity = _lock(activity)
    _ensure(activity, *EDITABLE)
    session = Session.objects.create(activity=activity, **_session_values(activity, clean_session(data)))
    _sync_span(activity)
    audit_log(actor=actor, action="activity.session_add", obj=activity, data={"session": str(session.pk)})
    return session


@transaction.atomic
def session_update(*, actor: Any, session: Session, data: dict[str, Any]) -> Session:
    """Change a session's keys present in `data`; a per-session capacity change goes through
    enrolment.capacity_set. Locks the activity."""
    activity = _lock(session.activity)
    _ensure(activity, *EDITABLE)
    values = clean_session(data, partial=True)
    capacity = values.pop("capacity", None)
    for name, value in values.items():
        setattr(session, name, value)
    if session.ends_at <= session.starts_at:
        raise field_error("ends_at", _("A session must end after it starts."), code="invalid")
    session.save()
    if capacity is not None and activity.per_session and capacity != session.capacity:
        from .enrolment import capacity_set

        capacity_set(actor=actor, activity=activity, capacity=capacity, session=session)
        session.refresh_from_db()
    _sync_span(activity)
    audit_log(actor=actor, action="activity.session_update", obj=activity, data={"session": str(session.pk)})
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: Session) -> None:
    """Delete a session that nobody attended or enrolled in (409 invalid_transition otherwise),
    never the last one of a published activity. Locks the activity."""
    activity = _lock(session.activity)
    _ensure(activity, *EDITABLE)
    busy = session.attendances.exists() or session.enrolments.exists()
    last = activity.status == ActivityStatus.PUBLISHED and activity.sessions.count() <= 1
    if busy or last:
        raise Conflict(_("This session cannot be deleted."), code=error_codes.INVALID_TRANSITION)
    session_id = str(session.pk)
    session.delete()
    _sync_span(activity)
    audit_log(actor=actor, action="activity.session_delete", obj=activity, data={"session": session_id})
