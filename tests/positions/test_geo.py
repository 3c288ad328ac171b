"""Datums, distances, the finder's bounding box and coordinate validation (zhijia.positions.geo)."""

import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zhijia.positions.geo import (
    EARTH_RADIUS_M,
    Datum,
    GeoError,
    bd09_to_gcj02,
    bounding_box,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    in_mainland_china,
    parse_datum,
    to_wgs84,
    validate_point,
    validate_radius,
    wgs84_to_gcj02,
)

# Published vectors of the standard algorithm (wgs lat, lng → gcj lat, lng), as used by the
# eviltransform test suites in several languages: Shanghai, Shenzhen (南山), Beijing.
EVILTRANSFORM = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]

# wandergis/coordtransform README, input (lng 116.404, lat 39.915) near 天安门, here as (lat, lng).
TIANANMEN = (39.915, 116.404)
TIANANMEN_WGS_TO_GCJ = (39.91640428150164, 116.41024449916938)
TIANANMEN_GCJ_TO_BD = (39.92133699351021, 116.41036949371029)
# Those two directions are the one-step approximations in that library; ours iterate, so they
# agree only to within a metre.
TIANANMEN_GCJ_TO_WGS_APPROX = (39.91359571849836, 116.39775550083061)
TIANANMEN_BD_TO_GCJ_APPROX = (39.90865673957631, 116.39762729119315)

SHENZHEN = {
    "福田 CBD": (22.543, 114.058),
    "河套 深圳园区": (22.522, 114.055),
    "罗湖": (22.548, 114.131),
    "宝安": (22.555, 113.883),
    "龙岗": (22.72, 114.25),
    "沙头角 (深圳)": (22.552, 114.235),
    "大鹏": (22.59, 114.48),
}
OUTSIDE = {
    "Hong Kong Central": (22.28, 114.16),
    "罗湖 Lo Wu (HK side)": (22.527, 114.112),
    "東平洲 (HK)": (22.545, 114.43),
    "Macau peninsula": (22.19, 113.54),
    "Cotai": (22.145, 113.56),
    "Taipei": (25.04, 121.56),
    "Kinmen": (24.43, 118.35),
    "Matsu 南竿": (26.15, 119.93),
    "Paris": (48.8566, 2.3522),
    "New York": (40.7128, -74.006),
    "Sydney": (-33.87, 151.21),
}

# Points inside mainland China away from the edges of the offset area: a broad swathe of the
# country, and the Pearl River Delta north of the Hong Kong border.
mainland = st.one_of(
    st.tuples(st.floats(24.0, 45.0), st.floats(98.0, 118.0)),
    st.tuples(st.floats(22.6, 23.2), st.floats(113.7, 114.6)),
)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_m(a[0], a[1], b[0], b[1])


# --- known coordinate pairs --------------------------------------------------------------------


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM)
def test_published_wgs_gcj_pairs(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    assert gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-8)  # ~1 mm
    assert to_wgs84(*gcj, Datum.GCJ02) == pytest.approx(wgs, abs=1e-8)
    assert from_wgs84(*wgs, "gcj02") == pytest.approx(gcj, abs=1e-9)


def test_tiananmen_forward_conversions_match_published_values():
    assert wgs84_to_gcj02(*TIANANMEN) == pytest.approx(TIANANMEN_WGS_TO_GCJ, abs=1e-9)
    assert gcj02_to_bd09(*TIANANMEN) == pytest.approx(TIANANMEN_GCJ_TO_BD, abs=1e-9)


def test_tiananmen_inverses_beat_the_one_step_approximation():
    wgs = gcj02_to_wgs84(*TIANANMEN)
    gcj = bd09_to_gcj02(*TIANANMEN)
    assert metres(wgs, TIANANMEN_GCJ_TO_WGS_APPROX) < 1.0
    assert metres(gcj, TIANANMEN_BD_TO_GCJ_APPROX) < 1.0
    # ours map back onto the input; the published one-step values do not, quite
    assert metres(wgs84_to_gcj02(*wgs), TIANANMEN) < 0.001
    assert metres(gcj02_to_bd09(*gcj), TIANANMEN) < 0.001
    assert metres(wgs84_to_gcj02(*TIANANMEN_GCJ_TO_WGS_APPROX), TIANANMEN) > 0.01


@pytest.mark.parametrize("name", SHENZHEN)
def test_gcj_offset_in_shenzhen_has_the_known_magnitude(name):
    point = SHENZHEN[name]
    assert in_mainland_china(*point)
    assert 500 < metres(point, wgs84_to_gcj02(*point)) < 650  # measured 580-610 m
    assert 1000 < metres(point, from_wgs84(*point, Datum.BD09)) < 1400  # BD-09 adds ~0.6-0.7 km


@pytest.mark.parametrize("name", OUTSIDE)
def test_no_gcj_offset_outside_mainland_china(name):
    point = OUTSIDE[name]
    assert not in_mainland_china(*point)
    assert wgs84_to_gcj02(*point) == point
    back = gcj02_to_wgs84(*point)
    if back != point:
        # Within a few hundred metres of the Shenzhen River a GCJ-02 point also has a mainland
        # preimage, and that one is chosen (issue 16 §9, tests/positions/test_geo_borders.py).
        assert in_mainland_china(*back)
        assert wgs84_to_gcj02(*back) == pytest.approx(point, abs=1e-8)
    assert to_wgs84(*point, "gcj02") == back
    # BD-09 is applied to GCJ-02 everywhere, so it still moves the point
    assert from_wgs84(*point, Datum.BD09) == gcj02_to_bd09(*point)
    assert to_wgs84(*from_wgs84(*point, Datum.BD09), Datum.BD09) == pytest.approx(back, abs=1e-8)


def test_wgs84_is_the_identity():
    assert to_wgs84(22.5, 114.0, Datum.WGS84) == (22.5, 114.0)
    assert from_wgs84(22.5, 114.0, "wgs84") == (22.5, 114.0)


def test_unknown_datum_is_a_value_error():
    with pytest.raises(ValueError):
        to_wgs84(22.5, 114.0, "mars")


# --- round trips over generated points --------------------------------------------------------


@given(mainland)
def test_wgs_gcj_wgs_round_trip(point):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert metres(point, back) < 0.5
    assert back == pytest.approx(point, abs=1e-8)


@given(mainland)
def test_bd_gcj_bd_round_trip(bd):
    back = gcj02_to_bd09(*bd09_to_gcj02(*bd))
    assert metres(bd, back) < 0.5
    assert back == pytest.approx(bd, abs=1e-8)


@given(mainland, st.sampled_from(list(Datum)))
def test_from_then_to_wgs84_round_trip(point, datum):
    assert to_wgs84(*from_wgs84(*point, datum), datum) == pytest.approx(point, abs=1e-8)


# --- distances and the bounding box -----------------------------------------------------------


def test_one_degree_of_latitude_is_about_111_2_km():
    assert haversine_m(22.0, 114.0, 23.0, 114.0) == pytest.approx(111_195, abs=1)
    assert haversine_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(111_195, abs=1)


def test_haversine_basics():
    assert haversine_m(22.5, 114.0, 22.5, 114.0) == 0.0
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)
    # 1° of longitude shrinks with cos(latitude)
    assert haversine_m(60.0, 10.0, 60.0, 11.0) == pytest.approx(111_195 / 2, rel=1e-3)
    a, b = (22.543, 114.058), (22.94, 113.94)
    assert metres(a, b) == metres(b, a)


def _destination(lat: float, lng: float, bearing: float, distance_m: float) -> tuple[float, float]:
    phi, lmb, delta = math.radians(lat), math.radians(lng), distance_m / EARTH_RADIUS_M
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(bearing))
    lmb2 = lmb + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lmb2) + 540.0) % 360.0 - 180.0


@given(
    st.floats(-85.0, 85.0),
    st.floats(-180.0, 180.0),
    st.floats(1.0, 50_000.0),
    st.floats(0.0, 2 * math.pi),
    st.floats(0.0, 1.0),
)
def test_bounding_box_contains_every_point_within_the_radius(lat, lng, radius, bearing, fraction):
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    point = _destination(lat, lng, bearing, radius * fraction)
    assert haversine_m(lat, lng, *point) <= radius * (1 + 1e-9) + 1e-6
    assert min_lat <= point[0] <= max_lat
    assert min_lng <= point[1] <= max_lng


def test_bounding_box_is_tight_enough_to_be_useful():
    min_lat, max_lat, min_lng, max_lng = bounding_box(22.543, 114.058, 3000)
    assert max_lat - min_lat == pytest.approx(2 * 3000 / 111_195, rel=1e-3)
    assert max_lng - min_lng == pytest.approx(2 * 3000 / (111_195 * math.cos(math.radians(22.543))), rel=1e-3)
    # the farthest east point is exactly on the box edge, not outside it
    east = _destination(22.543, 114.058, math.pi / 2, 3000)
    assert east[1] <= max_lng < east[1] + 1e-6


def test_bounding_box_near_the_antimeridian_and_the_poles_is_full_width():
    assert bounding_box(10.0, 179.99, 5000)[2:] == (-180.0, 180.0)
    assert bounding_box(89.99, 0.0, 5000) == pytest.approx(
        (89.99 - 5000 / 111_195, 90.0, -180.0, 180.0), abs=1e-6
    )
    assert bounding_box(-89.99, 0.0, 5000)[0] == -90.0


# --- validation ------------------------------------------------------------------------------


def test_valid_points_come_back_as_floats():
    assert validate_point(22.5, 114) == (22.5, 114.0)
    assert validate_point("22.5", " 114.05 ") == (22.5, 114.05)
    assert validate_point(-90, 180) == (-90.0, 180.0)


@pytest.mark.parametrize("lat", [90.0001, -91, math.nan, math.inf, -math.inf, "north", "", None, True, "nan"])
def test_bad_latitude(lat):
    with pytest.raises(GeoError) as info:
        validate_point(lat, 114.0)
    assert (info.value.code, info.value.field) == ("bad_latitude", "lat")


@pytest.mark.parametrize("lng", [180.0001, -181, math.nan, math.inf, "east", None, False, "inf"])
def test_bad_longitude(lng):
    with pytest.raises(GeoError) as info:
        validate_point(22.5, lng)
    assert (info.value.code, info.value.field) == ("bad_longitude", "lng")


def test_latitude_is_checked_before_longitude():
    with pytest.raises(GeoError) as info:
        validate_point(100, 200)
    assert info.value.code == "bad_latitude"


def test_radius_default_and_limits():
    assert validate_radius(None) == 3000.0
    assert validate_radius(None, default=1000) == 1000.0
    assert validate_radius(50_000) == 50_000.0
    assert validate_radius("2500") == 2500.0
    assert validate_radius(0.5) == 0.5
    assert validate_radius(80_000, maximum=100_000) == 80_000.0


@pytest.mark.parametrize("radius", [0, -1, 50_000.01, 1e9, math.nan, math.inf, "far", "", True])
def test_bad_radius(radius):
    with pytest.raises(GeoError) as info:
        validate_radius(radius)
    assert (info.value.code, info.value.field) == ("bad_radius", "radius_m")


def test_datum_parsing():
    assert parse_datum(None) is Datum.WGS84
    assert parse_datum("") is Datum.WGS84
    assert parse_datum(" GCJ02 ") is Datum.GCJ02
    assert parse_datum("bd09") is Datum.BD09
    with pytest.raises(GeoError) as info:
        parse_datum("bd09ll")
    assert (info.value.code, info.value.field) == ("bad_datum", "datum")


def test_messages_are_translatable_and_name_the_limit():
    with translation.override("en"):
        assert "50000" in GeoError("bad_radius", "radius_m", maximum=50_000).message
        assert "-90" in GeoError("bad_latitude", "lat").message
        assert "wgs84" in GeoError("bad_datum", "datum").message
