"""The finder: positions near a point, nearest first.

Plan (two database round trips plus two prefetches, whatever the density):
1. an indexed range scan on (lat, lng) inside geo.bounding_box of the radius, non-deleted, type
   and facility filters applied in SQL (facilities as one bit-mask test), fetching only
   (id, lat, lng) plus what the open-now test needs;
2. exact haversine in Python, keep those within the radius, sort by (distance, id);
3. walk that order applying open_now (Asia/Shanghai, at `at`) until `limit` are found;
4. fetch the chosen rows with union, rooms and photos.
The box contains the whole circle (geo.bounding_box guarantees it, including near the poles and
±180°, where it widens to all longitudes), so the result equals a brute-force scan.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import field_error

from .. import error_codes, geo
from ..enums import Facility, PositionKind
from ..models import Position
from .lists import facility_filter, with_related
from .shape import position_open_status

MAX_LIMIT = 50
DEFAULT_LIMIT = 20


class Nearby(NamedTuple):
    position: Position
    distance_m: float
    open_now: bool
    next_change: datetime | None


class NearbyQuery(NamedTuple):
    lat: float  # WGS-84
    lng: float
    datum: geo.Datum
    radius_m: float
    kind: str | None
    facilities: tuple[str, ...]
    limit: int


def _limit(value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(str(value).strip())
    except ValueError:
        limit = 0
    if isinstance(value, bool) or not 1 <= limit <= MAX_LIMIT:
        message = _("The limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}
        raise field_error("limit", message, error_codes.BAD_LIMIT)
    return limit


def parse_nearby(
    *,
    lat: Any,
    lng: Any,
    datum: Any = "wgs84",
    radius_m: Any = None,
    kind: Any = None,
    facilities: Any = (),
    limit: Any = None,
) -> NearbyQuery:
    """Validated finder input (400 naming the field: lat, lng, datum, radius_m, type, facility,
    limit). The point is converted from `datum` to WGS-84."""
    try:
        parsed_datum = geo.parse_datum(datum)
        lat_f, lng_f = geo.validate_point(lat, lng)
        radius = geo.validate_radius(radius_m)
    except geo.GeoError as exc:
        raise field_error(exc.field, exc.message, error_codes.GEO_CODES[exc.code]) from None
    if kind not in (None, "") and kind not in PositionKind.values:
        raise field_error("type", _("Unknown position type."), "invalid")
    codes = _facility_codes(facilities)
    wgs_lat, wgs_lng = geo.to_wgs84(lat_f, lng_f, parsed_datum)
    return NearbyQuery(wgs_lat, wgs_lng, parsed_datum, radius, kind or None, codes, _limit(limit))


def _facility_codes(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    codes: list[str] = []
    for value in values or ():
        codes.extend(part.strip() for part in str(value).split(",") if part.strip())
    unknown = [code for code in codes if code not in Facility.values]
    if unknown:
        message = _("Unknown facilities: %(values)s.") % {"values": ", ".join(unknown[:5])}
        raise field_error("facility", message, error_codes.UNKNOWN_FACILITY)
    return tuple(dict.fromkeys(codes))


def _candidates(query: NearbyQuery, open_now: bool) -> list[tuple[float, Any, dict[str, Any]]]:
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(query.lat, query.lng, query.radius_m)
    qs = Position.objects.filter(
        deleted_at__isnull=True, lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng
    )
    if query.kind:
        qs = qs.filter(kind=query.kind)
    qs = facility_filter(qs, query.facilities)
    fields = ["id", "lat", "lng"] + (["status", "hours", "hours_exceptions"] if open_now else [])
    found = []
    for row in qs.values(*fields).order_by():
        distance = geo.haversine_m(query.lat, query.lng, row["lat"], row["lng"])
        if distance <= query.radius_m:
            found.append((distance, row["id"], row))
    found.sort(key=lambda item: (item[0], item[1]))
    return found


def positions_nearby(
    *,
    lat: Any,
    lng: Any,
    datum: Any = "wgs84",
    radius_m: Any = None,
    kind: Any = None,
    facilities: Iterable[str] | str = (),
    open_now: bool = False,
    limit: Any = DEFAULT_LIMIT,
    at: datetime | None = None,
) -> list[Nearby]:
    """Non-deleted positions within `radius_m` (default 3 km, at most 50 km) of (lat, lng) given
    in `datum`, nearest first (ties by id), at most `limit` (1-50). `kind`: one type;
    `facilities`: all of these; `open_now`: only those open at `at` (default now; Asia/Shanghai
    hours; a position not in status "open" is never open). Distances in metres (haversine on
    WGS-84). Raises a 400 naming the bad field."""
    query = parse_nearby(
        lat=lat, lng=lng, datum=datum, radius_m=radius_m, kind=kind, facilities=facilities, limit=limit
    )
    at = at or timezone.now()
    chosen: list[tuple[float, Any]] = []
    for distance, pk, row in _candidates(query, open_now):
        if open_now and not position_open_status(Position(**row), at).is_open:
            continue
        chosen.append((distance, pk))
        if len(chosen) >= query.limit:
            break
    positions = {p.pk: p for p in with_related(Position.objects.filter(pk__in=[pk for _d, pk in chosen]))}
    out = []
    for distance, pk in chosen:
        position = positions.get(pk)
        if position is not None:
            status = position_open_status(position, at)
            out.append(Nearby(position, distance, status.is_open, status.next_change))
    return out
