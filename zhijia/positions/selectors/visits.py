"""Visits for the console: lists and per-day / per-group counts."""

from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import Scope, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.records.selectors import SHANGHAI, day_range_q, org_filter_q

from ..enums import VisitorGroup
from ..models import Visit

VISIT_CAPS = (Cap.POSITIONS_MANAGE, Cap.POSITIONS_VISITS, Cap.RECORDS_VIEW)


def _scope(actor: Any) -> Scope:
    subtree: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    for cap in VISIT_CAPS:
        scope = scope_for(actor, cap)
        subtree, exact = subtree + scope.subtree_paths, exact + scope.exact_paths
    return Scope(subtree, exact)


def visit_list(*, actor: Any, filters: dict[str, Any]) -> QuerySet[Visit]:
    """Visits at positions of units where `actor` holds positions.manage, positions.visits or
    records.view, newest first, with position, union and person fetched (show the person masked).
    Filters (optional): org (subtree; outside scope → empty), position (uuid), visitor_group,
    date_from, date_to (Shanghai days; a malformed date is a 400 naming the field)."""
    scope = _scope(actor)
    qs = Visit.objects.filter(scope.q("position__org")).select_related("position__org", "person")
    if filters.get("org"):
        cond = org_filter_q(scope, filters["org"], "position__org")
        if cond is None:
            return qs.none()
        qs = qs.filter(cond)
    if filters.get("position"):
        position_id = parse_uuid(filters["position"])
        qs = qs.filter(position_id=position_id) if position_id else qs.none()
    group = filters.get("visitor_group")
    if group:
        qs = qs.filter(visitor_group=group) if group in VisitorGroup.values else qs.none()
    return qs.filter(day_range_q(filters, "at")).order_by("-at", "-id")


def visit_stats(*, actor: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Over visit_list(actor, filters): {"by_day": [(date, n)] oldest first, "by_group":
    [(group, n)] most first, "total": n}. Three aggregate queries."""
    qs = visit_list(actor=actor, filters=filters).order_by()
    by_day = [
        (row["day"], row["n"])
        for row in qs.annotate(day=TruncDate("at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    ]
    by_group = [
        (row["visitor_group"], row["n"])
        for row in qs.values("visitor_group").annotate(n=Count("id")).order_by("-n", "visitor_group")
    ]
    return {"by_day": by_day, "by_group": by_group, "total": qs.count()}
