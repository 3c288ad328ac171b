"""Helpers the console pages of expert services share: the current unit, capability tests for
showing or hiding buttons (the services decide again), one-button POSTs, and the lookup of an
orderable item."""

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _

from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.dispatch.models import MenuItem
from zhijia.dispatch.selectors.menus import menu_list
from zhijia.orgs.access import capabilities_of, scope_for

T = "staff/dispatch/"
PAGE_SIZE = 50


def may(user: Any, cap: str, org: Any) -> bool:
    """Whether `user` holds `cap` on `org` (to show a button; the service checks again)."""
    return org is not None and scope_for(user, cap).contains(org)


def require_any(user: Any, *caps: str) -> None:
    """Pages not tied to one object: one of `caps` somewhere, else 403."""
    held = capabilities_of(user)
    if not any(cap in held for cap in caps):
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")


def run(request, fn, done: str, **kwargs) -> Any:
    """Call a service for a one-button POST: success and refusals become messages; 404 and 403
    stay error pages (the access layer's answers)."""
    try:
        result = fn(actor=request.user, **kwargs)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
        return None
    messages.success(request, done)
    return result if result is not None else True


def public_item(id: Any) -> MenuItem:
    """An item of a published menu (what everyone may read, paused ones included), else 404.
    Whether a union may order it is order_create's decision (409 item_unavailable)."""
    pk = parse_uuid(id)
    menu = menu_list().filter(items__pk=pk).first() if pk else None
    item = next((i for i in menu.items.all() if i.pk == pk), None) if menu else None
    if item is None:
        raise NotFound(code="not_found")
    return item
