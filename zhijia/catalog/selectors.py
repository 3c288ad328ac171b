"""Reads of the catalog domain.

Console reads (`*_list(actor=...)`) are limited to the actor's catalog.manage scope. Public
reads (`published_*`) show only published versions and published plans, of any union (or of
one union's subtree), and need no actor: what a union publishes is meant for everyone.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from .enums import AccessMode, ApplicationStatus, PlanEntryStatus, PlanStatus, VersionStatus
from .models import (
    ActivityPlan,
    PlanEntry,
    ServiceApplication,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListVersion,
)


def _within(org: Org | None, field: str = "org") -> Q:
    return subtree_q(org.path, f"{field}__path") if org is not None else Q()


def version_content(version_qs: QuerySet | None = None) -> Prefetch:
    """Prefetch a version's categories, their items and the items' providing positions
    (three queries, whatever the size)."""
    from zhijia.positions.models import Position

    items = ServiceItem.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.filter(deleted_at=None).only("id", "name"))
    )
    return Prefetch("categories", queryset=ServiceCategory.objects.prefetch_related(Prefetch("items", items)))


def service_list_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[ServiceList]:
    """Lists of unions in the actor's catalog.manage scope (optionally `within` an org, `q` in
    the title), with their versions (newest first) fetched."""
    filters = filters or {}
    qs = ServiceList.objects.filter(scope_for(actor, Cap.CATALOG_MANAGE).q("org")).filter(
        _within(filters.get("within"))
    )
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    return qs.select_related("org").prefetch_related("versions").order_by("org__path", "title")


def service_list_versions(*, service_list: ServiceList) -> list[ServiceListVersion]:
    """Every version of a list, newest first, with its publisher (the caller has access)."""
    return list(service_list.versions.select_related("published_by").order_by("-number"))


def draft_of(service_list: ServiceList) -> ServiceListVersion | None:
    """The list's draft version, if it has one (the caller has access)."""
    return service_list.versions.filter(status=VersionStatus.DRAFT).first()


def service_list_version(*, service_list: ServiceList, number: int | None = None) -> ServiceListVersion:
    """One version with its content: `number`, else the draft, else the published version."""
    qs = service_list.versions.prefetch_related(version_content())
    if number is not None:
        version = qs.filter(number=number).first()
    else:
        version = (
            qs.filter(status=VersionStatus.DRAFT).first() or qs.filter(status=VersionStatus.PUBLISHED).first()
        )
    if version is None:
        version = qs.order_by("-number").first()
    if version is None:
        raise NotFound(code="not_found")
    return version


def published_service_lists(*, org: Org | None = None) -> QuerySet[ServiceList]:
    """Lists with a published version (of `org`'s subtree when given); each carries
    `published` = [its published version] (no content)."""
    published = ServiceListVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return (
        ServiceList.objects.filter(_within(org), versions__status=VersionStatus.PUBLISHED)
        .select_related("org")
        .prefetch_related(Prefetch("versions", queryset=published, to_attr="published"))
        .order_by("org__path", "title")
    )


def published_service_list(*, id: Any) -> tuple[ServiceList, ServiceListVersion]:
    """A list and its current published version with content; 404 when there is none."""
    service_list = (
        ServiceList.objects.select_related("org", "position").filter(pk=id).first()
        if parse_uuid(id)
        else None
    )
    version = (
        service_list.versions.filter(status=VersionStatus.PUBLISHED)
        .select_related("published_by")
        .prefetch_related(version_content())
        .first()
        if service_list
        else None
    )
    if service_list is None or version is None:
        raise NotFound(code="not_found")
    return service_list, version


def items_for_activities(unit: Org) -> QuerySet:
    """Items of the published service lists of the unit, its ancestors and its subtree: what an
    activity of the unit may say it delivers."""
    ancestors = [unit.path[: end + 1] for end, char in enumerate(unit.path) if char == "."]
    owners = Q(category__version__service_list__org__path__in=ancestors) | subtree_q(
        unit.path, "category__version__service_list__org__path"
    )
    return (
        ServiceItem.objects.filter(owners, category__version__status=VersionStatus.PUBLISHED)
        .select_related("category")
        .order_by("category__order", "order", "name")
    )


def position_choices(*, actor: Any) -> QuerySet:
    """Positions an actor may name as providers: live ones in their catalog.manage scope."""
    from zhijia.positions.models import Position

    return (
        Position.objects.filter(scope_for(actor, Cap.CATALOG_MANAGE).q("org"), deleted_at=None)
        .select_related("org")
        .order_by("org__path", "name")
    )


def _entries() -> Prefetch:
    return Prefetch("entries", queryset=PlanEntry.objects.select_related("position"))


def plan_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[ActivityPlan]:
    """Plans of unions in the actor's catalog.manage scope (optionally `within`, `year`), with entries."""
    filters = filters or {}
    qs = ActivityPlan.objects.filter(scope_for(actor, Cap.CATALOG_MANAGE).q("org")).filter(
        _within(filters.get("within"))
    )
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    return qs.select_related("org").prefetch_related(_entries()).order_by("-year", "org__path", "title")


def plan_with_entries(*, plan: ActivityPlan) -> ActivityPlan:
    """The plan with its entries and their positions fetched (the caller has access)."""
    return ActivityPlan.objects.select_related("org").prefetch_related(_entries()).get(pk=plan.pk)


def published_plans(*, org: Org | None = None, year: int | None = None) -> QuerySet[ActivityPlan]:
    """Published plans (of `org`'s subtree, of `year`), with entries and their positions."""
    qs = ActivityPlan.objects.filter(_within(org), status=PlanStatus.PUBLISHED)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("org").prefetch_related(_entries()).order_by("-year", "org__path", "title")


def published_plan(*, id: Any) -> ActivityPlan:
    plan = published_plans().filter(pk=id).first() if parse_uuid(id) else None
    if plan is None:
        raise NotFound(code="not_found")
    return plan


@dataclass(frozen=True)
class PlanTotals:
    """Plan against actual. `planned`: entries; `planned_times`: sessions planned on entries
    not cancelled; `held`: entries held; `held_times`: sessions held; `cancelled`: entries
    cancelled; `planned_participants` / `participants`: planned and actual attendance."""

    planned: int = 0
    planned_times: int = 0
    held: int = 0
    held_times: int = 0
    cancelled: int = 0
    planned_participants: int = 0
    participants: int = 0


def plan_totals(entries: list[PlanEntry]) -> PlanTotals:
    """Totals of already-fetched entries (no query)."""
    live = [e for e in entries if e.status != PlanEntryStatus.CANCELLED]
    return PlanTotals(
        planned=len(entries),
        planned_times=sum(e.planned_times for e in live),
        held=sum(1 for e in entries if e.status == PlanEntryStatus.HELD),
        held_times=sum(e.held_times for e in entries),
        cancelled=len(entries) - len(live),
        planned_participants=sum(e.planned_participants for e in live),
        participants=sum(e.participants for e in entries),
    )


def entries_by_month(
    entries: list[PlanEntry], *, year: int | None = None, today: Any = None
) -> list[tuple[int, list[PlanEntry]]]:
    """(month, entries) for each month with entries, in order. With the plan's `year`, each
    entry gets `overdue`: still planned though its month has passed (before `today`, default
    the local date), so a page can warn instead of showing a months-old "planned"."""
    months: dict[int, list[PlanEntry]] = {}
    if year is not None:
        today = today or timezone.localdate()
        for entry in entries:
            entry.overdue = entry.status == PlanEntryStatus.PLANNED and (  # type: ignore[attr-defined]
                (year, entry.month) < (today.year, today.month)
            )
    for entry in sorted(entries, key=lambda e: (e.month, e.order, e.title)):
        months.setdefault(entry.month, []).append(entry)
    return list(months.items())


def plan_entry_by_id(id: Any) -> PlanEntry | None:
    """A plan entry with its plan's union and its position, or None for an unknown or malformed
    id (the caller checks the capability on `entry.plan.org`)."""
    pk = parse_uuid(id)
    if pk is None:
        return None
    return PlanEntry.objects.select_related("plan__org", "position").filter(pk=pk).first()


# --- online applications (在线申请) ----------------------------------------------------------


def applicable_item(*, id: Any) -> ServiceItem:
    """An item of a list's current published version that takes online applications, with its
    list and union; 404 for anything else (a draft's or a superseded version's item, or an
    item without the online access mode)."""
    item = (
        ServiceItem.objects.select_related("category__version__service_list__org")
        .filter(pk=id, category__version__status=VersionStatus.PUBLISHED)
        .first()
        if parse_uuid(id)
        else None
    )
    if item is None or AccessMode.ONLINE not in (item.access_modes or []):
        raise NotFound(code="not_found")
    return item


_APPLICATION_RELATED = ("item", "service_list", "org", "applicant")


def application_list(
    *, actor: Any, status: str = "", within: Org | None = None
) -> QuerySet[ServiceApplication]:
    """Online applications to the unions where the actor holds catalog.applications (within
    `within`'s subtree when given), newest first; `status` narrows (an unknown one gives
    nothing)."""
    qs = ServiceApplication.objects.filter(
        scope_for(actor, Cap.CATALOG_APPLICATIONS).q("org"), _within(within)
    )
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(*_APPLICATION_RELATED).order_by("-created_at", "-pk")


def my_applications(*, actor: Any) -> QuerySet[ServiceApplication]:
    """The worker's own applications, newest first (at most 50)."""
    if not getattr(actor, "is_authenticated", False):
        return ServiceApplication.objects.none()
    return (
        ServiceApplication.objects.filter(applicant=actor)
        .select_related(*_APPLICATION_RELATED)
        .order_by("-created_at", "-pk")[:50]
    )


def applications_waiting(*, actor: Any) -> int:
    """How many submitted applications wait for an answer in the actor's scope (the to-do)."""
    return application_list(actor=actor, status=ApplicationStatus.SUBMITTED).count()
