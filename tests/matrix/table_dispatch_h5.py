"""Permission-matrix entries for the expert workspace and the worker's expert-service pages (H5,
merged into tests/matrix/table.ROUTES).

The expert workspace opens for any logged-in account (experts log in on the console; anyone
without an expert record gets a friendly page); anonymous visitors go to the console login.
The pages of one order act only on an order dispatched to the caller's own expert record
(dispatch.permissions.expert_order): 404 for everyone else ("own"). The matrix order of each
unit is accepted by an expert of the unit's pool; the first unit's expert is linked to the
demo expert (expert_demo), so the cast includes one actor who really gets through.

The check-in landing page and the needs surveys need a logged-in worker (anyone else is sent to
the H5 login); the matrix survey is the first unit's (广东省总), above the matrix worker's union."""

from .table import Check

ORDER = "h5_expert_order"
SURVEY = "h5_survey"


def _day(org, objs) -> dict:
    order = objs[ORDER]
    return {"date": order.wanted_from.isoformat(), "time": "09:00"}


ROUTES: dict = {
    "/h5/expert/": [Check("own")],
    "/h5/expert/orders/<uuid:pk>/": [Check("own", target=ORDER)],
    "/h5/expert/orders/<uuid:pk>/contact/": [Check("own", "post", target=ORDER)],
    "/h5/expert/orders/<uuid:pk>/accept/": [Check("own", "post", target=ORDER, body=_day)],
    "/h5/expert/orders/<uuid:pk>/decline/": [
        Check("own", "post", target=ORDER, body=lambda org, o: {"reason": "matrix"})
    ],
    "/h5/expert/orders/<uuid:pk>/checkin/": [
        Check("own", target=ORDER),
        Check("own", "post", target=ORDER, body=lambda org, o: {"token": "matrix-card"}),
    ],
    "/h5/expert/orders/<uuid:pk>/checkin/code/": [Check("own", target=ORDER)],
    "/h5/expert/orders/<uuid:pk>/deliver/": [
        Check("own", "post", target=ORDER, body=lambda org, o: {"attendees": "3", "summary": "matrix"})
    ],
    "/h5/expert/orders/<uuid:pk>/rate/": [
        Check("own", "post", target=ORDER, body=lambda org, o: {"rating": "5"})
    ],
    "/h5/expert/checkin/<str:code>/": [Check("worker"), Check("worker", "post")],
    "/h5/expert/needs/": [Check("worker")],
    "/h5/expert/needs/<uuid:pk>/": [
        Check("worker", target=SURVEY),
        Check("worker", "post", target=SURVEY, body=lambda org, o: {"text": "matrix"}),
    ],
}


def extend(unit: dict, demo) -> None:
    """An accepted order of the unit for a menu item of its own (`h5_expert_order`), an open
    needs survey of the unit (`h5_survey`), and a (forged) check-in code."""
    from tests.dispatch.support import expert, menu, order
    from zhijia.dispatch.models import Expert
    from zhijia.dispatch.services.needs import survey_create

    org = unit["org"]
    m = menu(org, title=f"矩阵菜单 {org.short_name}")
    demo_expert = demo.user("expert_demo")
    user = None if Expert.objects.filter(user=demo_expert).exists() else demo_expert
    e = expert(org, user=user, name=f"矩阵专家 {org.short_name}", specialties=["C1"])
    unit[ORDER] = order(m.items.get(code="C1"), status="accepted", expert=e, contact_phone="13800009999")
    unit[SURVEY] = survey_create(actor=None, org=org, title=f"矩阵调研 {org.short_name}", menu=m)
    unit["url_values"]["code"] = "matrix.forged-code"


def snapshot() -> list:
    """Rows a denied request must not change."""
    from zhijia.dispatch.models import Need, OrderAttendance, OrderPhoto, ServiceOrder

    return [
        list(
            ServiceOrder.objects.order_by("pk").values_list(
                "pk", "status", "expert_id", "starts_at", "attendees", "expert_rating"
            )
        ),
        OrderAttendance.objects.count(),
        OrderPhoto.objects.count(),
        Need.objects.count(),
    ]
