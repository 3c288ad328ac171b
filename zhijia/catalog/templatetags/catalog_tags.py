"""Template helpers for service lists: access-mode labels and month names."""

from django import template
from django.utils.translation import gettext as _

from zhijia.catalog.enums import AccessMode

register = template.Library()

ICONS = {
    AccessMode.WALK_IN: "door-open",
    AccessMode.ACTIVITY: "calendar-check",
    AccessMode.MENU: "list-check",
    AccessMode.ONLINE: "phone",
    AccessMode.PHONE: "telephone",
}


@register.filter
def access_modes(codes) -> list[dict]:
    """[{"code", "label", "icon"}] for the known AccessMode codes in `codes`."""
    return [
        {"code": c, "label": AccessMode(c).label, "icon": ICONS[AccessMode(c)]}
        for c in codes or []
        if c in AccessMode.values
    ]


@register.filter
def month_name(month: int) -> str:
    return _("Month %(m)d") % {"m": month}
