"""Partner merchants (signed by a union), their outlets and cashiers. benefits.manage on the
merchant's union (404 outside the actor's scope, 403 inside without it); audited."""

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.core.validators.text import clean_name, has_control_chars
from zhijia.orgs.access import check, forget_grants
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org, Role, RoleGrant
from zhijia.orgs.services import role_grant

from ..models import Cashier, Merchant, Outlet

MERCHANT_FIELDS = ("name", "uscc", "contact_name", "contact_phone", "active")
OUTLET_FIELDS = ("name", "address", "active")
CASHIER_ROLE = "merchant_cashier"
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_PHONE = re.compile(r"^[0-9+()#\- ]{3,30}$")


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(fields) - set(allowed))
    if extra:
        raise field_error(extra[0], _("Unknown field."))


def _text(fields: dict[str, Any], name: str, max_length: int, *, required: bool = False) -> None:
    if name not in fields:
        return
    value = clean_name(str(fields[name] or ""))
    if required and not value:
        raise field_error(name, _("This field is required."), code="required")
    if len(value) > max_length or has_control_chars(value):
        raise field_error(name, _("At most %(n)s characters, no control characters.") % {"n": max_length})
    fields[name] = value


@transaction.atomic
def merchant_save(*, actor: Any, org: Org, merchant: Merchant | None = None, **fields: Any) -> Merchant:
    """Create a merchant signed by `org`, or change `merchant` (the keys present in `fields`:
    name, uscc, contact_name, contact_phone, active). Audited `merchant.create` / `merchant.update`."""
    _unknown(fields, MERCHANT_FIELDS)
    target_org = merchant.org if merchant is not None else org
    check(actor, Cap.BENEFITS_MANAGE, target_org)
    _text(fields, "name", 200, required=merchant is None or "name" in fields)
    _text(fields, "contact_name", 50)
    if "uscc" in fields:
        uscc = str(fields["uscc"] or "").strip().upper()
        if uscc and not _USCC.match(uscc):
            raise field_error("uscc", _("Enter an 18-character unified social credit code."))
        fields["uscc"] = uscc
    if "contact_phone" in fields:
        phone = str(fields["contact_phone"] or "").strip()
        if phone and not _PHONE.match(phone):
            raise field_error("contact_phone", _("Enter a phone number."))
        fields["contact_phone"] = phone
    if "active" in fields:
        fields["active"] = bool(fields["active"])
    if merchant is None:
        merchant = Merchant.objects.create(org=org, **fields)
        action = "merchant.create"
    else:
        merchant = Merchant.objects.select_for_update(of=("self",)).select_related("org").get(pk=merchant.pk)
        for name, value in fields.items():
            setattr(merchant, name, value)
        merchant.save()
        action = "merchant.update"
    audit_log(
        actor=actor,
        action=action,
        obj=merchant,
        org=merchant.org,
        data={"name": merchant.name, "fields": sorted(fields)},
    )
    return merchant


@transaction.atomic
def outlet_save(*, actor: Any, merchant: Merchant, outlet: Outlet | None = None, **fields: Any) -> Outlet:
    """Create an outlet of `merchant`, or change `outlet` (name, address, active). Audited
    `outlet.create` / `outlet.update`."""
    _unknown(fields, OUTLET_FIELDS)
    if outlet is not None and outlet.merchant_id != merchant.pk:
        raise field_error("merchant", _("This outlet belongs to another merchant."))
    _text(fields, "name", 200, required=outlet is None or "name" in fields)
    _text(fields, "address", 300)
    if "active" in fields:
        fields["active"] = bool(fields["active"])
    if outlet is None:
        outlet = Outlet.objects.create(merchant=merchant, **fields)
        action = "outlet.create"
    else:
        outlet = Outlet.objects.select_for_update(of=("self",)).get(pk=outlet.pk)
        for name, value in fields.items():
            setattr(outlet, name, value)
        outlet.save()
        action = "outlet.update"
    audit_log(
        actor=actor,
        action=action,
        obj=outlet,
        org=merchant.org,
        data={"merchant": str(merchant.pk), "name": outlet.name, "fields": sorted(fields)},
    )
    return outlet


@transaction.atomic
def cashier_add(*, actor: Any, outlet: Outlet, user: Any) -> Cashier:
    """Make `user` (an active staff account) a cashier of `outlet`; grants the role
    merchant_cashier on the merchant's union when the account lacks it (orgs.services.role_grant,
    audited there). 409 conflict when already a cashier there. Audited `cashier.add`."""
    merchant = outlet.merchant
    if user is None or not user.is_active:
        raise field_error("user", _("Choose an active account."))
    if Cashier.objects.filter(user=user, outlet=outlet).exists():
        raise Conflict(_("This account is already a cashier here."), code="conflict")
    role = Role.objects.get(code=CASHIER_ROLE)
    if not RoleGrant.objects.filter(user=user, org=merchant.org, role=role).exists():
        role_grant(actor=actor, user=user, org=merchant.org, role=role, include_subtree=True)
        forget_grants(user)
    cashier = Cashier.objects.create(user=user, outlet=outlet)
    audit_log(
        actor=actor,
        action="cashier.add",
        obj=cashier,
        org=merchant.org,
        data={"user": user.get_username(), "outlet": str(outlet.pk)},
    )
    return cashier


@transaction.atomic
def cashier_remove(*, actor: Any, cashier: Cashier) -> None:
    """The account can no longer redeem at that outlet (the role grant stays: it is harmless
    without a Cashier row, and may serve other outlets). Audited `cashier.remove`."""
    merchant = cashier.outlet.merchant
    audit_log(
        actor=actor,
        action="cashier.remove",
        obj=cashier,
        org=merchant.org,
        data={"user": cashier.user.get_username(), "outlet": str(cashier.outlet_id)},
    )
    cashier.delete()
