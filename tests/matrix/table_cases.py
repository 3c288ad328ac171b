"""Permission-matrix entries for help and rights (merged into tests/matrix/table.ROUTES).

Each unit has a legal case with no handler (so no one in the cast is its handler): reading it
needs cases.view in scope, never 403 (404 otherwise); its steps (`close` here, an "either"
step) and its notes need cases.handle (404 outside scope, 403 inside without it). A worker
opens a case for themselves; staff need cases.handle on the unit. The counsellor-only notes
and the expert who does get through are covered by tests/casework/test_api.py. The public
notice of a case not on notice is 404 for everyone."""

import itertools

from zhijia.orgs.capabilities import Cap

from .reference import has, scoped
from .table import Check

CASES = "/api/v1/cases"
CID = CASES + "/<case_id>"
HANDLE, VIEW = Cap.CASES_HANDLE, Cap.CASES_VIEW


def _handle(u, org, o):
    return scoped(u, HANDLE, org)


def visible(u, org, o):
    return None if scoped(u, VIEW, org) is None else 404


def create(u, org, o):
    return None if u.kind == "worker" else scoped(u, HANDLE, org)


def agreement(u, org, o):
    return scoped(u, HANDLE, org) or 404  # the matrix case has no agreement


ROUTES: dict = {
    CASES: [
        Check(
            "rule",
            "post",
            api=True,
            rule=create,
            body=lambda org, o: {
                "kind": "legal",
                "org_id": str(org.pk),
                "name": "矩阵来访",
                "summary": "矩阵",
            },
        ),
        Check("staff", api=True),
    ],
    CID: [Check("rule", api=True, rule=visible)],
    CID + "/notes": [
        Check("rule", api=True, rule=_handle),
        Check("rule", "post", api=True, rule=_handle, body=lambda org, o: {"text": "矩阵备注"}),
    ],
    CID + "/agreement.pdf": [Check("rule", api=True, rule=agreement)],
    CID + "/<step>": [
        Check("rule", "post", api=True, rule=_handle, body=lambda org, o: {"outcome": "矩阵结案"})
    ],
    "/api/v1/me/cases": [Check("own", api=True)],
    "/api/v1/public-notices": [Check("public")],
    "/api/v1/public-notices/<case_id>/objections": [
        Check("absent", "post", api=True, body=lambda org, o: {"text": "x"})
    ],
}


def _attachment(u, org, o):
    return scoped(u, HANDLE, org) or None  # the matrix attachment exists: served to cases.handle


def _cases_page(u, org, o):
    """The case list: cases.view somewhere, or an expert's login (their assigned cases)."""
    return None if has(u, VIEW) is None or has(u, Cap.EXPERT_WORK) is None else 403


ROUTES.update(
    {
        "/console/cases/": [Check("rule", rule=_cases_page)],
        "/console/cases/mine/": [Check("rule", rule=_cases_page)],
        "/console/cases/funds/": [Check("rule", rule=lambda u, org, o: has(u, Cap.CASES_APPROVE))],
        "/console/cases/new/<str:kind>/": [Check("rule", rule=lambda u, org, o: has(u, HANDLE))],
        "/console/cases/<uuid:pk>/": [Check("rule", target="case", rule=visible)],
        "/console/cases/<uuid:pk>/notes/": [Check("rule", target="case", rule=_handle)],
        "/console/cases/<uuid:pk>/attachments/": [
            Check("rule", "post", target="case", rule=_handle, body=lambda org, o: {"kind": "other"})
        ],
        "/console/cases/<uuid:pk>/attachments/<uuid:att>/": [Check("rule", target="case", rule=_attachment)],
        "/console/cases/<uuid:pk>/agreement.pdf": [Check("rule", target="case", rule=agreement)],
        "/console/cases/<uuid:pk>/step/<str:step>/": [
            Check("rule", "post", target="case", rule=_handle, body=lambda org, o: {"outcome": "矩阵结案"})
        ],
        "/h5/cases/": [Check("worker")],
        "/h5/cases/apply/<str:kind>/": [Check("worker")],
        "/h5/cases/<uuid:pk>/": [Check("own", target="case")],
        "/h5/cases/<uuid:pk>/screening/": [
            Check("own", "post", target="case", body=lambda org, o: {"consent": "1", "phq9_0": "1"})
        ],
        "/h5/cases/<uuid:pk>/cancel/": [Check("own", "post", target="case")],
        "/h5/cases/notices/": [Check("public")],
        "/h5/cases/notices/<uuid:pk>/": [Check("absent", target="case")],
    }
)


def _configure(u, org, o):
    """Help settings: cases.approve or orgs.manage on the unit (404 outside every grant)."""
    approve, manage = scoped(u, Cap.CASES_APPROVE, org), scoped(u, Cap.ORGS_MANAGE, org)
    return None if approve is None or manage is None else approve


def _configure_page(u, org, o):
    return None if has(u, Cap.CASES_APPROVE) is None or has(u, Cap.ORGS_MANAGE) is None else 403


def _review_decide(u, org, o):
    """Marking the unit's hardship file reviewed: seen (else 404), then cases.handle (403)."""
    return visible(u, org, o) or _handle(u, org, o)


def _due(org, o):
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


ROUTES.update(
    {
        CID + "/attachments": [
            Check("rule", api=True, rule=_handle),
            Check("rule", "post", api=True, rule=_handle, body=lambda org, o: {"kind": "other"}),
        ],
        CID + "/attachments/<attachment_id>": [Check("rule", api=True, rule=_attachment)],
        "/api/v1/case-settings/<settings_org_id>": [
            Check("rule", api=True, rule=_configure),
            Check("rule", "put", api=True, rule=_configure, body=lambda org, o: {"crisis_hotline": "12356"}),
        ],
        "/api/v1/case-reviews": [
            Check("staff", api=True),
            Check(
                "rule",
                "post",
                api=True,
                rule=lambda u, org, o: scoped(u, Cap.CASES_APPROVE, org),
                body=lambda org, o: {"org_id": str(org.pk), "due_on": _due(org, o)},
            ),
        ],
        "/console/cases/settings/": [Check("rule", rule=_configure_page)],
        "/console/cases/settings/<uuid:settings_org>/": [
            Check("rule", rule=_configure),
            Check("rule", "post", rule=_configure, body=lambda org, o: {"crisis_hotline": "12356"}),
        ],
        "/console/cases/reviews/": [
            Check("rule", rule=_cases_page),
            Check(
                "rule",
                "post",
                rule=_cases_page,
                body=lambda org, o: {"org_id": str(org.pk), "due_on": _due(org, o)},
            ),
        ],
        "/console/cases/reviews/<uuid:review_case>/": [
            Check("rule", "post", rule=_review_decide, body=lambda org, o: {"outcome": "kept"})
        ],
        "/h5/cases/<uuid:pk>/evidence/": [Check("own", "post", target="case")],
        "/h5/cases/<uuid:pk>/evidence/<uuid:evidence_id>/": [Check("own", target="case")],
    }
)

_hardship_ids = itertools.count(640)


def extend(unit: dict, demo) -> None:
    from zhijia.casework.services.cases import case_create

    from .world import cn_id

    org = unit["org"]
    unit["case"] = case_create(
        actor=None, kind="legal", org=org, data={"name": "矩阵工人", "summary": "矩阵"}
    )
    unit["url_values"]["case_id"] = unit["case"].pk
    unit["url_values"]["step"] = "close"
    unit["url_values"]["kind"] = "legal"
    from django.utils import timezone

    from zhijia.casework.models import CaseAttachment

    unit["url_values"]["att"] = CaseAttachment.objects.create(
        case=unit["case"], kind="evidence", extension="pdf", size=8, content=b"%PDF-1.4", at=timezone.now()
    ).pk
    unit["url_values"]["attachment_id"] = unit["url_values"]["att"]
    unit["url_values"]["evidence_id"] = unit["url_values"]["att"]
    unit["url_values"]["settings_org_id"] = unit["url_values"]["settings_org"] = org.pk
    unit["url_values"]["review_case"] = case_create(
        actor=None,
        kind="hardship",
        org=org,
        data={
            "name": "矩阵困难",
            "id_number": cn_id(next(_hardship_ids)),
            "own_income": "800",
            "household_size": 2,
        },
    ).pk


def snapshot() -> list:
    from zhijia.casework.models import (
        Case,
        CaseAttachment,
        CaseDeadline,
        CaseEvent,
        CaseNote,
        CaseSettings,
        Objection,
    )

    return [
        list(Case.objects.order_by("pk").values_list("pk", "status", "handler_id", "updated_at")),
        CaseEvent.objects.count(),
        CaseNote.objects.count(),
        CaseAttachment.objects.count(),
        Objection.objects.count(),
        list(CaseSettings.objects.order_by("pk").values_list("pk", "updated_at")),
        list(CaseDeadline.objects.order_by("pk").values_list("pk", "due_on", "met_at")),
    ]
