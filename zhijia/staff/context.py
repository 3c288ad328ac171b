from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhijia.orgs.access import capabilities_of
from zhijia.orgs.capabilities import Cap

from .units import current_unit, granted_units

# Groups of (url name, label, icon, capability needed or None), in the sidebar's order; an entry
# shows when the user holds its capability, a group when one of its entries shows.
NAV_GROUPS = [
    (
        None,
        [
            ("staff:home", _("Home"), "house", None),
        ],
    ),
    (
        _("Members"),
        [
            ("staff:org_list", _("Organisations"), "diagram-3", Cap.ORGS_VIEW),
            ("staff:member_list", _("Members"), "person-vcard", Cap.MEMBERS_VIEW),
            ("staff:application_list", _("Join applications"), "person-plus", Cap.MEMBERS_REVIEW),
            ("staff:transfer_list", _("Transfers"), "arrow-left-right", Cap.MEMBERS_REVIEW),
            ("staff:member_import", _("Member ledgers"), "file-earmark-spreadsheet", Cap.MEMBERS_IMPORT),
            ("staff:card_verify", _("Check a member card"), "qr-code-scan", Cap.MEMBERS_VIEW),
            ("staff:data_request_list", _("Personal-data requests"), "shield-check", Cap.MEMBERS_MANAGE),
        ],
    ),
    (
        _("Services"),
        [
            ("staff:activity_calendar", _("Activities"), "calendar-event", Cap.ACTIVITIES_MANAGE),
            ("staff:position_list", _("Service positions"), "geo-alt", Cap.POSITIONS_MANAGE),
            ("staff:station_today", _("Today at my station"), "calendar-day", Cap.POSITIONS_VISITS),
            ("staff:visit_new", _("Check a visitor in"), "person-check", Cap.POSITIONS_VISITS),
            ("staff:service_list_list", _("Service lists"), "list-check", Cap.CATALOG_MANAGE),
            ("staff:plan_list", _("Activity plans"), "calendar3", Cap.CATALOG_MANAGE),
            ("staff:service_applications", _("Online applications"), "inbox", Cap.CATALOG_APPLICATIONS),
        ],
    ),
    (
        _("Figures"),
        [
            ("staff:record_list", _("Service ledger"), "journal-text", Cap.RECORDS_VIEW),
            ("staff:stats_reports", _("Statistical reports"), "clipboard-data", Cap.STATS_REPORT),
        ],
    ),
    (
        _("Expert services"),
        [
            ("staff:dispatch_board", _("Dispatch board"), "kanban", Cap.DISPATCH_ASSIGN),
            ("staff:dispatch_menu_browse", _("Order expert services"), "cart-plus", Cap.DISPATCH_ORDER),
            ("staff:dispatch_orders", _("Expert orders"), "clipboard-check", Cap.DISPATCH_ORDER),
            ("staff:dispatch_menus", _("Service menus"), "menu-button-wide", Cap.DISPATCH_MENUS),
            ("staff:dispatch_experts", _("Expert pool"), "person-badge", Cap.DISPATCH_MENUS),
            ("staff:dispatch_surveys", _("Needs surveys"), "chat-square-text", Cap.DISPATCH_MENUS),
            ("staff:dispatch_budgets", _("Budgets"), "cash-coin", Cap.DISPATCH_ASSIGN),
            ("staff:dispatch_reports", _("Expert service reports"), "bar-chart", Cap.DISPATCH_ASSIGN),
            ("h5:expert_orders", _("My expert orders"), "person-workspace", Cap.EXPERT_WORK),
        ],
    ),
    (
        _("Benefits"),
        [
            ("staff:benefits_campaigns", _("Voucher campaigns"), "ticket-perforated", Cap.BENEFITS_VIEW),
            ("staff:benefits_vouchers", _("Find a voucher"), "search", Cap.BENEFITS_MANAGE),
            ("staff:benefits_merchants", _("Merchants"), "shop", Cap.BENEFITS_VIEW),
            ("h5:merchant_home", _("Merchant till"), "upc-scan", Cap.BENEFITS_REDEEM),
        ],
    ),
    (
        _("Help and rights"),
        [
            ("staff:cases_list", _("Help and rights cases"), "life-preserver", Cap.CASES_VIEW),
            ("staff:cases_mine", _("Cases assigned to me"), "person-check", Cap.EXPERT_WORK),
            ("staff:case_funds", _("Help funds"), "piggy-bank", Cap.CASES_APPROVE),
            ("staff:case_reviews", _("Yearly reviews"), "calendar-check", Cap.CASES_APPROVE),
            ("staff:case_settings", _("Help settings"), "sliders", Cap.CASES_APPROVE),
        ],
    ),
    (
        _("Labour registry"),
        [
            ("staff:labour_people", _("Labour registry"), "people-fill", Cap.LABOUR_VIEW),
            ("staff:labour_ledgers", _("Labour ledgers"), "journal-bookmark", Cap.LABOUR_VIEW),
            ("staff:labour_jobs", _("Jobs and referrals"), "briefcase", Cap.LABOUR_VIEW),
            ("staff:labour_teams", _("Service teams"), "people", Cap.LABOUR_VIEW),
            ("h5:labour_survey", _("Door-to-door survey"), "clipboard-plus", Cap.LABOUR_SURVEY),
        ],
    ),
    (
        _("Participation"),
        [
            (
                "staff:elections_home",
                _("Congresses and elections"),
                "person-raised-hand",
                Cap.ELECTIONS_MANAGE,
            ),
            ("staff:voice_home", _("Consultations on draft laws"), "megaphone", Cap.VOICE_MANAGE),
            ("staff:voice_box", _("Opinion box"), "mailbox", Cap.OPINIONS_REPLY),
            ("staff:honours_home", _("Honours"), "award", Cap.HONOURS_NOMINATE),
            ("staff:contests_home", _("Labour and skills contests"), "trophy", Cap.CONTESTS_MANAGE),
        ],
    ),
    (
        _("Administration"),
        [
            ("staff:user_list", _("Users and roles"), "people", Cap.USERS_VIEW),
            ("staff:audit_list", _("Audit log"), "journal-check", Cap.AUDIT_READ),
            ("staff:security", _("My security"), "shield-lock", None),
        ],
    ),
]
NAV = [(group, *entry) for group, entries in NAV_GROUPS for entry in entries]


# Their URLs prefix other entries' URLs.
EXACT = {
    "staff:home",
    "staff:member_list",
    "staff:position_list",
    "staff:service_list_list",
    "staff:dispatch_board",
    "staff:benefits_campaigns",
    "staff:labour_people",
    "staff:cases_list",
}


def console(request):
    """Navigation by capability, the unit switcher and the user's capabilities, for console pages."""
    user = getattr(request, "user", None)
    if not request.path.startswith("/console/") or not user or not user.is_authenticated:
        return {}
    caps = capabilities_of(user)
    nav = []
    for group, name, label, icon, cap in NAV:
        if cap is None or cap in caps:
            url = reverse(name)
            active = request.path == url if name in EXACT else request.path.startswith(url)
            nav.append({"url": url, "label": label, "icon": icon, "active": active, "group": group or ""})
    return {"nav": nav, "units": granted_units(user), "current_unit": current_unit(request), "caps": caps}
