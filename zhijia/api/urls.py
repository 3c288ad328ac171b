"""The public API under /api/v1/. One router module per domain; they are mounted here."""

from ninja import NinjaAPI

from . import errors
from .security import AUTH

api = NinjaAPI(
    title="Zhijia API",
    version="1",
    description="Zhijia (职家) trade-union service platform. Errors: {code, message, fields}.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


def _mount() -> None:
    from . import (
        activities,
        audit,
        auth,
        benefits,
        cases,
        catalog,
        children,
        contests,
        dispatch,
        elections,
        enrolments,
        honour_files,
        honours,
        identity,
        join,
        labour,
        members,
        orgs,
        positions,
        redemptions,
        service_applications,
        stars,
        stats,
        voice,
    )

    api.add_router("/auth", auth.router)
    api.add_router("/orgs", orgs.router)
    api.add_router("/audit", audit.router)
    api.add_router("/identity", identity.router)
    # These routers spell out their paths: /join-applications, /transfers; /members, /me/member-card…
    api.add_router("", join.router)
    api.add_router("", members.router)
    api.add_router("", children.router)  # /me/children
    api.add_router("/positions", positions.router)
    api.add_router("", catalog.router)  # /service-lists, /activity-plans
    api.add_router("", service_applications.router)  # /service-items/…/applications, /service-applications…
    api.add_router("", activities.router)  # /activities…
    api.add_router("", enrolments.router)  # /activities/<id>/enrolments, /enrolments…, /me/enrolments
    api.add_router("", dispatch.router)  # /menus, /service-orders…
    api.add_router("", benefits.router)  # /voucher-campaigns…, /me/vouchers
    api.add_router("", redemptions.router)  # /redemptions… (merchant tills)
    api.add_router("", stats.router)  # /stats/summary, /stats/breakdown, /stats/reports…
    api.add_router("", elections.router)  # /elections…, /me/elections
    api.add_router("", contests.router)  # /contests…, /me/certificates
    api.add_router("", honours.router)  # /honours…, /me/honours
    api.add_router("", stars.router)  # /star-ratings…
    api.add_router("", honour_files.router)  # /honours/nominations/<id>/materials…, …/evidence…
    api.add_router("", voice.router)  # /consultations…, /opinions…, /me/opinions, /me/box
    api.add_router("", labour.router)  # /labour/people, /labour/ledgers…, /labour/jobs…, /labour/referrals…
    api.add_router("", cases.router)  # /cases…, /me/cases, /public-notices


_mount()
