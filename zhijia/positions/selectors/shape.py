"""The public JSON shape of a position, shared by the API, the H5 pages and the console map."""

import json
from contextlib import nullcontext
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.utils import timezone, translation

from .. import geo, hours
from ..enums import Facility, PositionKind, PositionStatus
from ..models import Position

COORDINATE_DECIMALS = 7  # ≈ 1 cm


@lru_cache(maxsize=4096)
def _schedule(hours_json: str) -> Any:
    return hours.hours_from_json(json.loads(hours_json))


@lru_cache(maxsize=4096)
def _exceptions(exceptions_json: str) -> Any:
    return hours.exceptions_from_json(json.loads(exceptions_json))


def _key(value: Any) -> str:
    return json.dumps(value or {}, sort_keys=True)


def schedule_of(position: Position) -> tuple[Any, Any]:
    """(weekly schedule, exceptions) of a position as positions.hours wants them; a stored value
    that no longer parses counts as closed (services never store one)."""
    try:
        return _schedule(_key(position.hours)), _exceptions(_key(position.hours_exceptions))
    except (hours.HoursError, TypeError, ValueError):
        return {}, {}


def position_open_status(position: Position, at: datetime | None = None) -> hours.OpenStatus:
    """Open now (Asia/Shanghai) by the weekly hours and exceptions; a position whose status is
    not "open" (temporarily closed, under maintenance) is never open and has no next change."""
    if position.status != PositionStatus.OPEN:
        return hours.OpenStatus(False, None)
    schedule, exceptions = schedule_of(position)
    return hours.open_status(schedule, exceptions, at or timezone.now())


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def position_to_dict(
    position: Position, datum: str = "wgs84", at: datetime | None = None, lang: str | None = None
) -> dict[str, Any]:
    """JSON-ready dict (strings for ids and times). Needs `org`, `rooms` and `photos` fetched
    (selectors do) to stay query-free. Coordinates in `datum`; labels and hours text in `lang`
    (default: the active language); open_now / next_change at `at` (default now)."""
    lat, lng = geo.from_wgs84(position.lat, position.lng, datum)
    status = position_open_status(position, at)
    with translation.override(lang) if lang else nullcontext():
        facility_labels = {f.value: str(f.label) for f in Facility}
        return {
            "id": str(position.pk),
            "name": position.name,
            "kind": position.kind,
            "kind_label": str(PositionKind(position.kind).label)
            if position.kind in PositionKind.values
            else "",
            "org_id": str(position.org_id),
            "org_name": position.org.name,
            "code": position.code or "",
            "address": position.address,
            "division_code": position.division_code,
            "division_name": position.division_name,
            "lat": round(lat, COORDINATE_DECIMALS),
            "lng": round(lng, COORDINATE_DECIMALS),
            "datum": str(geo.Datum(datum)),
            "phone": position.phone,
            "description": position.description,
            "status": position.status,
            "status_label": str(PositionStatus(position.status).label)
            if position.status in PositionStatus.values
            else "",
            "verified": position.verified,
            "facilities": list(position.facilities),
            "facility_labels": [facility_labels.get(code, code) for code in position.facilities],
            "visitor_groups": list(position.visitor_groups),
            "hours": position.hours or hours.hours_to_json({}),
            "hours_text": hours.format_hours(schedule_of(position)[0], lang),
            "hours_exceptions": position.hours_exceptions or {},
            "hours_note": position.hours_note,
            "open_now": status.is_open,
            "next_change": _iso(status.next_change),
            "hub_id": str(position.hub_id) if position.hub_id else None,
            "rooms": [
                {"name": r.name, "category": r.category, "capacity": r.capacity} for r in position.rooms.all()
            ],
            "photos": [p.image.url for p in position.photos.all() if p.image],
            "updated_at": _iso(position.updated_at),
        }
