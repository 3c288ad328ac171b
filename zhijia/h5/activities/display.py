"""How an activity is shown on the worker's phone: the place line, the places line of a card,
eligibility in plain words, a refusal turned into a headline and a reason. Pure presentation of
stored data: nothing here writes, and nothing reads beyond the objects it is given."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhijia.activities import error_codes as codes
from zhijia.activities.enums import Delivery, EnrolmentStatus
from zhijia.web.positions import nav_links

# Badge colours per status (Bootstrap text-bg-*).
STATUS_STYLE = {
    EnrolmentStatus.CONFIRMED: "success",
    EnrolmentStatus.PENDING_APPROVAL: "secondary",
    EnrolmentStatus.WAITLISTED: "warning",
    EnrolmentStatus.OFFERED: "info",
}

REFUSALS = {
    codes.CLOSED: ("lock", lambda: _("Enrolment is closed")),
    codes.FULL: ("x-octagon", lambda: _("No places left")),
    codes.ALREADY_ENROLLED: ("check2-all", lambda: _("Already enrolled")),
    codes.NOT_ELIGIBLE: ("slash-circle", lambda: _("Not eligible")),
    codes.SESSION_REQUIRED: ("calendar-event", lambda: _("Choose a session")),
    codes.OFFER_EXPIRED: ("hourglass-bottom", lambda: _("The offer has expired")),
    codes.INVALID_TRANSITION: ("exclamation-circle", lambda: _("This cannot be done any more")),
    codes.BAD_CHECKIN_CODE: ("qr-code-scan", lambda: _("This check-in code is not valid any more")),
    codes.NOT_ENROLLED: ("person-x", lambda: _("You are not enrolled in this activity")),
    codes.NOT_ATTENDED: ("calendar-x", lambda: _("Only participants can rate an activity")),
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


def place(activity) -> dict[str, Any]:
    """Where: the position (with map links) and room, a free-text place, and/or "online"."""
    position = activity.position
    return {
        "position": position,
        "room": activity.room,
        "note": activity.place_note,
        "online": activity.delivery in (Delivery.ONLINE, Delivery.MIXED) or bool(activity.online_url),
        "nav": nav_links(position) if position is not None else None,
    }


def place_line(activity) -> str:
    bits = []
    if activity.position is not None:
        bits.append(activity.position.name)
    elif activity.place_note:
        bits.append(activity.place_note)
    if activity.delivery in (Delivery.ONLINE, Delivery.MIXED):
        bits.append(_("Online"))
    return " · ".join(bits) or _("Place to be announced")


def registration(activity, now=None) -> dict[str, Any]:
    """Whether enrolment is open now, with a short explanation when it is not."""
    now = now or timezone.now()
    opens, closes = activity.registration_opens_at, activity.registration_closes_at
    if opens and now < opens:
        return {"open": False, "text": _("Registration opens %(at)s") % {"at": _fmt(opens)}}
    if closes and now >= closes:
        return {"open": False, "text": _("Registration closed")}
    if closes:
        return {"open": True, "text": _("Registration until %(at)s") % {"at": _fmt(closes)}}
    return {"open": True, "text": ""}


def places_line(activity) -> dict[str, str]:
    """The card's availability: places left, "waiting list", "full" or "per session"."""
    if activity.per_session:
        return {"state": "per_session", "style": "secondary", "text": _("Places per session")}
    left = max(activity.capacity - activity.taken, 0)
    if left:
        text = ngettext("%(n)d place left", "%(n)d places left", left) % {"n": left}
        return {"state": "open", "style": "success", "text": text}
    if activity.waitlist_enabled:
        return {"state": "waitlist", "style": "warning", "text": _("Waiting list")}
    return {"state": "full", "style": "secondary", "text": _("Full")}


def _fmt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
