"""/api/v1 catalog endpoints: published service lists and activity plans.

Public reads (no login): what a union publishes is meant for everyone. Only published versions
and published plans are shown; drafts are edited in the staff console. A list without a
published version, like an unknown id, is a 404. `org` limits answers to that union's subtree
(404 for an unknown union).
"""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from zhijia.api.schemas import Ref
from zhijia.catalog.enums import AccessMode, PlanEntryStatus
from zhijia.catalog.models import ActivityPlan, ServiceItem, ServiceList
from zhijia.catalog.selectors import (
    plan_totals,
    published_plans,
    published_service_list,
    published_service_lists,
)
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["catalog"])


class AccessModeOut(Schema):
    code: AccessMode
    label: str


class ServiceItemOut(Schema):
    id: UUID
    name: str
    description: str
    audience: str
    access_modes: list[AccessModeOut]
    contact: str
    positions: list[Ref]

    @staticmethod
    def resolve_access_modes(obj: ServiceItem) -> list[dict]:
        return [
            {"code": m, "label": str(AccessMode(m).label)} for m in obj.access_modes if m in AccessMode.values
        ]

    @staticmethod
    def resolve_positions(obj: ServiceItem) -> list[dict]:
        return [{"id": p.pk, "name": p.name} for p in obj.positions.all()]


class ServiceCategoryOut(Schema):
    id: UUID
    name: str
    items: list[ServiceItemOut]


class ServiceListOut(Schema):
    id: UUID
    title: str
    org: Ref
    version: int
    published_at: datetime | None
    intro: str


class ServiceListDetailOut(ServiceListOut):
    categories: list[ServiceCategoryOut]


class PlanEntryOut(Schema):
    id: UUID
    title: str
    category: str
    month: int
    position: Ref | None
    audience: str
    planned_times: int
    planned_participants: int
    status: PlanEntryStatus
    held_times: int
    participants: int
    note: str


class PlanTotalsOut(Schema):
    planned: int
    planned_times: int
    held: int
    held_times: int
    cancelled: int
    planned_participants: int
    participants: int


class ActivityPlanOut(Schema):
    id: UUID
    org: Ref
    year: int
    title: str
    published_at: datetime | None
    totals: PlanTotalsOut
    entries: list[PlanEntryOut]


def _org(org: UUID | None) -> Org | None:
    if org is None:
        return None
    return org_by_id(org)


def _org_ref(org: Org) -> dict:
    return {"id": org.pk, "name": org.name}


def _list_out(service_list: ServiceList, version) -> dict:
    return {
        "id": service_list.pk,
        "title": service_list.title,
        "org": _org_ref(service_list.org),
        "version": version.number,
        "published_at": version.published_at,
        "intro": version.intro,
    }


@router.get("/service-lists", response=list[ServiceListOut], auth=None)
def list_service_lists(request: HttpRequest, org: UUID | None = None):
    """Published service lists (of `org`'s subtree when given), with their current version
    number and publication time. Public."""
    return [_list_out(sl, sl.published[0]) for sl in published_service_lists(org=_org(org))]


@router.get("/service-lists/{list_id}", response=ServiceListDetailOut, auth=None)
def get_service_list(request: HttpRequest, list_id: str):
    """The current published version of a list: categories in order, their items with who may
    use them, how to get them (access modes) and the providing positions. Public; 404 when the
    list has no published version."""
    service_list, version = published_service_list(id=list_id)
    return {**_list_out(service_list, version), "categories": list(version.categories.all())}


def _plan_out(plan: ActivityPlan) -> dict:
    entries = list(plan.entries.all())
    return {
        "id": plan.pk,
        "org": _org_ref(plan.org),
        "year": plan.year,
        "title": plan.title,
        "published_at": plan.published_at,
        "totals": plan_totals(entries).__dict__,
        "entries": [
            {
                **{f: getattr(e, f) for f in PlanEntryOut.model_fields if f != "position"},
                "position": {"id": e.position.pk, "name": e.position.name} if e.position else None,
            }
            for e in entries
        ],
    }


@router.get("/activity-plans", response=list[ActivityPlanOut], auth=None)
def list_activity_plans(request: HttpRequest, org: UUID | None = None, year: int | None = None):
    """Published yearly activity plans (of `org`'s subtree, of `year`), each with its entries
    (ordered by month) and plan-against-actual totals. Public."""
    return [_plan_out(plan) for plan in published_plans(org=_org(org), year=year)]
