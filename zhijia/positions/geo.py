"""Coordinates: map datums, distances, the finder's bounding box and input validation.

Positions are stored in WGS-84. Chinese map apps speak other datums, so the API accepts and returns
two more (`Datum`):

- GCJ-02 (国测局, used by 高德/腾讯/Apple in China): WGS-84 plus a deliberate, smooth, nonlinear
  offset of a few hundred metres (≈ 600 m in Shenzhen), computed with the published Krasovsky
  constants (a = 6378245.0, e² = 0.00669342162296594323). The offset applies only inside mainland
  China, see `in_mainland_china`.
- BD-09 (百度): a further rotation and scaling of GCJ-02 (x_pi = π·3000/180), everywhere.

Forward conversions are closed formulas. The inverses (GCJ-02 → WGS-84 and BD-09 → GCJ-02) have no
closed form; the one-step approximation found in many snippets is off by up to a few metres, so
`_invert` refines by fixed-point iteration until the forward image is within 1e-9° (≈ 0.1 mm) of
the target, which takes 2-4 steps inside China (the offset's gradient is ~1e-3 per degree, so each
step gains about three digits). The GCJ-02 inverse iterates the smooth shift (as if everywhere were
mainland) and then decides by where the answer lies (`gcj02_to_wgs84`): near a border of the offset
area a GCJ point can have two preimages (a Shenzhen point shifted across the Shenzhen River, and
the Hong Kong point itself); the mainland one is chosen, everywhere alike. Round trips WGS→GCJ→WGS
and BD→GCJ→BD are exact to < 1e-8° (about a millimetre) for every mainland point, borders
included; a GCJ point in the sliver no point maps to gets its nearest answer, never an exception.

Distances are great-circle distances on a sphere of mean radius R = 6371008.8 m (haversine): good
to ~0.5 % against the ellipsoid, far below what "nearest station" needs.
"""

import math
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhijia.core.errors import ValidationFailed

EARTH_RADIUS_M = 6371008.8
DEFAULT_RADIUS_M = 3000.0
MAX_RADIUS_M = 50000.0

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_STEPS = 12

MESSAGES = {
    "bad_latitude": _("Latitude must be a number from -90 to 90."),
    "bad_longitude": _("Longitude must be a number from -180 to 180."),
    "bad_radius": _("The radius must be more than 0 and at most %(maximum)s metres."),
    "bad_datum": _("Unknown coordinate system. Use wgs84, gcj02 or bd09."),
}


class Datum(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


# The codes clients see (positions.error_codes): both coordinate errors are `bad_coordinates`.
PUBLIC_CODES = {
    "bad_latitude": "bad_coordinates",
    "bad_longitude": "bad_coordinates",
    "bad_radius": "bad_radius",
    "bad_datum": "bad_datum",
}


class GeoError(ValidationFailed, ValueError):
    """Refused input: `code` is a key of MESSAGES (stable, clients match on it), `field` the request
    parameter it concerns (`lat`, `lng`, `radius_m`, `datum`). It is an ApplicationError, so one
    that no caller maps still answers 400 with `fields={field: [message]}` (never a 500)."""

    def __init__(self, code: str, field: str, *, maximum: float | None = None):
        self.code = code
        self.field = field
        self.maximum = maximum
        Exception.__init__(self, code)  # `message` is the property below, translated when read

    @property
    def fields(self) -> dict[str, list[str]]:  # type: ignore[override]
        return {self.field: [self.message]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": PUBLIC_CODES[self.code],
            "message": self.message,
            "fields": {self.field: [self.message]},
        }

    @property
    def message(self) -> str:  # type: ignore[override]
        text = MESSAGES[self.code]
        if self.code == "bad_radius":
            return str(text) % {"maximum": f"{self.maximum or MAX_RADIUS_M:g}"}
        return str(text)


# ---------------------------------------------------------------------------------------------
# Where the GCJ-02 offset applies
# ---------------------------------------------------------------------------------------------

# The usual rough box for "China" (lat 0.8293-55.8271, lng 72.004-137.8347). It is generous: it
# also covers Mongolia, both Koreas, western Japan, most of South-East Asia and the Philippines,
# which get an offset they should not. Nothing we serve lies there, and every map app using this
# code shares the same box, so we keep it for compatibility rather than draw the real border.
_CHINA_BOX = (0.8293, 55.8271, 72.004, 137.8347)

# Hong Kong, Macau and Taiwan are treated as outside (no offset). Rectangles cannot separate Hong
# Kong from Shenzhen (河套, 罗湖 and 沙头角 sit a few hundred metres from the border), so those two are
# coarse polygons (lat, lng) that follow the Shenzhen River and the Gongbei border to within a few
# hundred metres and run through open water elsewhere. Known simplifications: the University of
# Macau campus on 横琴 counts as mainland; the Taiwan-administered Pratas, Wuqiu and Taiping
# islands are ignored.
_HONG_KONG = (
    (22.140, 113.835),
    (22.400, 113.835),
    (22.460, 113.900),
    (22.490, 113.950),
    (22.503, 114.000),
    (22.513, 114.035),
    (22.515, 114.060),
    (22.517, 114.075),
    (22.518, 114.090),
    (22.522, 114.100),
    (22.530, 114.110),
    (22.533, 114.120),
    (22.540, 114.130),
    (22.548, 114.145),
    (22.556, 114.165),
    (22.556, 114.180),
    (22.545, 114.222),
    (22.547, 114.240),
    (22.555, 114.280),
    (22.572, 114.360),
    (22.565, 114.445),
    (22.500, 114.460),
    (22.440, 114.470),
    (22.140, 114.500),
)
_MACAU = (
    (22.2165, 113.527),
    (22.2168, 113.560),
    (22.2168, 113.600),
    (22.100, 113.600),
    (22.100, 113.548),
    (22.130, 113.548),
    (22.160, 113.543),
    (22.175, 113.535),
    (22.185, 113.533),
    (22.200, 113.535),
)
# (min_lat, max_lat, min_lng, max_lng)
_TAIWAN_BOXES = (
    (21.85, 25.40, 119.95, 122.10),  # Taiwan island, 绿岛, 兰屿; stops short of 平潭 (≤ 119.9°E)
    (23.15, 23.85, 119.30, 119.75),  # 澎湖
    (24.38, 24.53, 118.205, 118.50),  # 金门, 烈屿; 厦门 ends near 118.20°E, 大嶝 lies north of 24.54°N
    (25.93, 26.27, 119.90, 120.05),  # 马祖: 南竿, 北竿, 莒光; 黄岐 peninsula lies north of 26.28°N
    (26.34, 26.40, 120.44, 120.52),  # 马祖: 东引
)


def _in_polygon(lat: float, lng: float, polygon: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (lat_i, lng_i) in enumerate(polygon):
        lat_j, lng_j = polygon[j]
        if (lat_i > lat) != (lat_j > lat):
            cross_lng = lng_i + (lat - lat_i) * (lng_j - lng_i) / (lat_j - lat_i)
            if lng < cross_lng:
                inside = not inside
        j = i
    return inside


def in_mainland_china(lat: float, lng: float) -> bool:
    """True where GCJ-02 applies an offset: inside the usual rough box, outside Hong Kong, Macau and
    Taiwan. Rough by design (see the comments above); decided on WGS-84 coordinates."""
    min_lat, max_lat, min_lng, max_lng = _CHINA_BOX
    if not (min_lat < lat < max_lat and min_lng < lng < max_lng):
        return False
    if any(a <= lat <= b and c <= lng <= d for a, b, c, d in _TAIWAN_BOXES):
        return False
    return not (_in_polygon(lat, lng, _HONG_KONG) or _in_polygon(lat, lng, _MACAU))


# ---------------------------------------------------------------------------------------------
# Datum conversions. Every function takes and returns (lat, lng) in degrees.
# ---------------------------------------------------------------------------------------------


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_shift(lat: float, lng: float) -> tuple[float, float]:
    """The GCJ-02 image of (lat, lng) as if it lay in mainland China: smooth everywhere."""
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if not in_mainland_china(lat, lng):
        return lat, lng
    return _gcj_shift(lat, lng)


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_estimate(lat: float, lng: float) -> tuple[float, float]:
    # The classic one-step inverse: a good starting point (within ~1 m), refined by _invert.
    x, y = lng - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def _invert(
    forward: Any, lat: float, lng: float, start: tuple[float, float] | None = None
) -> tuple[float, float]:
    """The point p with forward(p) ≈ (lat, lng), by fixed-point iteration p ← p + (target − forward(p)).
    Converges because forward is the identity plus a small, slowly varying offset."""
    cur_lat, cur_lng = start or (lat, lng)
    best, best_err = (cur_lat, cur_lng), math.inf
    for _step in range(_INVERSE_MAX_STEPS):
        f_lat, f_lng = forward(cur_lat, cur_lng)
        err_lat, err_lng = lat - f_lat, lng - f_lng
        err = max(abs(err_lat), abs(err_lng))
        if err < best_err:
            best, best_err = (cur_lat, cur_lng), err
        if err < _INVERSE_TOLERANCE_DEG:
            break
        cur_lat, cur_lng = cur_lat + err_lat, cur_lng + err_lng
    return best


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lat, lng), chosen the same way near every border of
    the offset area (Hong Kong, Macau, Taiwan, the box's edges):

    1. the mainland preimage — the smooth shift inverted, kept when it lies in the offset area
       (near the Shenzhen River a GCJ-02 point may have one in Shenzhen AND be a Hong Kong point
       itself; a GCJ-02 coordinate comes from a mainland map app, so the mainland point wins);
    2. else the point itself, when it lies outside the offset area (no offset there);
    3. else (a GCJ-02 point in the sliver that no point maps to, right at a border) the mainland
       candidate of step 1, the nearest answer.
    """
    mainland = _invert(_gcj_shift, lat, lng)
    if in_mainland_china(*mainland):
        return mainland
    if not in_mainland_china(lat, lng):
        return lat, lng
    return mainland


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    return _invert(gcj02_to_bd09, lat, lng, _bd09_to_gcj02_estimate(lat, lng))


def to_wgs84(lat: float, lng: float, datum: Datum | str) -> tuple[float, float]:
    """(lat, lng) given in `datum`, as WGS-84 (what we store and compute distances in). An unknown
    datum string is a ValueError: request input goes through `parse_datum` first."""
    datum = Datum(datum)
    if datum is Datum.GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if datum is Datum.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))
    return lat, lng


def from_wgs84(lat: float, lng: float, datum: Datum | str) -> tuple[float, float]:
    """A stored WGS-84 (lat, lng) expressed in `datum` (for responses, exports and navigation links)."""
    datum = Datum(datum)
    if datum is Datum.GCJ02:
        return wgs84_to_gcj02(lat, lng)
    if datum is Datum.BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))
    return lat, lng


# ---------------------------------------------------------------------------------------------
# Distances and the finder's pre-filter
# ---------------------------------------------------------------------------------------------


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (sphere of radius EARTH_RADIUS_M)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) containing every point within `radius_m` (by
    `haversine_m`) of (lat, lng): an indexed `BETWEEN` pre-filter; the exact distance decides after.

    The longitude half-width is the exact one for a spherical cap, asin(sin(r/R) / cos(lat)), not
    the common r / (R·cos(lat)), which is slightly too narrow. When the cap reaches a pole or the
    box would cross the ±180° meridian, the longitude range is the whole [-180, 180] (correct, just
    unselective; irrelevant for China). The box is widened by a hair so that rounding never
    excludes a point exactly on the circle."""
    angle = radius_m / EARTH_RADIUS_M * (1 + 1e-9) + 1e-12
    dlat = math.degrees(angle)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return min_lat, max_lat, -180.0, 180.0
    dlng = math.degrees(math.asin(ratio))
    min_lng, max_lng = lng - dlng, lng + dlng
    if min_lng < -180.0 or max_lng > 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lng, max_lng


# ---------------------------------------------------------------------------------------------
# Validation of request input
# ---------------------------------------------------------------------------------------------


def _number(value: Any, code: str, field: str) -> float:
    if isinstance(value, bool):  # True is an int in Python, never a coordinate
        raise GeoError(code, field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GeoError(code, field) from None
    if not math.isfinite(number):
        raise GeoError(code, field)
    return number


def validate_point(lat: Any, lng: Any) -> tuple[float, float]:
    """(lat, lng) as floats, or GeoError `bad_latitude` (field `lat`) / `bad_longitude` (field
    `lng`) for anything not a finite number in [-90, 90] / [-180, 180]. Numeric strings are
    accepted (query parameters); NaN, infinities and booleans are not."""
    lat_f = _number(lat, "bad_latitude", "lat")
    if not -90.0 <= lat_f <= 90.0:
        raise GeoError("bad_latitude", "lat")
    lng_f = _number(lng, "bad_longitude", "lng")
    if not -180.0 <= lng_f <= 180.0:
        raise GeoError("bad_longitude", "lng")
    return lat_f, lng_f


def validate_radius(radius_m: Any, default: float = DEFAULT_RADIUS_M, maximum: float = MAX_RADIUS_M) -> float:
    """The search radius in metres: `default` when None; GeoError `bad_radius` (field `radius_m`)
    when not a finite number, ≤ 0 or > `maximum`. Too large is refused, not clamped: a client
    asking for 80 km and silently getting 50 km would show "nothing nearby" wrongly."""
    if radius_m is None:
        return float(default)
    try:
        radius = _number(radius_m, "bad_radius", "radius_m")
    except GeoError:
        radius = math.nan
    if not 0.0 < radius <= maximum:  # False for NaN too
        raise GeoError("bad_radius", "radius_m", maximum=maximum)
    return radius


def parse_datum(value: Any) -> Datum:
    """A `Datum` from a request value (case and surrounding spaces ignored; None → WGS-84), or
    GeoError `bad_datum` (field `datum`)."""
    if value is None or value == "":
        return Datum.WGS84
    try:
        return Datum(str(value).strip().lower())
    except ValueError:
        raise GeoError("bad_datum", "datum") from None
