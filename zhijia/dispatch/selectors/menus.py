"""Reads of service menus: the public published menus (what a union may order), one published
menu, and the versions staff manage."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths

from ..enums import MenuStatus
from ..models import Menu, MenuItem


def item_orderable(item: MenuItem, org: Org) -> bool:
    """`org` may order `item` now: its menu is published, the item is not paused, and `org`
    lies in the subtree of the item's orderable union (default: the menu's union)."""
    root = item.orderable_org or item.menu.org
    return item.menu.status == MenuStatus.PUBLISHED and not item.paused and org.path.startswith(root.path)


def orderable_items_q(org: Org, prefix: str = "") -> Q:
    """Items `org` may order (published menu of `org` or an ancestor, not paused, orderable
    union containing `org`), as a Q on MenuItem (or on a relation through `prefix`)."""
    paths = ancestor_paths(org.path)
    return Q(
        **{
            f"{prefix}menu__status": MenuStatus.PUBLISHED,
            f"{prefix}paused": False,
            f"{prefix}menu__org__path__in": paths,
        }
    ) & (Q(**{f"{prefix}orderable_org__isnull": True}) | Q(**{f"{prefix}orderable_org__path__in": paths}))


def menu_list(*, org: Any = None, orderable_by: Org | None = None) -> QuerySet[Menu]:
    """Published menus, items prefetched (paused ones included, flagged), union fetched.
    `org`: menus of that union only. `orderable_by`: menus that union may order from, with only
    the items it may order (paused ones excluded)."""
    qs = Menu.objects.filter(status=MenuStatus.PUBLISHED).select_related("org")
    if org is not None:
        qs = qs.filter(org=org)
    items = MenuItem.objects.select_related("orderable_org").order_by("order", "category", "title")
    if orderable_by is not None:
        items = items.filter(orderable_items_q(orderable_by))
        qs = qs.filter(org__path__in=ancestor_paths(orderable_by.path), items__in=items).distinct()
    return qs.prefetch_related(Prefetch("items", queryset=items)).order_by("org__path", "title")


def menu_get(*, id: Any) -> Menu:
    """A published menu (items prefetched) for everyone; anything else 404."""
    pk = parse_uuid(id)
    found = menu_list().filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(code="not_found")
    return found


def menus_manage_list(*, actor: Any, status: str | None = None) -> QuerySet[Menu]:
    """Every version of the menus of unions where the actor holds dispatch.menus, newest version
    first within a family; item counts annotated as `item_count`."""
    from django.db.models import Count

    qs = Menu.objects.filter(scope_for(actor, Cap.DISPATCH_MENUS).q("org")).select_related("org")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(item_count=Count("items")).order_by("org__path", "title", "-number")


def menu_versions(menu: Menu) -> QuerySet[Menu]:
    """All versions of `menu`'s family, newest first."""
    return Menu.objects.filter(family=menu.family).order_by("-number")


def menu_items(menu: Menu) -> QuerySet[MenuItem]:
    return menu.items.select_related("orderable_org").order_by("order", "category", "title")
