"""Reads of the orgs domain. Every queryset here is already limited to what the actor may see."""

import re
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.validators.text import normalize

from .access import scope_for
from .capabilities import Cap
from .enums import OrgStatus, level_allowed
from .models import Org
from .permissions import access_org
from .tree import ancestor_paths, subtree_q

_PINYIN_QUERY = re.compile(r"[a-z]+")


def org_list(
    *, actor: Any, parent: Org | None = None, q: str | None = None, within: Org | None = None
) -> QuerySet[Org]:
    """Units the actor may view (orgs.view scope), ordered by path, with `parent` fetched and a
    `has_children` flag (children the actor may also view).

    `within`: only the subtree of this unit (the console's current unit). `parent`: only its
    direct children. `q`: name or short name contains, pinyin initials prefix ("ftq" finds
    福田区…), full pinyin contains, or the exact (normalised) USCC.
    """
    scope_q = scope_for(actor, Cap.ORGS_VIEW).q(field="")
    visible_children = Org.objects.filter(scope_q, parent=OuterRef("pk"))
    qs = (
        Org.objects.filter(scope_q)
        .select_related("parent")
        .annotate(has_children=Exists(visible_children))
        .order_by("path")
    )
    if within is not None:
        qs = qs.filter(subtree_q(within.path))
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(_search_q(q))
    return qs


def _search_q(text: str) -> Q:
    text = text.strip()
    cond = Q(name__icontains=text) | Q(short_name__icontains=text)
    compact = normalize(text, upper=False).lower()
    if _PINYIN_QUERY.fullmatch(compact):
        cond |= Q(name_initials__startswith=compact) | Q(name_pinyin__contains=compact)
    code = normalize(text)
    if len(code) == 18:
        cond |= Q(uscc=code)
    return cond


def org_get(*, actor: Any, id: Any) -> Org:
    """The unit if the actor may view it; NotFound (404) when missing or outside scope."""
    return access_org(actor=actor, id=id)


def org_breadcrumbs(*, actor: Any, orgs: list[Org], within: Org | None = None) -> dict[Any, list[Org]]:
    """For each org, its ancestors (root first, the org excluded) that the actor may view and
    that lie inside `within` if given. One query for the whole page of results."""
    wanted = {path for org in orgs for path in ancestor_paths(org.path)[:-1]}
    if within is not None:
        wanted = {path for path in wanted if path.startswith(within.path)}
    if not wanted:
        return {org.pk: [] for org in orgs}
    scope_q = scope_for(actor, Cap.ORGS_VIEW).q(field="")
    by_path = {
        o.path: o
        for o in Org.objects.filter(scope_q, path__in=wanted).only("id", "name", "short_name", "path")
    }
    return {org.pk: [by_path[p] for p in ancestor_paths(org.path)[:-1] if p in by_path] for org in orgs}


def org_move_targets(*, actor: Any, org: Org, within: Org | None = None) -> list[Org]:
    """Active units `org` could be moved under: inside the actor's orgs.manage scope (and
    `within`), outside org's own subtree, not its current parent, at a level above org's."""
    manage_q = scope_for(actor, Cap.ORGS_MANAGE).q(field="")
    qs = Org.objects.filter(manage_q, status=OrgStatus.ACTIVE).exclude(subtree_q(org.path))
    if org.parent_id is not None:
        qs = qs.exclude(pk=org.parent_id)
    if within is not None:
        qs = qs.filter(subtree_q(within.path))
    return [o for o in qs.order_by("path") if level_allowed(o.level, org.level)]


def org_by_id(id: Any) -> Org:
    """A unit named as the *target* of a change (transfer to, forward to) that may lie outside
    the actor's scope; the service validates it. 404 when there is no such unit."""
    org = Org.objects.filter(pk=id).first() if parse_uuid(id) else None
    if org is None:
        raise NotFound(code="not_found")
    return org


def orgs_choice(
    *, ids: list[Any] | None = None, within: Org | None = None, q: Q | None = None
) -> QuerySet[Org]:
    """Units for a form's choices, by path. Unscoped: the caller names the units the user may
    pick (`ids`, the subtree `within`, or a condition `q`) and the service decides."""
    rows = Org.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if within is not None:
        rows = rows.filter(subtree_q(within.path))
    if q is not None:
        rows = rows.filter(q)
    return rows.order_by("path")


def org_chain(org: Org) -> list[Org]:
    """`org` and its ancestors, the top first (unscoped: the caller keeps what the user may see)."""
    return list(Org.objects.filter(path__in=ancestor_paths(org.path)).order_by("path"))


def home_area(org: Org) -> Org:
    """The area a worker of `org` lives and works in, for defaults such as "activities near
    me": its city union (市总工会) when it has one above it, else the unit itself."""
    from .enums import OrgLevel

    return next((unit for unit in reversed(org_chain(org)) if unit.level == OrgLevel.CITY), org)
