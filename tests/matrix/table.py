"""The permission matrix: every route the project serves, with who may use it.

Kinds:
- Public: anyone, anonymous included.
- Anonymous: login pages (a logged-in user may still open them).
- Staff: any logged-in staff account; no capability.
- Worker: any logged-in worker (H5).
- Rule: staff pages/endpoints whose answer depends on the actor and a target unit; `rule`
  gives the expected denial (404/403) or None, per actor and target unit, from tests.matrix.reference.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhijia.orgs.capabilities import Cap

from .reference import cap_then_scoped, first, has, holds_grant_on, scoped


@dataclass(frozen=True)
class Check:
    kind: str  # public | anonymous | staff | worker | rule | absent (404 for everyone)
    method: str = "get"
    rule: Callable[[Any, Any, Any], int | None] | None = None  # (actor, target unit, objects) -> denial
    target: str = "org"  # which object the URL names: org | user | grant | audit | import
    body: Callable[[Any, Any], dict] = field(default=lambda org, objs: {})
    api: bool = False


def org_fields(org, objs):
    return {"name": "矩阵测试工会", "short_name": "矩阵", "level": "grassroots", "parent": str(org.pk)}


# Checks per route pattern (exactly as the resolver shows it, with a leading slash).
ROUTES: dict[str, list[Check]] = {
    "/": [Check("public")],
    "/healthz": [Check("public")],
    "/i18n/setlang/": [Check("public", "post")],
    "/api/v1/": [Check("absent")],  # django-ninja's bare root: nothing is served there
    "/api/v1/openapi.json": [Check("public")],
    "/api/v1/docs": [Check("public")],
    "/api/v1/auth/token": [Check("public", "post", api=True)],
    "/api/v1/auth/sms-code": [Check("public", "post", api=True)],
    "/api/v1/identity/validate": [Check("public", "post", api=True)],
    "/api/v1/auth/me": [Check("staff", api=True)],
    "/api/v1/auth/logout": [Check("staff", "post", api=True)],
    "/api/v1/orgs": [
        Check("rule", rule=lambda u, org, o: has(u, Cap.ORGS_VIEW), api=True),
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org),
            body=lambda org, o: {"parent_id": str(org.pk), "name": "矩阵测试工会", "level": "grassroots"},
        ),
    ],
    "/api/v1/orgs/<org_id>": [
        Check("rule", api=True, rule=lambda u, org, o: scoped(u, Cap.ORGS_VIEW, org)),
        Check(
            "rule",
            "patch",
            api=True,
            rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org),
            body=lambda org, o: {"short_name": "矩阵"},
        ),
    ],
    "/api/v1/orgs/<org_id>/move": [
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: first(
                scoped(u, Cap.ORGS_MANAGE, org), scoped(u, Cap.ORGS_MANAGE, o["new_parent"])
            ),
            body=lambda org, o: {"parent_id": str(o["new_parent"].pk)},
        ),
    ],
    "/api/v1/orgs/<org_id>/dissolve": [
        Check("rule", "post", api=True, rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
    ],
    "/api/v1/audit": [Check("rule", api=True, rule=lambda u, org, o: has(u, Cap.AUDIT_READ))],
    "/api/v1/audit/<int:entry_id>": [
        Check(
            "rule", api=True, target="audit", rule=lambda u, org, o: cap_then_scoped(u, Cap.AUDIT_READ, org)
        ),
    ],
    # --- console ------------------------------------------------------------------------------
    "/console/": [Check("staff")],
    "/console/unit/": [
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: holds_grant_on(u, org),
            body=lambda org, o: {"unit": str(org.pk)},
        ),
    ],
    "/console/login/": [Check("anonymous")],
    "/console/login/otp/": [Check("anonymous")],
    "/console/login/enrol/": [Check("anonymous")],
    "/console/logout/": [Check("staff", "post")],
    "/console/security/": [Check("staff")],
    "/console/security/otp/": [Check("staff")],
    "/console/password/": [Check("staff")],
    "/console/orgs/": [Check("rule", rule=lambda u, org, o: has(u, Cap.ORGS_VIEW))],
    "/console/orgs/new/": [
        Check(
            "rule",
            rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org),
            body=lambda org, o: {"parent": str(org.pk)},
        ),
        Check("rule", "post", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org), body=org_fields),
    ],
    "/console/orgs/import/": [Check("rule", rule=lambda u, org, o: has(u, Cap.ORGS_MANAGE))],
    "/console/orgs/import/<uuid:pk>/": [
        Check("rule", target="import", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
    ],
    "/console/orgs/import/<uuid:pk>/errors.xlsx": [
        Check("rule", target="import", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
    ],
    "/console/orgs/export.xlsx": [Check("rule", rule=lambda u, org, o: has(u, Cap.ORGS_VIEW))],
    "/console/orgs/template.xlsx": [Check("staff")],  # an empty template: nothing to protect
    "/console/orgs/<uuid:pk>/": [Check("rule", rule=lambda u, org, o: scoped(u, Cap.ORGS_VIEW, org))],
    "/console/orgs/<uuid:pk>/children/": [
        Check("rule", rule=lambda u, org, o: scoped(u, Cap.ORGS_VIEW, org))
    ],
    "/console/orgs/<uuid:pk>/edit/": [
        Check("rule", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org),
            body=lambda org, o: {"name": org.name, "short_name": "矩阵", "level": org.level},
        ),
    ],
    "/console/orgs/<uuid:pk>/move/": [Check("rule", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org))],
    "/console/orgs/<uuid:pk>/dissolve/": [
        Check("rule", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
        Check("rule", "post", rule=lambda u, org, o: scoped(u, Cap.ORGS_MANAGE, org)),
    ],
    "/console/users/": [Check("rule", rule=lambda u, org, o: has(u, Cap.USERS_VIEW))],
    "/console/users/new/": [Check("rule", rule=lambda u, org, o: has(u, Cap.USERS_MANAGE))],
    "/console/users/<uuid:pk>/": [
        Check("rule", target="user", rule=lambda u, org, o: scoped(u, Cap.USERS_VIEW, org))
    ],
    "/console/users/<uuid:pk>/active/": [
        Check(
            "rule",
            "post",
            target="user",
            rule=lambda u, org, o: first(scoped(u, Cap.USERS_VIEW, org), scoped(u, Cap.USERS_MANAGE, org)),
            body=lambda org, o: {"active": "0"},
        ),
    ],
    **{
        f"/console/users/<uuid:pk>/{action}/": [
            Check(
                "rule",
                "post",
                target="user",
                rule=lambda u, org, o: first(
                    scoped(u, Cap.USERS_VIEW, org), scoped(u, Cap.USERS_SECURITY, org)
                ),
            ),
        ]
        for action in ("unlock", "reset-otp", "reset-password")
    },
    "/console/users/<uuid:pk>/grants/": [
        Check(
            "rule",
            "post",
            target="user",
            rule=lambda u, org, o: first(
                scoped(u, Cap.USERS_VIEW, org), has(u, Cap.ROLES_GRANT), scoped(u, Cap.ROLES_GRANT, org)
            ),
            body=lambda org, o: {
                "role": str(o["viewer_role"].pk),
                "org": str(org.pk),
                "include_subtree": "on",
            },
        ),
    ],
    "/console/users/<uuid:pk>/grants/<uuid:grant_id>/revoke/": [
        Check(
            "rule",
            "post",
            target="grant",
            rule=lambda u, org, o: first(scoped(u, Cap.USERS_VIEW, org), scoped(u, Cap.ROLES_GRANT, org)),
        ),
    ],
    "/console/audit/": [Check("rule", rule=lambda u, org, o: has(u, Cap.AUDIT_READ))],
    "/console/audit/<int:pk>/": [
        Check("rule", target="audit", rule=lambda u, org, o: cap_then_scoped(u, Cap.AUDIT_READ, org)),
    ],
    "/console/audit/verify/": [Check("rule", "post", rule=lambda u, org, o: has(u, Cap.AUDIT_READ))],
    # --- worker H5 ----------------------------------------------------------------------------
    "/h5/": [Check("worker")],
    "/h5/login/": [Check("anonymous")],
    "/h5/logout/": [Check("worker", "post")],
}
