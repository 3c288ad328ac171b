"""A unit's own help-and-rights settings (casework.CaseSettings): the local 低保 line used in
hardship eligibility, the crisis contact told at once when a screening flags self-harm, and
the crisis hotline shown to the worker. A blank value means "as the unit above" (selectors.
settings_for takes the nearest unit up the tree that sets it). One entry point for the API and
the console; cases.approve or orgs.manage on the unit (404 outside scope, 403 inside without);
audited with the fields that changed (the contact's name and phone never in clear)."""

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import NotFound, PermissionDenied, field_error
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..models import CaseSettings
from . import common as c

FIELDS = ("dibao_line", "crisis_contact_name", "crisis_contact_phone", "crisis_hotline")
MAX_LINE = Decimal("100000")
HOTLINE_RE = re.compile(r"^[0-9][0-9-]{2,19}$")
CAPS = (Cap.CASES_APPROVE, Cap.ORGS_MANAGE)


def may_configure(actor: Any, org: Org) -> bool:
    return any(scope_for(actor, cap).contains(org) for cap in CAPS)


def check_configure(actor: Any, org: Org) -> None:
    """404 outside every grant, 403 inside without cases.approve or orgs.manage on `org`."""
    if not scope_for(actor).contains(org):
        raise NotFound(code="not_found")
    if not may_configure(actor, org):
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """The values given (of the four), validated; blank → None / "" (inherit)."""
    raw_line = data.get("dibao_line")
    line = None
    if raw_line not in (None, ""):
        line = c.money(raw_line, "dibao_line")
        if not Decimal("0") < line <= MAX_LINE:
            raise field_error("dibao_line", _("Enter a monthly amount from 0.01 to 100000 yuan."))
    hotline = c.text(data.get("crisis_hotline"), "crisis_hotline", max_length=20).replace(" ", "")
    if hotline and not HOTLINE_RE.match(hotline):
        raise field_error("crisis_hotline", _("Enter a telephone number (digits and dashes)."))
    values = {
        "dibao_line": line,
        "crisis_contact_name": c.text(data.get("crisis_contact_name"), "crisis_contact_name", max_length=50),
        "crisis_contact_phone": c.mobile(data.get("crisis_contact_phone"), "crisis_contact_phone"),
        "crisis_hotline": hotline,
    }
    return {k: v for k, v in values.items() if k in data}


@transaction.atomic
def settings_update(*, actor: Any, org: Org, data: dict[str, Any]) -> CaseSettings:
    """Set `org`'s own values: each field given is set (blank: inherit from the unit above),
    a field left out is kept."""
    check_configure(actor, org)
    values = clean(data)
    CaseSettings.objects.get_or_create(org=org)  # one row per unit (a concurrent first save waits)
    row = CaseSettings.objects.select_for_update().get(org=org)
    changed = {}
    for field in values:
        before, after = getattr(row, field), values[field]
        if (before if before not in (None, "") else None) != (after if after not in (None, "") else None):
            # the contact's name and phone are personal data: the trail says that they changed
            changed[field] = str(after or "") if field in ("dibao_line", "crisis_hotline") else "changed"
        setattr(row, field, after)
    row.save()
    if changed:
        audit_log(actor=actor, action="case.settings_update", obj=row, org=org, data=changed)
    return row


__all__ = ["FIELDS", "check_configure", "clean", "may_configure", "settings_update"]
