"""Permission-matrix entries for the worker H5 activity pages (merged into tests/matrix/table.ROUTES).

The list, the detail page and the iCal file are public. Enrolling, my enrolments and the
check-in landing page need a logged-in worker (anyone else is sent to the H5 login). The pages
on one enrolment act on the worker's own enrolments only: the matrix's enrolment belongs to the
unit's member, not to the matrix worker, so the worker gets 404 ("own")."""

from .table import Check

ROUTES: dict = {
    "/h5/activities/": [Check("public")],
    "/h5/activities/mine/": [Check("worker")],
    "/h5/activities/checkin/<str:code>/": [Check("worker"), Check("worker", "post")],
    "/h5/activities/<uuid:pk>/": [Check("public", target="h5_activity")],
    "/h5/activities/<uuid:pk>/calendar.ics": [Check("public", target="h5_activity")],
    "/h5/activities/<uuid:pk>/enrol/": [
        Check("worker", target="h5_activity"),
        Check("worker", "post", target="h5_activity", body=lambda org, o: {"key": "matrix"}),
    ],
    "/h5/activities/enrolments/<uuid:pk>/cancel/": [
        Check("own", target="h5_enrolment"),
        Check("own", "post", target="h5_enrolment"),
    ],
    "/h5/activities/enrolments/<uuid:pk>/offer/": [
        Check("own", "post", target="h5_enrolment", body=lambda org, o: {"action": "accept"}),
    ],
    "/h5/activities/enrolments/<uuid:pk>/rate/": [
        Check("own", "post", target="h5_enrolment", body=lambda org, o: {"rating": "5"}),
    ],
}


def extend(unit: dict, demo) -> None:
    """A published activity of the unit (`h5_activity`) with an enrolment of the unit's member
    (`h5_enrolment`), and a (forged) check-in code."""
    from tests.activities.support import activity
    from zhijia.activities.services.enrolment import enrolment_create

    act = activity(unit["org"], title=f"矩阵活动 {unit['org'].short_name}")
    unit["h5_activity"] = act
    unit["h5_enrolment"] = enrolment_create(actor=None, activity=act, person=unit["membership"].person)
    unit["url_values"]["code"] = "matrix.forged-code"


def snapshot() -> list:
    """Rows a denied request must not change."""
    from zhijia.activities.models import Activity, Attendance, Enrolment

    return [
        list(Activity.objects.order_by("pk").values_list("pk", "taken", "arrivals", "status")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "rating")),
        Attendance.objects.count(),
    ]
