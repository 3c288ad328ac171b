"""Exports for the map platforms' bulk POI upload (高德 / 百度), so a union can put its stations
on the map apps workers already use.

Columns: 名称, 地址, 经度, 纬度, 电话, 分类, 营业时间 (as both platforms' bulk templates take
them; check the platform's current template before a large upload). Coordinates are in the
platform's datum: GCJ-02 for 高德 (amap), BD-09 for 百度 (baidu), longitude first, 6 decimals
(≈ 0.1 m). Text cells that a spreadsheet would run as a formula are escaped."""

import csv
import io
from collections.abc import Iterable
from typing import Literal

from zhijia.core.imports import Column, escape_formula, workbook_bytes

from . import geo, hours
from .labels import KIND_LABELS
from .models import Position

Platform = Literal["amap", "baidu"]
DATUMS = {"amap": geo.Datum.GCJ02, "baidu": geo.Datum.BD09}
HEADERS = ("名称", "地址", "经度", "纬度", "电话", "分类", "营业时间")


def _hours_text(position: Position) -> str:
    try:
        text = hours.format_hours(hours.hours_from_json(position.hours or {}), "zh-hans")
    except hours.HoursError:
        text = ""
    return "；".join(part for part in (text, position.hours_note) if part)


def poi_rows(positions: Iterable[Position], platform: Platform) -> list[tuple[str, ...]]:
    """One row per position (deleted ones skipped), coordinates in the platform's datum."""
    datum = DATUMS[platform]
    rows: list[tuple[str, ...]] = []
    for p in positions:
        if p.deleted_at is not None:
            continue
        lat, lng = geo.from_wgs84(p.lat, p.lng, datum)
        kind = KIND_LABELS.get(p.kind, p.kind)  # type: ignore[call-overload]
        rows.append((p.name, p.address, f"{lng:.6f}", f"{lat:.6f}", p.phone, kind, _hours_text(p)))
    return rows


def poi_export(qs: Iterable[Position], *, platform: Platform, fmt: Literal["csv", "xlsx"]) -> bytes:
    """The POI file: CSV (UTF-8 with BOM, so Excel opens it right) or xlsx. The caller limits
    `qs` to what the actor may see and audits the export. ValueError for an unknown platform or
    format."""
    if platform not in DATUMS or fmt not in ("csv", "xlsx"):
        raise ValueError("platform must be amap or baidu, fmt csv or xlsx")
    rows = poi_rows(qs, platform)
    if fmt == "xlsx":
        return workbook_bytes(title=f"POI-{platform}", columns=[Column(h, h) for h in HEADERS], rows=rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
