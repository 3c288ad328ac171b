"""Permission-matrix entries for the activities API routes (merged into tests/matrix/table.ROUTES).

The catalogue is public; an activity's staff endpoints are placed by its organiser (404 outside
scope, 403 inside without the capability): activities.manage for editing and the roster,
activities.checkin for the session code and scanning. A worker's check-in and rating are their
own (a stranger's enrolment is 404, a bad code 400)."""

from datetime import timedelta

from django.utils import timezone

from zhijia.activities.enums import ActivityKind, ActivityStatus, EnrolmentStatus
from zhijia.activities.models import Activity, Attendance, Enrolment, Session
from zhijia.orgs.capabilities import Cap
from zhijia.records.models import ServiceRecord

from .reference import scoped
from .table import Check

V = "/api/v1/activities"
A = V + "/<activity_id>"
MANAGE, CHECKIN = Cap.ACTIVITIES_MANAGE, Cap.ACTIVITIES_CHECKIN


def _on(cap, method="get", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _create(org, objs):
    start = timezone.now() + timedelta(days=30)
    return {
        "org_id": str(org.pk),
        "kind": "lecture",
        "title": "矩阵活动",
        "capacity": 5,
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}],
    }


ROUTES: dict = {
    V: [Check("public"), _on(MANAGE, "post", body=_create)],
    A: [Check("public"), _on(MANAGE, "patch", body=lambda org, o: {"summary": "矩阵"})],
    A + "/calendar.ics": [Check("public")],
    A + "/publish": [_on(MANAGE, "post")],
    A + "/cancel": [_on(MANAGE, "post", body=lambda org, o: {"reason": "矩阵"})],
    A + "/duplicate": [_on(MANAGE, "post")],
    A + "/roster": [_on(MANAGE)],
    "/api/v1/sessions/<session_id>/checkin-code": [_on(CHECKIN)],
    "/api/v1/sessions/<session_id>/checkins": [
        _on(CHECKIN, "post", body=lambda org, o: {"visitor_group": "courier"})
    ],
    "/api/v1/checkins": [Check("own", "post", api=True, body=lambda org, o: {"code": "x"})],
    "/api/v1/enrolments/<enrolment_id>/rating": [
        Check("own", "post", api=True, body=lambda org, o: {"rating": 5})
    ],
}


def extend(unit: dict, demo) -> None:
    """A published activity of the unit (walk-ins welcome) with one session, and a confirmed
    enrolment of the unit's member."""
    start = timezone.now() + timedelta(days=20)
    activity = Activity.objects.create(
        org=unit["org"],
        kind=ActivityKind.LECTURE,
        title=f"矩阵讲座 {unit['org'].short_name}",
        capacity=3,
        taken=1,
        arrivals=1,
        last_placed=1,
        status=ActivityStatus.PUBLISHED,
        published_at=timezone.now(),
        allow_walk_ins=True,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    session = Session.objects.create(activity=activity, starts_at=start, ends_at=start + timedelta(hours=2))
    person = unit["membership"].person
    enrolment = Enrolment.objects.create(
        activity=activity,
        person=person,
        holder=f"{person.pk}:-:-",
        status=EnrolmentStatus.CONFIRMED,
        arrival=1,
    )
    unit["api_activity"], unit["api_session"], unit["api_enrolment"] = activity, session, enrolment
    unit["url_values"].update(
        {"activity_id": activity.pk, "session_id": session.pk, "enrolment_id": enrolment.pk}
    )


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(
            Activity.objects.order_by("pk").values_list(
                "pk", "status", "title", "summary", "capacity", "taken"
            )
        ),
        list(Session.objects.order_by("pk").values_list("pk", "starts_at", "capacity", "taken")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "rating")),
        Attendance.objects.count(),
        ServiceRecord.objects.count(),
    ]
