"""Object access for the catalog domain. Every console page and write goes through these
helpers: 404 for a missing object or one outside the actor's grants, 403 inside the scope
without catalog.manage (orgs.access.check). Reading published lists and plans is public and
goes through selectors.published_* instead."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.models import ImportJob
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import ActivityPlan, PlanEntry, ServiceApplication, ServiceCategory, ServiceItem, ServiceList

PLAN_IMPORT_KIND = "catalog.plan"


def _first(queryset, id: Any):
    found = queryset.filter(pk=id).first() if parse_uuid(id) else None
    if found is None:
        raise NotFound(code="not_found")
    return found


def access_service_list(*, actor: Any, id: Any) -> ServiceList:
    """A service list the actor manages (catalog.manage on its union)."""
    service_list = _first(ServiceList.objects.select_related("org", "position"), id)
    check(actor, Cap.CATALOG_MANAGE, service_list.org)
    return service_list


def access_service_category(*, actor: Any, id: Any) -> ServiceCategory:
    category = _first(ServiceCategory.objects.select_related("version__service_list__org"), id)
    check(actor, Cap.CATALOG_MANAGE, category.version.service_list.org)
    return category


def access_service_item(*, actor: Any, id: Any) -> ServiceItem:
    item = _first(ServiceItem.objects.select_related("category__version__service_list__org"), id)
    check(actor, Cap.CATALOG_MANAGE, item.category.version.service_list.org)
    return item


def access_plan(*, actor: Any, id: Any) -> ActivityPlan:
    """An activity plan the actor manages (catalog.manage on its union)."""
    plan = _first(ActivityPlan.objects.select_related("org"), id)
    check(actor, Cap.CATALOG_MANAGE, plan.org)
    return plan


def access_plan_entry(*, actor: Any, id: Any) -> PlanEntry:
    entry = _first(PlanEntry.objects.select_related("plan__org", "position"), id)
    check(actor, Cap.CATALOG_MANAGE, entry.plan.org)
    return entry


def access_plan_import(*, actor: Any, id: Any) -> ImportJob:
    """A plan import job, for someone holding catalog.manage on the plan's union (its row
    errors may quote the file); 404 for other kinds of job."""
    job = _first(ImportJob.objects.filter(kind=PLAN_IMPORT_KIND).select_related("org"), id)
    check(actor, Cap.CATALOG_MANAGE, job.org)
    return job


_APPLICATION_RELATED = ("item", "service_list", "org", "applicant", "person")


def access_application(*, actor: Any, id: Any) -> ServiceApplication:
    """An online application for the staff of its union: catalog.applications on the list's
    union (404 outside every grant, 403 inside without it)."""
    application = _first(ServiceApplication.objects.select_related(*_APPLICATION_RELATED), id)
    check(actor, Cap.CATALOG_APPLICATIONS, application.org)
    return application


def my_application(*, actor: Any, id: Any) -> ServiceApplication:
    """The worker's own application; 404 for anyone else (staff included)."""
    application = _first(ServiceApplication.objects.select_related(*_APPLICATION_RELATED), id)
    if not getattr(actor, "is_authenticated", False) or application.applicant_id != actor.pk:
        raise NotFound(code="not_found")
    return application
