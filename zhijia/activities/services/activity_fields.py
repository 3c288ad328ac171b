"""Cleaning the data of activity_create / activity_update / session_* (typed values from the
API schemas or console forms, or strings), and the SMS notice helper. Field errors name the
data key (`title`, `sessions.0.ends_at`…)."""

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from zhijia.core import dates
from zhijia.core.errors import field_error
from zhijia.core.ids import parse_uuid
from zhijia.members.enums import Occupation
from zhijia.orgs.models import Org

from ..enums import ActivityKind, Delivery

logger = logging.getLogger("zhijia.activities")

TEXT = {"title": 200, "summary": 5000, "category": 100, "place_note": 200, "materials": 5000, "contact": 100}
TEXT.update({"limit_group": 100})
FLAGS = (
    "per_session",
    "waitlist_enabled",
    "requires_approval",
    "allow_walk_ins",
    "members_only",
    "for_children",
    "certificate",
)
MISSING = object()


def _text(name: str, value: Any, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise field_error(name, _("This field is required."), code="required")
    if len(text) > limit:
        raise field_error(name, _("At most %(n)d characters.") % {"n": limit}, code="invalid")
    return text


def _int(name: str, value: Any, *, low: int = 0, high: int = 100000, allow_none: bool = False) -> int | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(name, _("Enter a whole number."), code="invalid") from None
    if not low <= number <= high:
        raise field_error(
            name, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}, code="invalid"
        )
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes"}
    return bool(value)


def clean_when(name: str, value: Any, allow_none: bool = True) -> dt.datetime | None:
    """An aware datetime (naive values are read as Asia/Shanghai local time)."""
    if value in (None, ""):
        if allow_none:
            return None
        raise field_error(name, _("This field is required."), code="required")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return dates.parse_moment(value, name)


def _url(name: str, value: Any) -> str:
    text = _text(name, value, 200)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise field_error(name, _("Enter a valid web address."), code="invalid") from None
    return text


def _choice(name: str, value: Any, choices: Any) -> str:
    if value not in choices.values:
        raise field_error(name, _("Select a valid choice."), code="invalid")
    return str(value)


def _object(name: str, value: Any, queryset: Any) -> Any:
    """The row `value` names in `queryset`, or None for an empty value (field error when unknown)."""
    if value in (None, ""):
        return None
    pk = parse_uuid(value)
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise field_error(name, _("Select a valid choice."), code="invalid")
    return found


def _relations(data: dict[str, Any], fields: dict[str, Any]) -> None:
    from zhijia.catalog.models import PlanEntry, ServiceItem
    from zhijia.positions.models import Position, Room

    lookups = {
        "service_item": ServiceItem.objects.all(),
        "plan_entry": PlanEntry.objects.select_related("plan"),
        "position": Position.objects.filter(deleted_at__isnull=True),
        "eligible_org": Org.objects.all(),
    }
    for name, queryset in lookups.items():
        if f"{name}_id" in data:
            fields[name] = _object(f"{name}_id", data[f"{name}_id"], queryset)
    if "room_id" in data:
        position = fields.get("position", MISSING)
        rooms = Room.objects.all() if position is MISSING else Room.objects.filter(position=position)
        fields["room"] = _object("room_id", data["room_id"], rooms)


def _eligibility(data: dict[str, Any], fields: dict[str, Any]) -> None:
    if "occupations" in data:
        values = list(data["occupations"] or [])
        for value in values:
            _choice("occupations", value, Occupation)
        fields["occupations"] = sorted(set(values))
    for name in ("child_age_min", "child_age_max"):
        if name in data:
            fields[name] = _int(name, data[name], high=18, allow_none=True)
    low, high = fields.get("child_age_min"), fields.get("child_age_max")
    if low is not None and high is not None and low > high:
        raise field_error("child_age_max", _("The oldest age is below the youngest."), code="invalid")
    if "limit_count" in data:
        fields["limit_count"] = _int("limit_count", data["limit_count"], low=1, high=100, allow_none=True)


def clean_activity(
    *, actor: Any, data: dict[str, Any], creating: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(model field values, extra: {"co_organisers": [Org]}) for the keys present in `data`;
    on create, kind and title are required."""
    fields: dict[str, Any] = {}
    for name, limit in TEXT.items():
        if name in data or (creating and name == "title"):
            fields[name] = _text(name, data.get(name), limit, required=name == "title")
    if "kind" in data or creating:
        fields["kind"] = _choice("kind", data.get("kind"), ActivityKind)
    if "delivery" in data:
        fields["delivery"] = _choice("delivery", data["delivery"], Delivery)
    if "online_url" in data:
        fields["online_url"] = _url("online_url", data["online_url"])
    for name in FLAGS:
        if name in data:
            fields[name] = _bool(data[name])
    if "capacity" in data:
        fields["capacity"] = _int("capacity", data["capacity"])
    if "offer_hold_minutes" in data:
        fields["offer_hold_minutes"] = _int(
            "offer_hold_minutes", data["offer_hold_minutes"], low=1, high=43200
        )
    for name in ("registration_opens_at", "registration_closes_at"):
        if name in data:
            fields[name] = clean_when(name, data[name])
    opens, closes = fields.get("registration_opens_at"), fields.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise field_error(
            "registration_closes_at", _("Registration must close after it opens."), code="invalid"
        )
    _relations(data, fields)
    _eligibility(data, fields)
    extra: dict[str, Any] = {}
    if "co_organiser_ids" in data:
        ids = [parse_uuid(v) for v in data["co_organiser_ids"] or []]
        orgs = list(Org.objects.filter(pk__in=[i for i in ids if i]))
        if None in ids or len(orgs) != len(set(ids)):
            raise field_error("co_organiser_ids", _("Select a valid choice."), code="invalid")
        extra["co_organisers"] = orgs
    return fields, extra


def clean_session(data: dict[str, Any], *, index: int | None = None, partial: bool = False) -> dict[str, Any]:
    """Session values for the keys present (all required ones unless `partial`)."""
    prefix = f"sessions.{index}." if index is not None else ""
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = _text(prefix + "title", data["title"], 200)
    for name in ("starts_at", "ends_at"):
        if name in data or not partial:
            out[name] = clean_when(prefix + name, data.get(name), allow_none=False)
    for name in ("live_url", "replay_url"):
        if name in data:
            out[name] = _url(prefix + name, data[name])
    if data.get("capacity") not in (None, ""):
        out["capacity"] = _int(prefix + "capacity", data["capacity"])
    if not partial and out["ends_at"] <= out["starts_at"]:
        raise field_error(prefix + "ends_at", _("A session must end after it starts."), code="invalid")
    return out
