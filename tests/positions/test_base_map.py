"""The vendored offline base map (scripts/vendor_china_map.py): every province of the country file
has its cities file under its two-digit code, and each file is the compact encoding the map script
decodes (checked here by decoding it the same way and landing inside the province's box)."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "zhijia" / "static" / "vendor" / "china-map"
_spec = importlib.util.spec_from_file_location("vendor_china_map", ROOT / "scripts" / "vendor_china_map.py")
vendor = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vendor)  # its decoder, the same algorithm as positions-map.js


PROVINCES = json.loads((FOLDER / "provinces.json").read_text())["features"]


def test_every_province_has_its_cities_file_its_box_and_a_licence():
    codes = {f["id"][:2] for f in PROVINCES}
    assert len(codes) == 34 and {p.stem for p in (FOLDER / "cities").glob("*.json")} == codes
    index = json.loads((FOLDER / "provinces-index.json").read_text())
    assert set(index) == codes
    for code in codes:  # the box holds every city of the province
        cities = json.loads((FOLDER / "cities" / f"{code}.json").read_text())["features"]
        west, south, east, north = vendor.box(cities)
        box = index[code]["box"]
        assert box[0] <= west and box[1] <= south and east <= box[2] and north <= box[3], code
    assert "Apache License" in (FOLDER / "LICENSE").read_text()


@pytest.mark.parametrize("code", ["44", "11", "65", "81"])
def test_cities_decode_inside_their_province(code):
    province = next(f for f in PROVINCES if f["id"].startswith(code))
    west, south, east, north = vendor.box([province])
    assert 73 < west < east < 136 and 3 < south < north < 54  # China's extent
    cities = json.loads((FOLDER / "cities" / f"{code}.json").read_text())["features"]
    c_west, c_south, c_east, c_north = vendor.box(cities)
    slack = 0.2  # the two files were drawn separately
    assert west - slack < c_west and c_east < east + slack
    assert south - slack < c_south and c_north < north + slack


def test_shenzhen_lies_where_the_demo_stations_are():
    shenzhen = next(
        f for f in json.loads((FOLDER / "cities" / "44.json").read_text())["features"] if f["id"] == "440300"
    )
    west, south, east, north = vendor.box([shenzhen])
    assert west < 114.05 < east and south < 22.54 < north
