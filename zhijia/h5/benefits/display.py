"""How vouchers read on a phone: the value (满50减40), the campaign's state in a line, validity,
who may take part, where to use it, and refusals as a headline with reasons. Presentation only:
every rule is decided in zhijia.benefits (the till and the API use the same wording)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.benefits.enums import VoucherKind
from zhijia.members.enums import Occupation


def yuan(amount: Decimal | None) -> str:
    """40.00 → "40", 12.50 → "12.5": amounts as people say them."""
    if amount is None:
        return ""
    text = f"{amount:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value(obj: Any) -> dict[str, str]:
    """The value of a campaign or voucher (both have face_value and threshold; a voucher reads
    its kind from its campaign): {big, unit, small, text}."""
    campaign = getattr(obj, "campaign", obj)
    face, threshold = yuan(obj.face_value), yuan(obj.threshold)
    if campaign.kind == VoucherKind.EXPERIENCE:
        label = campaign.get_experience_display() if campaign.experience else campaign.get_kind_display()
        worth = _("worth %(face)s yuan") % {"face": face}
        return {"big": str(label), "unit": "", "small": worth, "text": f"{label} · {worth}", "words": "1"}
    if obj.threshold and obj.threshold > 0:
        return {
            "big": face,
            "unit": _("yuan"),
            "small": _("on %(threshold)s+") % {"threshold": threshold},
            "text": _("Spend %(threshold)s yuan, save %(face)s yuan")
            % {"threshold": threshold, "face": face},
        }
    return {
        "big": face,
        "unit": _("yuan"),
        "small": str(campaign.get_kind_display()),
        "text": _("%(face)s yuan off any bill") % {"face": face},
    }


def _at(when: dt.datetime) -> str:
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return _("today %(time)s") % {"time": local.strftime("%H:%M")}
    return local.strftime("%m-%d %H:%M")


def when(campaign: Any, state: dict[str, Any]) -> str:
    """The campaign's state in one line, for the list."""
    code, left, upcoming = state["status_for_display"], state["remaining"], state["next_round_opens_at"]
    if code == "open":
        return _("Open now · %(n)s left") % {"n": left}
    if code == "registration_open":
        return _("Registration open until %(at)s") % {"at": _at(campaign.register_closes_at)}
    if code in ("upcoming", "between_rounds") and upcoming:
        return _("Next release %(at)s") % {"at": _at(upcoming)}
    if code == "sold_out":
        if upcoming:
            return _("All taken · next release %(at)s") % {"at": _at(upcoming)}
        return _("All taken")
    if code == "registration_closed":
        return _("Registration closed · draw soon")
    if code == "drawn":
        return _("Drawn")
    return str(state["status_label"])


SECTION = {
    "open": "open",
    "registration_open": "open",
    "upcoming": "upcoming",
    "between_rounds": "upcoming",
    "registration_closed": "upcoming",
}


def section(state: dict[str, Any]) -> str:
    """open | upcoming | ended: where the list shows the campaign."""
    code = state["status_for_display"]
    if code == "sold_out" and state["next_round_opens_at"]:
        return "upcoming"
    return SECTION.get(code, "ended")


def validity(campaign: Any) -> str:
    start = timezone.localtime(campaign.valid_from).strftime("%Y-%m-%d")
    end = timezone.localtime(campaign.valid_until).strftime("%Y-%m-%d %H:%M")
    text = _("From %(start)s until %(end)s") % {"start": start, "end": end}
    if campaign.valid_days:
        text += _(", within %(days)s days of claiming") % {"days": campaign.valid_days}
    return text


def eligibility(campaign: Any) -> list[str]:
    """Who may take part, one plain sentence per rule (the rules: benefits.eligibility)."""
    root = campaign.eligible_org or campaign.org
    lines = [_("Real-name union members of %(org)s and the unions under it") % {"org": root.name}]
    if campaign.occupations:
        labels = dict(Occupation.choices)
        names = "、".join(str(labels.get(o, o)) for o in campaign.occupations)
        lines.append(_("Occupations: %(names)s") % {"names": names})
    if campaign.joined_before:
        lines.append(_("Joined before %(date)s") % {"date": campaign.joined_before.isoformat()})
    if campaign.per_day:
        lines.append(_("One per person per day"))
    elif campaign.per_person > 1:
        lines.append(_("At most %(n)s per person") % {"n": campaign.per_person})
    else:
        lines.append(_("One per person"))
    return lines


REFUSALS: dict[str, tuple[str, Any]] = {
    "sold_out": ("emoji-frown", lambda: _("All taken")),
    "already_claimed": ("check2-circle", lambda: _("You already have this voucher")),
    "not_open": ("alarm", lambda: _("Not open right now")),
    "not_eligible": ("person-x", lambda: _("You cannot take part")),
    "busy": ("hourglass-split", lambda: _("Very busy right now")),
    "rate_limited": ("hourglass-split", lambda: _("Too many tries")),
    "already_registered": ("check2-circle", lambda: _("You are already registered")),
    "bad_code": ("qr-code", lambda: _("Unknown voucher code")),
    "not_redeemable": ("x-octagon", lambda: _("This voucher cannot be used")),
    "below_threshold": ("cash-coin", lambda: _("The bill is too small")),
    "idempotency_mismatch": ("arrow-repeat", lambda: _("Please start again")),
    "reversal_window": ("clock-history", lambda: _("Too late to reverse")),
    "invalid_transition": ("x-octagon", lambda: _("Not possible now")),
}

HINTS = {
    "busy": lambda: _("Please try again in a moment."),
    "rate_limited": lambda: _("Please wait a minute before trying again."),
}


def refusal(exc: Any) -> dict[str, Any]:
    """An ApplicationError (or just a code) as {code, icon, title, reasons}: a headline from the
    code, then the service's own message and any field messages."""
    code = exc if isinstance(exc, str) else exc.code
    icon, title = REFUSALS.get(code, ("exclamation-triangle", lambda: _("This did not work")))
    reasons: list[str] = []
    if not isinstance(exc, str):
        reasons = [str(m) for msgs in (exc.fields or {}).values() for m in msgs]
        message = str(exc.message)
        if message and message not in reasons:
            reasons.insert(0, message)
    if code in HINTS:
        reasons.append(str(HINTS[code]()))
    return {"code": code, "icon": icon, "title": title(), "reasons": reasons}
