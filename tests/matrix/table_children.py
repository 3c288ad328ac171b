"""Permission-matrix entries for a member's own children and an activity's questions (merged
into tests/matrix/table.ROUTES).

`/h5/children/…` and `/api/v1/me/children…` reach only the caller's own person: the unit's
child (`child`, a child of the unit's member) is someone else's for every caller, so its pages
are 404 ("own"); staff accounts have no person (an empty list, 404 on a write). An activity's
questions are changed with activities.manage on its organiser (404 outside scope, 403 inside)."""

from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

H = "/h5/children/"
API = "/api/v1/me/children"
MANAGE = Cap.ACTIVITIES_MANAGE


def _child(org, o) -> dict:
    return {"name": "矩阵孩子", "birth_date": "2018-05-01", "guardian_consent": True}


def _form(org, o) -> dict:
    return {"name": "矩阵孩子", "birth_date": "2018-05-01", "guardian_consent": "on"}


def _questions(org, o) -> dict:
    return {"questions": [{"preset": "guardian", "required": True}]}


ROUTES: dict = {
    H: [Check("worker")],
    H + "new/": [Check("worker"), Check("worker", "post", body=_form)],
    H + "<uuid:pk>/edit/": [Check("own", target="child"), Check("own", "post", target="child", body=_form)],
    H + "<uuid:pk>/remove/": [Check("own", "post", target="child")],
    API: [Check("own", api=True), Check("own", "post", api=True, body=_child)],
    API + "/<child_id>": [
        Check("own", "patch", api=True, body=lambda org, o: {"name": "矩阵"}),
        Check("own", "delete", api=True),
    ],
    "/console/activities/<uuid:pk>/questions/": [
        Check("rule", target="console_activity", rule=lambda u, org, o: scoped(u, MANAGE, org)),
        Check(
            "rule",
            "post",
            target="console_activity",
            rule=lambda u, org, o: scoped(u, MANAGE, org),
            body=lambda org, o: {"p_guardian": "on"},
        ),
    ],
    "/api/v1/activities/<activity_id>/questions": [
        Check("rule", "put", api=True, rule=lambda u, org, o: scoped(u, MANAGE, org), body=_questions)
    ],
}


def extend(unit: dict, demo) -> None:
    """The unit member's child is the target of the child pages (someone else's child)."""
    unit["child"] = unit["family"]
    unit["url_values"]["child_id"] = unit["family"].pk


def snapshot() -> list:
    """Rows a denied request must not change."""
    from zhijia.activities.models import Activity
    from zhijia.members.models import Consent, FamilyMember

    return [
        list(FamilyMember.objects.order_by("pk").values_list("pk", "name", "birth_date", "id_index")),
        list(Consent.objects.order_by("pk").values_list("pk", "purpose", "withdrawn_at")),
        list(Activity.objects.order_by("pk").values_list("pk", "questions")),
    ]
