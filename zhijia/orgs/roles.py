"""Built-in roles, kept in code and upserted after every migrate (later domains add capabilities
here and the seeded roles follow). Custom roles may be added in the database as well."""

from django.utils.translation import gettext_lazy as _

from .capabilities import Cap
from .enums import Separation

MEMBER_WORK = [
    Cap.MEMBERS_VIEW,
    Cap.MEMBERS_MANAGE,
    Cap.MEMBERS_REVIEW,
    Cap.MEMBERS_IMPORT,
    Cap.MEMBERS_EXPORT,
]

SERVICE_WORK = [
    Cap.POSITIONS_MANAGE,
    Cap.POSITIONS_VISITS,
    Cap.CATALOG_MANAGE,
    Cap.CATALOG_APPLICATIONS,
    Cap.ACTIVITIES_MANAGE,
    Cap.ACTIVITIES_ENROL,
    Cap.ACTIVITIES_CHECKIN,
    Cap.RECORDS_VIEW,
    Cap.STATS_REPORT,
    Cap.STATS_APPROVE,
    Cap.DISPATCH_ORDER,
    Cap.DISPATCH_MENUS,
    Cap.DISPATCH_ASSIGN,
    Cap.BENEFITS_MANAGE,
    Cap.BENEFITS_VIEW,
    Cap.ELECTIONS_MANAGE,
    Cap.ELECTIONS_TELLER,
    Cap.ELECTIONS_APPROVE,
    Cap.VOICE_MANAGE,
    Cap.VOICE_OPINE,
    Cap.OPINIONS_REPLY,
    Cap.CONTESTS_MANAGE,
    Cap.CONTESTS_REGISTER,
    Cap.HONOURS_MANAGE,
    Cap.HONOURS_NOMINATE,
    Cap.LABOUR_VIEW,
    Cap.LABOUR_MANAGE,
    Cap.LABOUR_SURVEY,
    Cap.CASES_VIEW,
    Cap.CASES_HANDLE,
]

BUILTIN_ROLES = {
    # code: (name, separation class, capabilities)
    "admin": (
        _("Administrator"),
        Separation.SYSTEM,
        [
            Cap.ORGS_VIEW,
            Cap.ORGS_MANAGE,
            Cap.USERS_VIEW,
            Cap.USERS_MANAGE,
            *MEMBER_WORK,
            Cap.MEMBERS_REVEAL,
            Cap.MEMBERS_EXPORT_APPROVE,
            *SERVICE_WORK,
            Cap.DISPATCH_BUDGET,
            Cap.CASES_APPROVE,
        ],
    ),
    "clerk": (_("Clerk"), "", [Cap.ORGS_VIEW, Cap.ORGS_MANAGE, *MEMBER_WORK, *SERVICE_WORK]),
    "viewer": (
        _("Read-only"),
        "",
        [
            Cap.ORGS_VIEW,
            Cap.MEMBERS_VIEW,
            Cap.RECORDS_VIEW,
            Cap.BENEFITS_VIEW,
            Cap.LABOUR_VIEW,
            Cap.CASES_VIEW,
        ],
    ),
    "station_keeper": (_("Station keeper"), "", [Cap.POSITIONS_VISITS, Cap.ACTIVITIES_CHECKIN]),
    "security_admin": (
        _("Security administrator"),
        Separation.SECURITY,
        [Cap.ORGS_VIEW, Cap.USERS_VIEW, Cap.USERS_SECURITY, Cap.ROLES_GRANT],
    ),
    "auditor": (_("Auditor"), Separation.AUDIT, [Cap.ORGS_VIEW, Cap.AUDIT_READ]),
    "expert": (_("Expert"), "", [Cap.EXPERT_WORK]),
    "merchant_cashier": (_("Merchant cashier"), "", [Cap.BENEFITS_REDEEM]),
    # 村级调查员: granted on one village, sees and surveys only that village's registry.
    "village_surveyor": (_("Village surveyor"), "", [Cap.LABOUR_VIEW, Cap.LABOUR_SURVEY]),
}


def sync_builtin_roles(**kwargs) -> None:
    from .models import Role

    for code, (name, separation, caps) in BUILTIN_ROLES.items():
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": str(name),
                "separation": separation,
                "capabilities": [str(c) for c in caps],
                "builtin": True,
            },
        )
