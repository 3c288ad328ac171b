"""Issue 16 §9: the GCJ-02 inverse near the borders of the offset area. A GCJ-02 point just north
of the Shenzhen River (河套) has a mainland preimage and is also a Hong Kong point itself: the
inverse picks the mainland preimage, the same way along every border (Hong Kong, Macau, Taiwan,
the box's edges)."""

import itertools

import pytest

from zhijia.positions import geo
from zhijia.positions.geo import gcj02_to_wgs84, in_mainland_china, wgs84_to_gcj02

TOLERANCE = 1e-6


def round_trips(gcj: tuple[float, float]) -> tuple[float, float]:
    wgs = gcj02_to_wgs84(*gcj)
    back = wgs84_to_gcj02(*wgs)
    assert abs(back[0] - gcj[0]) < TOLERANCE and abs(back[1] - gcj[1]) < TOLERANCE, (gcj, wgs, back)
    return wgs


def test_the_hetao_point_from_the_review():
    wgs = round_trips((22.5153, 114.0751))
    assert in_mainland_china(*wgs)
    assert wgs == pytest.approx((22.5180, 114.0700), abs=2e-4)


def _band(polygon, north_of_border: bool, step: float = 0.0005, depth=(0.0005, 0.001, 0.002, 0.004)):
    """Mainland WGS-84 points just outside a polygon's edges (for Hong Kong: north of the
    Shenzhen River), every `step` degrees of longitude along each edge."""
    points = []
    for (lat_a, lng_a), (lat_b, lng_b) in itertools.pairwise(polygon):
        if lng_b <= lng_a:
            continue
        n = max(1, round((lng_b - lng_a) / step))
        for i in range(n + 1):
            lng = lng_a + (lng_b - lng_a) * i / n
            lat = lat_a + (lat_b - lat_a) * i / n
            for d in depth:
                p = (lat + d, lng) if north_of_border else (lat - d, lng)
                if in_mainland_china(*p):
                    points.append(p)
    return points


SHENZHEN_RIVER = _band(geo._HONG_KONG[:15], north_of_border=True)  # 深圳湾 → 罗湖 → 沙头角
MACAU_BORDER = _band(geo._MACAU[:3], north_of_border=True)  # 拱北 / 横琴 side


@pytest.mark.parametrize("band", ["shenzhen_river", "macau"])
def test_mainland_points_along_the_border_come_back(band):
    points = SHENZHEN_RIVER if band == "shenzhen_river" else MACAU_BORDER
    assert len(points) > 50
    for wgs in points:
        gcj = wgs84_to_gcj02(*wgs)
        back = round_trips(gcj)
        assert in_mainland_china(*back), (wgs, gcj, back)
        assert back == pytest.approx(wgs, abs=1e-7)


def test_hong_kong_and_macau_points_away_from_the_border_are_their_own_preimage():
    for point in ((22.2800, 114.1600), (22.3700, 114.1100), (22.1950, 113.5450), (22.1500, 113.5700)):
        assert not in_mainland_china(*point)
        assert gcj02_to_wgs84(*point) == point


def test_every_gcj_point_in_a_grid_over_the_borders_is_answered_consistently():
    """A 0.002° grid over the Shenzhen River and over Macau: an answer inside the offset area is a
    true preimage; an answer outside it is the point itself; only a thin sliver right at the
    border (GCJ points no point maps to) gets the nearest mainland candidate instead."""
    sliver = total = 0
    for lat0, lng0 in ((22.50, 113.98), (22.18, 113.52)):
        for i in range(26):
            for j in range(60):
                q = (lat0 + 0.002 * i, lng0 + 0.002 * j)
                wgs = gcj02_to_wgs84(*q)
                total += 1
                if in_mainland_china(*wgs):
                    assert wgs84_to_gcj02(*wgs) == pytest.approx(q, abs=TOLERANCE), (q, wgs)
                elif not in_mainland_china(*q):
                    assert wgs == q
                else:
                    sliver += 1
    assert sliver < total * 0.05
