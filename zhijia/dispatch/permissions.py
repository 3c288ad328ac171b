"""Access to expert-services objects: 404 for a missing / malformed id or an object outside all
of the actor's grants, 403 inside without the capability (orgs.access.check).

Placement: a menu and its items by `menu.org`; an expert by `expert.org` (the pool); a survey by
`survey.org`, a need by its survey's union; an order by `order.dispatcher` for dispatch.assign
and dispatch.budget, by `order.org` for dispatch.order. An expert reaches orders only through
`expert_order` (the login linked to the order's current expert)."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import Expert, Menu, MenuItem, Need, NeedSurvey, ServiceOrder

ORDER_RELATED = ("item__menu__org", "org", "dispatcher", "expert", "budget")
DISPATCHER_CAPS = (Cap.DISPATCH_ASSIGN, Cap.DISPATCH_BUDGET)


def _uuid_or_404(value: Any) -> uuid.UUID:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def _found(obj: Any) -> Any:
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def access_menu(*, actor: Any, id: Any, cap: str = Cap.DISPATCH_MENUS) -> Menu:
    """A menu version (any status) for holders of `cap` on its union."""
    menu = _found(Menu.objects.select_related("org", "published_by").filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, menu.org)
    return menu


def access_item(*, actor: Any, id: Any, cap: str = Cap.DISPATCH_MENUS) -> MenuItem:
    """A menu item, checked like its menu."""
    item = _found(
        MenuItem.objects.select_related("menu__org", "orderable_org").filter(pk=_uuid_or_404(id)).first()
    )
    check(actor, cap, item.menu.org)
    return item


def access_expert(*, actor: Any, id: Any, cap: str = Cap.DISPATCH_MENUS) -> Expert:
    """An expert or team for holders of `cap` on its pool's union."""
    expert = _found(Expert.objects.select_related("org", "user").filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, expert.org)
    return expert


def access_survey(*, actor: Any, id: Any, cap: str = Cap.DISPATCH_MENUS) -> NeedSurvey:
    survey = _found(NeedSurvey.objects.select_related("org", "menu").filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, survey.org)
    return survey


def access_need(*, actor: Any, id: Any, cap: str = Cap.DISPATCH_MENUS) -> Need:
    """A need, checked on its survey's union."""
    need = _found(
        Need.objects.select_related("survey__org", "survey__menu", "org", "item", "order", "person")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    check(actor, cap, need.survey.org)
    return need


def access_order(*, actor: Any, id: Any, cap: str) -> ServiceOrder:
    """An order for holders of `cap`: dispatch.assign / dispatch.budget checked on the
    dispatcher, dispatch.order (and anything else) on the ordering union."""
    order = _found(ServiceOrder.objects.select_related(*ORDER_RELATED).filter(pk=_uuid_or_404(id)).first())
    check(actor, cap, order.dispatcher if cap in DISPATCHER_CAPS else order.org)
    return order


def expert_order(*, user: Any, id: Any) -> ServiceOrder:
    """An order assigned now to the expert linked to `user`; 404 for anything else (a
    re-dispatched, declined or timed-out order included)."""
    pk = parse_uuid(id)
    if pk is None or not getattr(user, "is_authenticated", False):
        raise NotFound(code="not_found")
    return _found(
        ServiceOrder.objects.select_related(*ORDER_RELATED).filter(pk=pk, expert__user=user).first()
    )
