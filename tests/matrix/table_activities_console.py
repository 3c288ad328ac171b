"""Permission-matrix entries for the console activity pages (merged into tests/matrix/table.ROUTES).

Pages not tied to one activity need activities.manage somewhere; an activity's pages are placed
by its organiser (404 outside scope, 403 inside without the capability): manage for the pages
and exports, enrol for enrolling and deciding, check-in for the check-in screen and ticks."""

from datetime import timedelta

from django.utils import timezone

from zhijia.activities.enums import ActivityKind, ActivityStatus, EnrolmentStatus
from zhijia.activities.models import Activity, Attendance, Enrolment, Session
from zhijia.orgs.capabilities import Cap

from .reference import first, has, scoped
from .table import Check

A = "/console/activities/"
MANAGE, ENROL, CHECKIN = Cap.ACTIVITIES_MANAGE, Cap.ACTIVITIES_ENROL, Cap.ACTIVITIES_CHECKIN


def _on(cap, method="get", target="console_activity", **kw):
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


ROUTES: dict = {
    A: [Check("rule", rule=lambda u, org, o: has(u, MANAGE))],
    A + "list/": [Check("rule", rule=lambda u, org, o: has(u, MANAGE))],
    A + "new/": [Check("rule", rule=lambda u, org, o: has(u, MANAGE))],
    A + "<uuid:pk>/": [_on(MANAGE)],
    A + "<uuid:pk>/edit/": [_on(MANAGE)],
    A + "<uuid:pk>/publish/": [_on(MANAGE, "post")],
    A + "<uuid:pk>/cancel/": [_on(MANAGE), _on(MANAGE, "post", body=lambda org, o: {"reason": "矩阵"})],
    A + "<uuid:pk>/duplicate/": [_on(MANAGE, "post")],
    A + "<uuid:pk>/roster/": [_on(MANAGE)],
    A + "<uuid:pk>/roster.xlsx": [_on(MANAGE)],
    A + "<uuid:pk>/sign-in-sheet/": [_on(MANAGE)],
    A + "<uuid:pk>/enrol/": [_on(ENROL, "post", body=lambda org, o: {"who": "M00000"})],
    A + "<uuid:pk>/enrol/bulk/": [
        Check(
            "rule",
            "post",
            target="console_activity",
            rule=lambda u, org, o: first(scoped(u, ENROL, org), scoped(u, Cap.MEMBERS_VIEW, org)),
            body=lambda org, o: {"union": str(org.pk), "mode": "partial"},
        ),
    ],
    A + "enrolments/<uuid:pk>/decide/": [
        _on(ENROL, "post", target="console_enrolment", body=lambda org, o: {"action": "approve"})
    ],
    A + "sessions/<uuid:pk>/checkin/": [
        _on(CHECKIN, target="console_session"),
        _on(CHECKIN, "post", target="console_session", body=lambda org, o: {"token": "x"}),
    ],
    A + "sessions/<uuid:pk>/checkin/code/": [_on(CHECKIN, target="console_session")],
    A + "sessions/<uuid:pk>/walk-in/": [
        _on(CHECKIN, "post", target="console_session", body=lambda org, o: {"visitor_group": "courier"})
    ],
    A + "sessions/<uuid:pk>/mark/": [
        _on(
            CHECKIN,
            "post",
            target="console_session",
            body=lambda org, o: {"enrolment": str(o["console_enrolment"].pk)},
        )
    ],
}


def extend(unit: dict, demo) -> None:
    """A published activity of the unit with one session (today, so check-in is open) and one
    enrolment waiting for approval (the unit's member)."""
    now = timezone.now()
    activity = Activity.objects.create(
        org=unit["org"],
        kind=ActivityKind.LECTURE,
        title="矩阵讲座",
        capacity=10,
        taken=1,
        arrivals=1,
        last_placed=1,
        allow_walk_ins=True,
        members_only=False,
        status=ActivityStatus.PUBLISHED,
        published_at=now,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    session = Session.objects.create(activity=activity, starts_at=now, ends_at=now + timedelta(hours=2))
    person = unit["membership"].person
    unit["console_activity"] = activity
    unit["console_session"] = session
    unit["console_enrolment"] = Enrolment.objects.create(
        activity=activity,
        person=person,
        holder=f"{person.pk}:-:-",
        status=EnrolmentStatus.PENDING_APPROVAL,
        arrival=1,
    )


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(Activity.objects.order_by("pk").values_list("pk", "status", "taken", "capacity", "updated_at")),
        list(Session.objects.order_by("pk").values_list("pk", "starts_at", "updated_at")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        Attendance.objects.count(),
    ]
