"""Permission-matrix entries for the catalog routes (merged into tests/matrix/table.ROUTES).

Console pages need catalog.manage on the union of the list or plan (404 outside scope, 403
inside without it); published lists and plans are public (API and H5)."""

from django.utils import timezone

from zhijia.catalog.enums import PlanEntryStatus, PlanStatus, VersionStatus
from zhijia.catalog.models import (
    ActivityPlan,
    PlanEntry,
    ServiceApplication,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListVersion,
)
from zhijia.catalog.permissions import PLAN_IMPORT_KIND
from zhijia.core.models import ImportJob
from zhijia.orgs.capabilities import Cap

from .reference import has, scoped, staff_only_for_workers
from .table import Check

CAP = Cap.CATALOG_MANAGE
APPLY = Cap.CATALOG_APPLICATIONS


def _answers(method="get", **kw):
    """An online application checked against catalog.applications on the list's union."""
    return Check(
        "rule", method, target="service_application", rule=lambda u, org, o: scoped(u, APPLY, org), **kw
    )


def _any(u, org, o):
    return has(u, CAP)


def _scoped(u, org, o):
    return scoped(u, CAP, org)


def _c(target, method="get", **kw):
    """A catalog object checked against catalog.manage on its union."""
    return Check("rule", method, target=target, rule=_scoped, **kw)


def _new_body(org, o):
    return {"org": str(org.pk)}


P = "/console/catalog/"
ROUTES: dict = {
    "/api/v1/service-lists": [Check("public")],
    "/api/v1/service-lists/<list_id>": [Check("public")],
    "/api/v1/activity-plans": [Check("public")],
    "/h5/services/": [Check("public")],
    "/h5/services/<uuid:pk>/": [Check("public", target="service_list")],
    "/h5/services/<uuid:pk>/print/": [Check("public", target="service_list")],
    "/h5/services/plans/<uuid:pk>/": [Check("public", target="published_plan")],
    # online applications: workers apply and follow their own; the list's union answers
    "/h5/services/items/<uuid:pk>/apply/": [
        Check("worker", target="online_item"),
        Check("worker", "post", target="online_item", body=lambda org, o: {"name": "矩阵申请人"}),
    ],
    "/h5/services/applications/": [Check("worker")],
    "/h5/services/applications/<uuid:pk>/withdraw/": [Check("own", "post", target="service_application")],
    "/api/v1/service-items/<item_id>/applications": [
        Check("rule", "post", api=True, rule=staff_only_for_workers, body=lambda org, o: {"name": "矩阵"})
    ],
    "/api/v1/me/service-applications": [Check("own", api=True)],
    "/api/v1/me/service-applications/<application_id>/withdraw": [Check("own", "post", api=True)],
    "/api/v1/service-applications": [Check("rule", api=True, rule=lambda u, org, o: has(u, APPLY))],
    "/api/v1/service-applications/<application_id>": [_answers(api=True)],
    "/api/v1/service-applications/<application_id>/accept": [_answers("post", api=True)],
    "/api/v1/service-applications/<application_id>/decline": [
        _answers("post", api=True, body=lambda org, o: {"reason": "矩阵"})
    ],
    "/api/v1/service-applications/<application_id>/deliver": [_answers("post", api=True)],
    P + "applications/": [Check("rule", rule=lambda u, org, o: has(u, APPLY))],
    P + "applications/<uuid:pk>/": [
        _answers(),
        _answers("post", body=lambda org, o: {"step": "accept", "reply": "矩阵"}),
    ],
    P: [Check("rule", rule=_any)],
    P + "new/": [
        Check("rule", rule=_scoped, body=_new_body),
        Check("rule", "post", rule=_scoped, body=lambda org, o: {"org": str(org.pk), "title": "矩阵清单"}),
    ],
    P + "<uuid:pk>/": [_c("service_list")],
    P + "<uuid:pk>/draft/": [_c("service_list", "post")],
    P + "<uuid:pk>/settings/": [_c("service_list", "post", body=lambda org, o: {"title": "矩阵改名"})],
    P + "<uuid:pk>/publish/": [_c("service_list", "post")],
    P + "<uuid:pk>/export.xlsx": [_c("service_list")],
    P + "<uuid:pk>/categories/": [_c("service_list", "post", body=lambda org, o: {"name": "矩阵类别"})],
    P + "categories/<uuid:pk>/": [_c("category", "post", body=lambda org, o: {"name": "矩阵改名"})],
    P + "categories/<uuid:pk>/delete/": [_c("category", "post")],
    P + "categories/<uuid:pk>/move/": [_c("category", "post", body=lambda org, o: {"direction": "up"})],
    P + "categories/<uuid:pk>/items/new/": [
        _c("category"),
        _c("category", "post", body=lambda org, o: {"name": "矩阵服务", "access_modes": ["walk_in"]}),
    ],
    P + "items/<uuid:pk>/": [_c("item"), _c("item", "post", body=lambda org, o: {"name": "矩阵改名"})],
    P + "items/<uuid:pk>/delete/": [_c("item", "post")],
    P + "items/<uuid:pk>/move/": [_c("item", "post", body=lambda org, o: {"direction": "down"})],
    P + "plans/": [Check("rule", rule=_any)],
    P + "plans/new/": [
        Check("rule", rule=_scoped, body=_new_body),
        Check(
            "rule",
            "post",
            rule=_scoped,
            body=lambda org, o: {"org": str(org.pk), "year": 2027, "title": "矩阵"},
        ),
    ],
    P + "plans/template.xlsx": [Check("staff")],  # an empty template: nothing to protect
    P + "plans/<uuid:pk>/": [_c("plan")],
    P + "plans/<uuid:pk>/publish/": [_c("plan", "post")],
    P + "plans/<uuid:pk>/export.xlsx": [_c("plan")],
    P + "plans/<uuid:pk>/import/": [_c("plan")],
    P + "plans/<uuid:pk>/entries/new/": [
        _c("plan"),
        _c(
            "plan",
            "post",
            body=lambda org, o: {
                "month": 5,
                "title": "矩阵活动",
                "planned_times": 1,
                "planned_participants": 0,
            },
        ),
    ],
    P + "plans/entries/<uuid:pk>/": [_c("entry")],
    P + "plans/entries/<uuid:pk>/delete/": [_c("entry", "post")],
    P + "plans/entries/<uuid:pk>/cancel/": [_c("entry", "post")],
    P + "plans/entries/<uuid:pk>/outcome/": [
        _c("entry"),
        _c("entry", "post", body=lambda org, o: {"held_times": 1, "participants": 9}),
    ],
    P + "plans/import/<uuid:pk>/": [_c("plan_import")],
    P + "plans/import/<uuid:pk>/errors.xlsx": [_c("plan_import")],
}


def extend(unit: dict, demo) -> None:
    """Per unit: a list with a published version 1 (with an item taking online applications and
    another worker's application for it) and a draft 2 (a category and an item in the draft), a
    draft plan with an entry, a published plan, and a plan import job."""
    from zhijia.accounts.models import User, UserKind

    org = unit["org"]
    service_list = ServiceList.objects.create(org=org, title=f"矩阵服务清单 {org.short_name}")
    published = ServiceListVersion.objects.create(
        service_list=service_list, number=1, status=VersionStatus.PUBLISHED, published_at=timezone.now()
    )
    published_category = ServiceCategory.objects.create(version=published, name="已发布类别")
    ServiceItem.objects.create(category=published_category, name="已发布服务")
    online_item = ServiceItem.objects.create(
        category=published_category, name="矩阵在线申请", access_modes=["online"]
    )
    # another worker (without a phone: the matrix's worker is the one with a phone), whose
    # application the matrix's worker may not withdraw
    applicant = User.objects.create(username=f"matrix-applicant-{org.pk}", kind=UserKind.WORKER)
    service_application = ServiceApplication.objects.create(
        item=online_item, service_list=service_list, org=org, applicant=applicant, name="矩阵申请人"
    )
    draft = ServiceListVersion.objects.create(service_list=service_list, number=2)
    category = ServiceCategory.objects.create(version=draft, name="矩阵类别")
    plan = ActivityPlan.objects.create(org=org, year=2026, title="矩阵计划")
    published_plan = ActivityPlan.objects.create(
        org=org, year=2026, title="矩阵已发布计划", status=PlanStatus.PUBLISHED, published_at=timezone.now()
    )
    PlanEntry.objects.create(plan=published_plan, title="已发布活动", month=3, status=PlanEntryStatus.HELD)
    unit.update(
        service_list=service_list,
        category=category,
        item=ServiceItem.objects.create(category=category, name="矩阵服务", access_modes=["walk_in"]),
        plan=plan,
        entry=PlanEntry.objects.create(plan=plan, title="矩阵活动", month=4),
        published_plan=published_plan,
        plan_import=ImportJob.objects.create(
            kind=PLAN_IMPORT_KIND, org=org, created_by=unit["user"], filename="p.xlsx", source=b""
        ),
    )
    unit.update(online_item=online_item, service_application=service_application)
    unit["url_values"]["list_id"] = service_list.pk
    unit["url_values"]["item_id"] = online_item.pk
    unit["url_values"]["application_id"] = service_application.pk


def snapshot() -> list:
    """Rows a denied request must not change."""
    return [
        list(ServiceList.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        list(ServiceListVersion.objects.order_by("pk").values_list("pk", "status", "intro", "updated_at")),
        list(ServiceCategory.objects.order_by("pk").values_list("pk", "name", "order")),
        list(ServiceItem.objects.order_by("pk").values_list("pk", "name", "order", "updated_at")),
        list(
            ServiceApplication.objects.order_by("pk").values_list(
                "pk", "status", "reply", "reason", "updated_at"
            )
        ),
        list(ActivityPlan.objects.order_by("pk").values_list("pk", "status", "title")),
        list(
            PlanEntry.objects.order_by("pk").values_list(
                "pk", "status", "held_times", "participants", "updated_at"
            )
        ),
    ]
