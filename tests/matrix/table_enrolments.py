"""Permission-matrix entries for the enrolments routes (merged into tests/matrix/table.ROUTES).

Enrolling on someone's behalf, bulk enrolment and deciding enrolments need activities.enrol on
the activity's organiser (404 outside scope, 403 inside without it). A worker enrols themself
(no person_id: their own person) and reaches only their own enrolments (a stranger's is 404)."""

from datetime import timedelta

from django.utils import timezone

from zhijia.activities.enums import ActivityStatus, EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

ENROL = Cap.ACTIVITIES_ENROL
E = "/api/v1/enrolments/<enrolment_id>"


def _enrol_rule(u, org, o):
    """A worker enrols themself (201); staff need activities.enrol (in scope: 400, person_id
    missing from the body)."""
    return None if u.kind == "worker" else scoped(u, ENROL, org)


def _on(method="post", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, ENROL, org), **kw)


ROUTES: dict = {
    "/api/v1/activities/<activity_id>/enrolments": [Check("rule", "post", api=True, rule=_enrol_rule)],
    "/api/v1/activities/<activity_id>/enrolments/bulk": [
        _on(body=lambda org, o: {"person_ids": [str(o["membership"].person_id)], "mode": "partial"})
    ],
    E: [_on("delete")],
    E + "/accept": [_on()],
    E + "/decline": [_on()],
    E + "/approve": [_on()],
    E + "/reject": [_on(body=lambda org, o: {"reason": "矩阵"})],
    "/api/v1/me/enrolments": [Check("own", api=True)],
}


def extend(unit: dict, demo) -> None:
    """An open activity of the unit for everyone (`activity`: not members-only, so the demo
    worker may enrol) and an enrolment of the unit's member (`enrolment`). The URL values
    `activity_id` / `enrolment_id` are shared with the activities table: set here only when
    that table has not set them (its activity is published and open too)."""
    start = timezone.now() + timedelta(days=20)
    activity = Activity.objects.create(
        org=unit["org"],
        kind="event",
        title=f"矩阵报名 {unit['org'].short_name}",
        capacity=5,
        taken=1,
        arrivals=1,
        last_placed=1,
        status=ActivityStatus.PUBLISHED,
        published_at=timezone.now(),
        members_only=False,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    person = unit["membership"].person
    enrolment = Enrolment.objects.create(
        activity=activity, person=person, holder=f"{person.pk}:-:-", status=EnrolmentStatus.PENDING_APPROVAL,
        arrival=1,
    )  # fmt: skip
    unit["activity"], unit["enrolment"] = activity, enrolment
    unit["url_values"].setdefault("activity_id", activity.pk)
    unit["url_values"].setdefault("enrolment_id", enrolment.pk)


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(
            Activity.objects.order_by("pk").values_list("pk", "taken", "arrivals", "last_placed", "capacity")
        ),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "arrival", "offer_expires_at")),
    ]
