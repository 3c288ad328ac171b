"""POI exports for 高德 (GCJ-02) and 百度 (BD-09): columns, datums, formula escaping."""

import csv
import io

from openpyxl import load_workbook

from zhijia.positions import geo
from zhijia.positions.models import Position
from zhijia.positions.poi import HEADERS, poi_export


def _csv(data: bytes):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_columns_and_datums(make_position):
    p = make_position(
        lat=22.54, lng=114.06, hours="Daily 08:00-20:00", phone="0755-8888 6666", kind="canteen"
    )
    qs = Position.objects.filter(pk=p.pk)
    amap = _csv(poi_export(qs, platform="amap", fmt="csv"))
    assert amap[0] == list(HEADERS) == ["名称", "地址", "经度", "纬度", "电话", "分类", "营业时间"]
    name, address, lng, lat, phone, category, hours = amap[1]
    assert address == p.address
    assert (name, phone, category) == (p.name, "0755-8888 6666", "工会大食堂")
    assert hours == "每天 08:00-20:00"
    gcj = geo.wgs84_to_gcj02(22.54, 114.06)
    assert geo.haversine_m(float(lat), float(lng), *gcj) < 0.2  # longitude first, GCJ-02
    assert geo.haversine_m(float(lat), float(lng), 22.54, 114.06) > 100  # really shifted
    baidu = _csv(poi_export(qs, platform="baidu", fmt="csv"))
    bd = geo.from_wgs84(22.54, 114.06, "bd09")
    assert geo.haversine_m(float(baidu[1][3]), float(baidu[1][2]), *bd) < 0.2


def test_xlsx_and_formula_escape(make_position):
    p = make_position(name="=cmd|' /C calc'!A0", address="+1")
    data = poi_export(Position.objects.filter(pk=p.pk), platform="amap", fmt="xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws["A2"].value.startswith("'=") and ws["B2"].value == "'+1"
    rows = _csv(poi_export(Position.objects.filter(pk=p.pk), platform="baidu", fmt="csv"))
    assert rows[1][0].startswith("'=")
