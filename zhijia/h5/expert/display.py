"""How an expert order is shown on a phone: status badges, the tabs of "my orders", the contact
(masked; revealed on request from the dispatch on), and a refusal turned into a headline and reasons. Pure
presentation of stored data: nothing here writes or queries beyond the objects it is given."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.masking import mask_name, mask_phone
from zhijia.dispatch import error_codes as codes
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.services.expert_steps import CONTACT_REVEAL

S = OrderStatus

STATUS_STYLE = {
    S.DISPATCHED: "danger",
    S.ACCEPTED: "success",
    S.DELIVERED: "info",
    S.DISPUTED: "warning",
    S.CONFIRMED: "primary",
    S.SETTLED: "secondary",
    S.CANCELLED: "light",
}

# The tabs of "my orders": (key, label, statuses). New dispatches come first.
TABS = (
    ("new", gettext_lazy("To accept"), (S.DISPATCHED,)),
    ("todo", gettext_lazy("To deliver"), (S.ACCEPTED, S.DISPUTED)),
    ("done", gettext_lazy("Delivered"), (S.DELIVERED, S.CONFIRMED, S.SETTLED)),
    ("all", gettext_lazy("All"), ()),
)

REFUSALS = {
    codes.INVALID_TRANSITION: ("exclamation-circle", lambda: _("This cannot be done any more")),
    codes.EXPERT_UNAVAILABLE: ("calendar-x", lambda: _("You are not available then")),
    codes.OVER_BUDGET: ("cash-coin", lambda: _("The budget does not cover this order")),
    codes.CERTIFICATE_EXPIRED: ("patch-exclamation", lambda: _("A valid certificate is needed")),
    "bad_checkin_code": ("qr-code-scan", lambda: _("This check-in code is not valid any more")),
    "card_invalid": ("person-vcard", lambda: _("Not a valid member card")),
    "card_expired": ("hourglass-bottom", lambda: _("The member card code has expired")),
}


def refusal(exc: Any) -> dict[str, Any]:
    """An ApplicationError as {code, icon, title, reasons}: a translated headline from the code,
    then the service's own (translated) message and any field messages as the reasons."""
    icon, title = REFUSALS.get(exc.code, ("exclamation-triangle", lambda: _("This did not work")))
    reasons = [str(m) for msgs in (exc.fields or {}).values() for m in msgs]
    message = str(exc.message)
    if message and message not in reasons:
        reasons.insert(0, message)
    return {"code": exc.code, "icon": icon, "title": title(), "reasons": reasons}


def contact(order: Any) -> dict[str, Any]:
    """The ordering union's contact, masked. From the dispatch until the union confirms, the
    expert may reveal it (an audited read, h5:expert_order_contact) to call, before accepting
    too (to agree on the time); once confirmed they no longer need it."""
    return {
        "name": mask_name(order.contact_name),
        "phone": mask_phone(order.contact_phone),
        "can_reveal": order.status in CONTACT_REVEAL and bool(order.contact_name or order.contact_phone),
    }


def tab_of(status: str) -> str:
    return next((key for key, _label, statuses in TABS if status in statuses), "all")
