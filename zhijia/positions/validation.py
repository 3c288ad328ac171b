"""Cleaning position input (API payloads, console forms, spreadsheet rows) into model values.

`clean_position_data` checks every key present, collects one message per bad field and raises a
single ValidationFailed naming them all (its `code` is the first bad field's code). Coordinates
arrive in any datum and leave as WGS-84; hours arrive as text or JSON and leave as the JSON
form; facilities leave in enum order together with their bit mask."""

import re
from typing import Any

from django.utils.translation import gettext as _

from zhijia.core.errors import ValidationFailed
from zhijia.core.validators.text import clean_name, has_control_chars

from . import error_codes, geo, hours
from .enums import Facility, PositionKind, PositionStatus, VisitorGroup, facility_bits

REQUIRED_ON_CREATE = ("kind", "name", "address", "lat", "lng")
_TEXT_LIMITS = {
    "name": 200,
    "address": 300,
    "division_name": 100,
    "hours_note": 200,
    "description": 5000,
}
_PHONE = re.compile(r"[0-9+\-() #,/转ext.]{3,40}", re.I)
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.fields.setdefault(field, []).append(str(message))
        self.codes.append(code)

    def raise_if_any(self) -> None:
        if self.fields:
            message = next(iter(self.fields.values()))[0] if len(self.fields) == 1 else None
            raise ValidationFailed(
                message or _("Some fields are not valid."), code=self.codes[0], fields=self.fields
            )


def _text(data: dict[str, Any], key: str, errors: _Errors, out: dict[str, Any], *, multiline=False) -> None:
    value = data[key]
    text = clean_name(str(value)) if value is not None else ""
    bad = has_control_chars(text.replace("\n", "").replace("\r", "").replace("\t", "") if multiline else text)
    if bad or len(text) > _TEXT_LIMITS[key]:
        errors.add(key, _("Contains characters that are not allowed or is too long."))
    else:
        out[key] = text


def _coordinates(data: dict[str, Any], errors: _Errors, out: dict[str, Any]) -> None:
    keys = {"lat", "lng"} & data.keys()
    if not keys:  # a datum alone (clients may always send one) changes nothing
        return
    if keys != {"lat", "lng"}:
        missing = "lng" if "lat" in keys else "lat"
        if missing not in errors.fields:
            errors.add(missing, _("Give latitude and longitude together."), error_codes.BAD_COORDINATES)
        return
    try:
        datum = geo.parse_datum(data.get("datum"))
        lat, lng = geo.validate_point(data["lat"], data["lng"])
    except geo.GeoError as exc:
        errors.add(exc.field, exc.message, error_codes.GEO_CODES[exc.code])
        return
    out["lat"], out["lng"] = geo.to_wgs84(lat, lng, datum)


def _hours(data: dict[str, Any], errors: _Errors, out: dict[str, Any]) -> None:
    if "hours" in data:
        value = data["hours"]
        try:
            if value is None or isinstance(value, str):
                schedule = hours.parse_hours(value or "")
            else:
                schedule = hours.hours_from_json(value)
            out["hours"] = hours.hours_to_json(schedule)
        except hours.HoursError as exc:
            errors.add("hours", exc.message, error_codes.BAD_HOURS)
    if "hours_exceptions" in data:
        try:
            parsed = hours.exceptions_from_json(data["hours_exceptions"] or {})
            out["hours_exceptions"] = hours.exceptions_to_json(parsed)
        except hours.HoursError as exc:
            errors.add("hours_exceptions", exc.message, error_codes.BAD_HOURS)


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,，、;；\s]+", value)
    return [str(v).strip() for v in value if str(v).strip()]


def _choices(data, errors, out, *, key: str, enum: Any, code: str) -> None:
    wanted = _codes(data[key])
    unknown = [v for v in wanted if v not in enum.values]
    if unknown:
        errors.add(key, _("Unknown values: %(values)s.") % {"values": ", ".join(unknown[:5])}, code)
        return
    out[key] = [v for v in enum.values if v in wanted]  # enum order, no duplicates
    if key == "facilities":
        out["facility_bits"] = facility_bits(out[key])


def _phone(data: dict[str, Any], errors: _Errors, out: dict[str, Any]) -> None:
    phone = clean_name(str(data["phone"] or ""))
    if phone and not _PHONE.fullmatch(phone):
        errors.add("phone", _("Enter a telephone number (digits, spaces, - + ( ) #)."))
    elif _MOBILE.search(phone.replace(" ", "").replace("-", "")):
        errors.add(
            "phone",
            _("Publish the station's desk phone or hotline, not a personal mobile number."),
            error_codes.MOBILE_NOT_PUBLISHED,
        )
    else:
        out["phone"] = phone


def _simple(data: dict[str, Any], errors: _Errors, out: dict[str, Any]) -> None:
    if "kind" in data:
        if data["kind"] in PositionKind.values:
            out["kind"] = data["kind"]
        else:
            errors.add("kind", _("Choose a valid type."))
    if "status" in data:
        if data["status"] in PositionStatus.values:
            out["status"] = data["status"]
        else:
            errors.add("status", _("Choose a valid status."))
    if "verified" in data:
        if isinstance(data["verified"], bool):
            out["verified"] = data["verified"]
        else:
            errors.add("verified", _("Must be true or false."))
    if "code" in data:
        code = clean_name(str(data["code"] or ""))
        if has_control_chars(code) or len(code) > 40:
            errors.add("code", _("Contains characters that are not allowed or is too long."))
        else:
            out["code"] = code or None
    if "division_code" in data:
        division = clean_name(str(data["division_code"] or ""))
        if division and not (division.isdigit() and len(division) in (6, 9, 12)):
            errors.add("division_code", _("Administrative division code must be 6, 9 or 12 digits."))
        else:
            out["division_code"] = division


def clean_position_data(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Model field values for the keys present in `data` (see services.position_create for the
    keys). `partial` (update): only keys present; else REQUIRED_ON_CREATE must be there and not
    blank. `hub_id` is left to the service (it needs the actor). Raises ValidationFailed."""
    errors = _Errors()
    out: dict[str, Any] = {}
    if not partial:
        for key in REQUIRED_ON_CREATE:
            if data.get(key) in (None, ""):
                errors.add(key, _("This field is required."), "required")
    for key in ("name", "address"):
        if partial and key in data and data[key] in (None, ""):
            errors.add(key, _("This field is required."), "required")
    present = {k: v for k, v in data.items() if not (k in REQUIRED_ON_CREATE and v in (None, ""))}
    for key in ("name", "address", "division_name", "hours_note", "description"):
        if key in present:
            _text(present, key, errors, out, multiline=key == "description")
    _simple(present, errors, out)
    _coordinates(present, errors, out)
    _hours(present, errors, out)
    if "phone" in present:
        _phone(present, errors, out)
    if "facilities" in present:
        _choices(present, errors, out, key="facilities", enum=Facility, code=error_codes.UNKNOWN_FACILITY)
    if "visitor_groups" in present:
        _choices(
            present,
            errors,
            out,
            key="visitor_groups",
            enum=VisitorGroup,
            code=error_codes.UNKNOWN_VISITOR_GROUP,
        )
    errors.raise_if_any()
    if not partial:
        out.setdefault("hours", hours.hours_to_json({}))
    return out
