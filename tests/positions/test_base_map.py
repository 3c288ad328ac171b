"""The vendored offline base map (scripts/vendor_china_map.py): every province of the country file
has its cities file under its two-digit code, and each file is the compact encoding the map script
decodes (checked here by decoding it the same way and landing inside the province's box)."""

import json
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "zhijia" / "static" / "vendor" / "china-map"


def _rings(feature):
    g = feature["geometry"]
    offsets = g.get("encodeOffsets")
    if g["type"] == "Polygon":
        return [(r, offsets[i] if offsets else None) for i, r in enumerate(g["coordinates"])]
    return [
        (r, offsets[i][j] if offsets else None)
        for i, part in enumerate(g["coordinates"])
        for j, r in enumerate(part)
    ]


def _points(ring, offset, scale=1024):
    if not isinstance(ring, str):
        return ring
    x, y, out = offset[0], offset[1], []
    for i in range(0, len(ring) - 1, 2):
        dx, dy = ord(ring[i]) - 64, ord(ring[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append((x / scale, y / scale))
    return out


def _box(features):
    points = [pt for f in features for ring, off in _rings(f) for pt in _points(ring, off)]
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lngs), min(lats), max(lngs), max(lats)


PROVINCES = json.loads((FOLDER / "provinces.json").read_text())["features"]


def test_every_province_has_its_cities_file_its_box_and_a_licence():
    codes = {f["id"][:2] for f in PROVINCES}
    assert len(codes) == 34 and {p.stem for p in (FOLDER / "cities").glob("*.json")} == codes
    index = json.loads((FOLDER / "provinces-index.json").read_text())
    assert set(index) == codes
    for code in codes:  # the box holds every city of the province
        cities = json.loads((FOLDER / "cities" / f"{code}.json").read_text())["features"]
        west, south, east, north = _box(cities)
        box = index[code]["box"]
        assert box[0] <= west and box[1] <= south and east <= box[2] and north <= box[3], code
    assert "Apache License" in (FOLDER / "LICENSE").read_text()


@pytest.mark.parametrize("code", ["44", "11", "65", "81"])
def test_cities_decode_inside_their_province(code):
    province = next(f for f in PROVINCES if f["id"].startswith(code))
    west, south, east, north = _box([province])
    assert 73 < west < east < 136 and 3 < south < north < 54  # China's extent
    cities = json.loads((FOLDER / "cities" / f"{code}.json").read_text())["features"]
    c_west, c_south, c_east, c_north = _box(cities)
    slack = 0.2  # the two files were drawn separately
    assert west - slack < c_west and c_east < east + slack
    assert south - slack < c_south and c_north < north + slack


def test_shenzhen_lies_where_the_demo_stations_are():
    shenzhen = next(
        f for f in json.loads((FOLDER / "cities" / "44.json").read_text())["features"] if f["id"] == "440300"
    )
    west, south, east, north = _box([shenzhen])
    assert west < 114.05 < east and south < 22.54 < north
