"""The permission matrix: every route the project serves, with who may use it.

Kinds:
- Public: anyone, anonymous included.
- Anonymous: login pages (a logged-in user may still open them).
- Staff: any logged-in staff account; no capability.
- Worker: any logged-in worker (H5).
- Own: the caller's own things (my card, my data): any logged-in user; never 401/403, 404 allowed
  when they have none.
- Rule: staff pages/endpoints whose answer depends on the actor and a target unit; `rule`
  gives the expected denial (404/403) or None, per actor and target unit, from tests.matrix.reference.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhijia.orgs.capabilities import Cap

from .reference import (
    first,
    has,
    holds_grant_on,
    scoped,
    staff_only_for_workers,
    transfer_rule,
)


@dataclass(frozen=True)
class Check:
    kind: str  # public | anonymous | staff | worker | own | rule | absent (404 for everyone)
    method: str = "get"
    rule: Callable[[Any, Any, Any], int | None] | None = None  # (actor, target unit, objects) -> denial
    target: str = "org"  # which object the URL names: org | user | grant | audit | import
    body: Callable[[Any, Any], dict] = field(default=lambda org, objs: {})
    api: bool = False


def org_fields(org, objs):
    return {"name": "矩阵测试工会", "short_name": "矩阵", "level": "grassroots", "parent": str(org.pk)}


def _m(cap, target="membership", method="get", **kw):
    """A member object checked against `cap` on its union (404 outside scope, 403 inside)."""
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


MEMBER_ROUTES: dict[str, list[Check]] = {
    "/api/v1/members": [Check("rule", api=True, rule=lambda u, org, o: has(u, Cap.MEMBERS_VIEW))],
    "/api/v1/members/<uuidstr:membership_id>": [_m(Cap.MEMBERS_VIEW, api=True)],
    "/api/v1/me/member-card": [Check("own", api=True)],
    "/api/v1/me/data": [Check("own", api=True)],
    "/api/v1/me/data-requests": [
        Check("own", "post", api=True, body=lambda org, o: {"kind": "correction", "detail": "x"})
    ],
    "/api/v1/member-cards/verify": [
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: has(u, Cap.MEMBERS_VIEW),
            body=lambda org, o: {"token": "x"},
        ),
    ],
    "/api/v1/unions/search": [Check("public")],
    "/api/v1/join-applications": [
        Check(
            "rule",
            "post",
            api=True,
            rule=staff_only_for_workers,
            body=lambda org, o: {"name": "x", "id_number": "1"},
        ),
        Check("rule", api=True, rule=lambda u, org, o: has(u, Cap.MEMBERS_REVIEW)),
    ],
    "/api/v1/join-applications/<app_id>": [
        Check(
            "rule",
            api=True,
            rule=lambda u, org, o: 404 if u.kind == "worker" else scoped(u, Cap.MEMBERS_REVIEW, org),
        ),
    ],
    "/api/v1/join-applications/<app_id>/approve": [_m(Cap.MEMBERS_REVIEW, "application", "post", api=True)],
    "/api/v1/join-applications/<app_id>/reject": [
        _m(Cap.MEMBERS_REVIEW, "application", "post", api=True, body=lambda org, o: {"reason": "矩阵"}),
    ],
    "/api/v1/join-applications/<app_id>/forward": [
        _m(Cap.MEMBERS_REVIEW, "application", "post", api=True, body=lambda org, o: {"org_id": str(org.pk)}),
    ],
    "/api/v1/join-applications/<app_id>/withdraw": [
        Check("rule", "post", api=True, rule=lambda u, org, o: 404)
    ],
    "/api/v1/transfers": [
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: 404 if u.kind == "worker" else scoped(u, Cap.MEMBERS_MANAGE, org),
            body=lambda org, o: {
                "membership_id": str(o["membership"].pk),
                "to_org_id": str(o["transfer"].to_org_id),
            },
        ),
        Check("rule", api=True, rule=lambda u, org, o: has(u, Cap.MEMBERS_REVIEW)),
    ],
    "/api/v1/transfers/<transfer_id>/accept": [Check("rule", "post", api=True, rule=transfer_rule)],
    "/api/v1/transfers/<transfer_id>/reject": [
        Check("rule", "post", api=True, rule=transfer_rule, body=lambda org, o: {"reason": "矩阵"}),
    ],
    "/api/v1/transfers/<transfer_id>/cancel": [Check("rule", "post", api=True, rule=lambda u, org, o: 404)],
    "/console/members/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_VIEW))],
    "/console/members/new/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_MANAGE))],
    "/console/members/<uuid:pk>/": [_m(Cap.MEMBERS_VIEW)],
    "/console/members/<uuid:pk>/edit/": [_m(Cap.MEMBERS_MANAGE)],
    "/console/members/<uuid:pk>/status/": [
        _m(Cap.MEMBERS_MANAGE, method="post", body=lambda org, o: {"action": "withdraw"})
    ],
    "/console/members/<uuid:pk>/family/new/": [_m(Cap.MEMBERS_MANAGE)],
    "/console/members/<uuid:pk>/family/<uuid:family_pk>/remove/": [_m(Cap.MEMBERS_MANAGE, "family", "post")],
    "/console/members/<uuid:pk>/reveal/<str:field>/": [_m(Cap.MEMBERS_REVEAL, method="post")],
    "/console/members/card/verify/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_VIEW))],
    "/console/members/data-requests/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_MANAGE))],
    "/console/members/data-requests/<uuid:pk>/": [_m(Cap.MEMBERS_MANAGE, "data_request")],
    "/console/members/applications/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_REVIEW))],
    "/console/members/applications/<uuid:pk>/": [_m(Cap.MEMBERS_REVIEW, "application")],
    "/console/members/applications/<uuid:pk>/approve/": [_m(Cap.MEMBERS_REVIEW, "application", "post")],
    "/console/members/applications/<uuid:pk>/reject/": [
        _m(Cap.MEMBERS_REVIEW, "application", "post", body=lambda org, o: {"reason": "矩阵"}),
    ],
    "/console/members/applications/<uuid:pk>/forward/": [
        _m(Cap.MEMBERS_REVIEW, "application", "post", body=lambda org, o: {"org": str(org.pk)}),
    ],
    "/console/members/transfers/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_REVIEW))],
    "/console/members/transfers/new/": [
        Check(
            "rule",
            rule=lambda u, org, o: scoped(u, Cap.MEMBERS_MANAGE, org),
            body=lambda org, o: {"membership": str(o["membership"].pk)},
        ),
    ],
    "/console/members/transfers/<uuid:pk>/": [
        Check("rule", target="transfer", rule=lambda u, org, o: transfer_rule(u, org, o, cap=None)),
    ],
    "/console/members/transfers/<uuid:pk>/accept/": [
        Check("rule", "post", target="transfer", rule=transfer_rule)
    ],
    "/console/members/transfers/<uuid:pk>/reject/": [
        Check("rule", "post", target="transfer", rule=transfer_rule, body=lambda org, o: {"reason": "矩阵"}),
    ],
    "/console/members/transfers/<uuid:pk>/cancel/": [
        Check("rule", "post", target="transfer", rule=lambda u, org, o: 404)
    ],
    "/console/members/join-qr/<uuid:pk>/": [
        Check("rule", rule=lambda u, org, o: scoped(u, Cap.MEMBERS_REVIEW, org))
    ],
    "/console/members/template.xlsx": [Check("staff")],
    "/console/members/import/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_IMPORT))],
    "/console/members/import/<uuid:pk>/": [_m(Cap.MEMBERS_IMPORT, "member_import")],
    "/console/members/import/<uuid:pk>/errors.xlsx": [_m(Cap.MEMBERS_IMPORT, "member_import")],
    "/console/members/export.xlsx": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_EXPORT))],
    "/console/members/exports/": [
        Check(
            "rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_EXPORT) and has(u, Cap.MEMBERS_EXPORT_APPROVE)
        ),
    ],
    "/console/members/exports/new/": [Check("rule", rule=lambda u, org, o: has(u, Cap.MEMBERS_EXPORT))],
    "/console/members/exports/<uuid:pk>/": [
        Check("rule", target="export", rule=lambda u, org, o: scoped(u, Cap.MEMBERS_EXPORT, org)),
        Check(
            "rule",
            "post",
            target="export",
            body=lambda org, o: {"action": "approve"},
            rule=lambda u, org, o: first(
                scoped(u, Cap.MEMBERS_EXPORT, org), scoped(u, Cap.MEMBERS_EXPORT_APPROVE, org)
            ),
        ),
    ],
    # Only the requester downloads, and only once approved: nobody in the cast is the requester.
    "/console/members/exports/<uuid:pk>/download/": [
        Check("rule", target="export", rule=lambda u, org, o: scoped(u, Cap.MEMBERS_EXPORT, org) or 403),
    ],
}

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
    "/api/v1/audit/<entry_key>": [
        # issue 16 §7: like every object, 404 outside the user's grants, 403 inside without audit.read
        Check("rule", api=True, target="audit", rule=lambda u, org, o: scoped(u, Cap.AUDIT_READ, org)),
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
    "/console/audit/<str:key>/": [
        Check("rule", target="audit", rule=lambda u, org, o: scoped(u, Cap.AUDIT_READ, org)),
    ],
    "/console/audit/verify/": [Check("rule", "post", rule=lambda u, org, o: has(u, Cap.AUDIT_READ))],
    **MEMBER_ROUTES,
    # --- worker H5 ----------------------------------------------------------------------------
    "/h5/": [Check("worker")],
    "/h5/card/": [Check("worker")],
    "/h5/card/code/": [Check("worker")],
    "/h5/card/my-data/": [Check("worker")],
    "/h5/card/my-data/export.json": [Check("worker")],
    "/h5/card/my-data/consents/give/": [
        Check("worker", "post", body=lambda org, o: {"purpose": "marketing_sms"})
    ],
    "/h5/card/my-data/consents/<uuid:pk>/withdraw/": [Check("worker", "post", target="consent")],
    "/h5/card/my-data/requests/": [
        Check("worker", "post", body=lambda org, o: {"kind": "correction", "detail": "x"})
    ],
    "/h5/join/": [Check("worker")],
    "/h5/join/unions/": [Check("public")],
    "/h5/join/status/": [Check("worker")],
    "/h5/join/status/<uuid:pk>/withdraw/": [Check("own", "post", target="application")],
    "/h5/join/transfer/": [Check("worker")],
    "/h5/login/": [Check("anonymous")],
    "/h5/logout/": [Check("worker", "post")],
}


from . import (  # noqa: E402  (they import Check from here)
    table_activities,
    table_activities_console,
    table_activities_h5,
    table_benefits_api,
    table_benefits_console,
    table_benefits_h5,
    table_cases,
    table_catalog,
    table_children,
    table_contests,
    table_dispatch_api,
    table_dispatch_console,
    table_dispatch_h5,
    table_elections,
    table_enrolments,
    table_honours,
    table_labour,
    table_participation_pages,
    table_positions,
    table_stats,
    table_voice,
)

DOMAINS = [
    table_positions,
    table_catalog,
    table_activities,
    table_enrolments,
    table_activities_console,
    table_activities_h5,
    table_dispatch_api,
    table_dispatch_console,
    table_dispatch_h5,
    table_benefits_api,
    table_benefits_console,
    table_benefits_h5,
    table_stats,
    table_elections,
    table_voice,
    table_participation_pages,
    table_contests,
    table_labour,
    table_cases,
    table_honours,
    table_children,
]
for _domain in DOMAINS:
    ROUTES.update(_domain.ROUTES)
