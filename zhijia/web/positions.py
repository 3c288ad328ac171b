"""How a station is shown on a page (H5 finder and detail, console detail): opening hours by day,
today's hours, coming exceptions, facility labels with icons, map markers and navigation links.
Pure presentation of a Position's stored data; nothing here reads the database."""

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.positions import geo
from zhijia.positions.enums import Facility, PositionStatus
from zhijia.positions.hours import (
    SHANGHAI,
    HoursError,
    exceptions_from_json,
    hours_from_json,
)

FACILITY_ICONS = {
    "drinking_water": "cup-straw",
    "hot_water": "cup-hot",
    "microwave": "fire",
    "fridge": "snow",
    "charging": "phone",
    "power_bank": "battery-charging",
    "toilet": "badge-wc",
    "air_conditioning": "fan",
    "seats": "person-arms-up",
    "first_aid": "bandaid",
    "wifi": "wifi",
    "books": "book",
    "umbrellas": "umbrella",
    "repair_tools": "tools",
    "ebike_charging": "ev-station",
    "nursing_room": "heart-pulse",
    "lockers": "lock",
    "shower": "droplet",
}
# The chips on the finder: what riders ask for first.
FINDER_FACILITIES = (
    "drinking_water",
    "toilet",
    "charging",
    "power_bank",
    "hot_water",
    "microwave",
    "air_conditioning",
    "ebike_charging",
)


def tile_settings() -> dict[str, str]:
    """The map tile source: POSITIONS_TILE_URL (empty → the offline base map, see base_map),
    POSITIONS_TILE_DATUM (the datum the tiles are drawn in: wgs84 for OSM/天地图, gcj02 for 高德),
    POSITIONS_TILE_ATTRIBUTION."""
    datum = str(getattr(settings, "POSITIONS_TILE_DATUM", "wgs84") or "wgs84").lower()
    return {
        "url": str(getattr(settings, "POSITIONS_TILE_URL", "") or ""),
        "datum": datum if datum in geo.Datum.__members__.values() else "wgs84",
        "attribution": str(getattr(settings, "POSITIONS_TILE_ATTRIBUTION", "") or ""),
    }


def default_centre() -> tuple[float, float]:
    """POSITIONS_DEFAULT_CENTER (WGS-84 lat, lng): the finder's "city centre" (default 深圳市民中心)."""
    centre = getattr(settings, "POSITIONS_DEFAULT_CENTER", None) or (22.5412, 114.0537)
    return float(centre[0]), float(centre[1])


def facility_items(codes) -> list[dict[str, str]]:
    labels = dict(Facility.choices)
    return [
        {"code": c, "label": str(labels[c]), "icon": FACILITY_ICONS.get(c, "check2")}
        for c in Facility.values
        if c in set(codes or ())
    ]


def _intervals_text(intervals) -> str:
    def fmt(value, close=False):
        return "24:00" if close and value.hour == 0 and value.minute == 0 else value.strftime("%H:%M")

    intervals = list(intervals)
    if len(intervals) == 1 and intervals[0][0] == intervals[0][1]:
        return _("Open 24 hours")
    return ", ".join(f"{fmt(o)}-{fmt(c, True)}" for o, c in intervals)


def _schedule(position) -> tuple[dict, dict]:
    try:
        return hours_from_json(position.hours or {}), exceptions_from_json(position.hours_exceptions or {})
    except HoursError:  # stored data is validated by the services; never break a page over it
        return {}, {}


def week_rows(position) -> list[dict[str, Any]]:
    """Monday first: [{"day": "Mon", "text": "08:00-20:00" | "Closed", "today": bool}]."""
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    schedule, _exc = _schedule(position)
    today = timezone.now().astimezone(SHANGHAI).weekday()
    return [
        {"day": name, "text": _intervals_text(schedule.get(i, ())) or _("Closed"), "today": i == today}
        for i, name in enumerate(names)
    ]


def hours_on(position, day: date) -> str:
    """The hours of one date after exceptions ("Closed" when none)."""
    schedule, exceptions = _schedule(position)
    intervals = exceptions[day] if day in exceptions else schedule.get(day.weekday(), ())
    return _intervals_text(intervals) or _("Closed")


def hours_today(position, at: datetime | None = None) -> str:
    return hours_on(position, (at or timezone.now()).astimezone(SHANGHAI).date())


def upcoming_exceptions(position, limit: int = 10) -> list[dict[str, Any]]:
    exceptions = _schedule(position)[1]
    today = timezone.now().astimezone(SHANGHAI).date()
    return [
        {"date": day, "text": _intervals_text(iv) or _("Closed all day"), "closed": not iv}
        for day, iv in exceptions.items()
        if day >= today
    ][:limit]


def nav_links(position) -> dict[str, str]:
    """Open the phone's map app: an Amap marker link in GCJ-02 (Amap's datum), and a geo: URI in
    WGS-84 (Android's generic intent) as the second choice."""
    g_lat, g_lng = geo.from_wgs84(position.lat, position.lng, geo.Datum.GCJ02)
    query = urlencode({"position": f"{g_lng:.6f},{g_lat:.6f}", "name": position.name, "coordinate": "gaode"})
    label = quote(position.name)
    return {
        "amap": f"https://uri.amap.com/marker?{query}",
        "geo": f"geo:{position.lat:.6f},{position.lng:.6f}?q={position.lat:.6f},{position.lng:.6f}({label})",
    }


def marker(position, *, url: str, open_now: bool | None = None, extra: str = "") -> dict[str, Any]:
    """One map marker in the tiles' datum (see tile_settings)."""
    lat, lng = geo.from_wgs84(position.lat, position.lng, tile_settings()["datum"])
    if open_now is None:
        open_now = position.status == PositionStatus.OPEN
    return {
        "lat": round(lat, 6),
        "lng": round(lng, 6),
        "name": position.name,
        "url": url,
        "open": bool(open_now),
        "extra": extra,
    }


def map_config(markers: list[dict[str, Any]], *, centre: tuple[float, float] | None = None) -> dict:
    """What the map script reads (static/js/positions-map.js), for `json_script`."""
    tiles = tile_settings()
    here = None
    if centre is not None:
        here = list(geo.from_wgs84(centre[0], centre[1], tiles["datum"]))
    return {
        "tiles": tiles["url"],
        "attribution": tiles["attribution"],
        "base": None if tiles["url"] else base_map(),
        "markers": markers,
        "here": here,
        "hereLabel": _("You are here"),
    }


BASE_MAP = "vendor/china-map/"


def base_map() -> dict[str, Any]:
    """The vendored offline base layer (scripts/vendor_china_map.py) for maps without tiles: the
    provinces and the outline, and each province's cities (by the first two digits of its
    division code) with the province's name and box, so the map script fetches only the
    provinces in view."""
    return {
        "provinces": static(BASE_MAP + "provinces.json"),
        "outline": static(BASE_MAP + "outline.json"),
        "cities": {
            code: {**entry, "url": static(f"{BASE_MAP}cities/{code}.json")}
            for code, entry in _province_index().items()
        },
    }


@cache
def _province_index() -> dict[str, dict[str, Any]]:
    path = Path(__file__).resolve().parent.parent / "static" / BASE_MAP / "provinces-index.json"
    return json.loads(path.read_text(encoding="utf-8"))
