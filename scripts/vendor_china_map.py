"""Vendor the offline base map of the station maps from the npm package echarts@4.9.0
(Apache-2.0; its map/ folder was dropped in 5.0): the provinces of China, the country's outline,
and per province its prefecture-level cities (districts for the four municipalities, Hong Kong
and Macau), with provinces-index.json giving each province's name and box (so a page fetches
only the provinces in view). The files stay in ECharts' compact encoding (about 8× smaller than
plain GeoJSON); static/js/positions-map.js decodes them. Province files are renamed by the first two digits of
their division code (44.json for 广东) so the map script can find a province from its code.

    npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz
    uv run python scripts/vendor_china_map.py package/

Not an approved map (no 审图号): orientation for staff and workers where no tile server is
configured. docs/configuration.md says when a deployment should configure 天地图 instead."""

import json
import math
import shutil
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "zhijia" / "static" / "vendor" / "china-map"
TOLERANCE = 2  # 1/1024 degree (~200 m): the cities' rings simplified for phones (Douglas–Peucker)
NO_CODE = {"taiwan": "71", "xizang": "54"}  # files whose features lack a usable division code


def province_code(path: Path, features: list[dict]) -> str:
    codes = {str(f.get("id", ""))[:2] for f in features} - {""}
    if len(codes) == 1:
        return codes.pop()
    return NO_CODE[path.stem]


def _points(ring: object, offset: list[int] | None, scale: int = 1024) -> list[tuple[float, float]]:
    """A ring's points: ECharts' encoding (zigzag deltas, two characters a point) decoded."""
    if not isinstance(ring, str):
        return [(float(x), float(y)) for x, y in ring]  # type: ignore[attr-defined]
    assert offset is not None
    x, y, out = offset[0], offset[1], []
    for i in range(0, len(ring) - 1, 2):
        dx, dy = ord(ring[i]) - 64, ord(ring[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append((x / scale, y / scale))
    return out


def rings(feature: dict) -> list[list[tuple[float, float]]]:
    g = feature["geometry"]
    offsets = g.get("encodeOffsets")
    if g["type"] == "Polygon":
        return [_points(r, offsets[i] if offsets else None) for i, r in enumerate(g["coordinates"])]
    return [
        _points(r, offsets[i][j] if offsets else None)
        for i, part in enumerate(g["coordinates"])
        for j, r in enumerate(part)
    ]


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas–Peucker on a ring's integer points (first and last kept)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        far, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                d = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                d = math.hypot(x - x1, y - y1)
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [pt for pt, kept in zip(points, keep, strict=True) if kept]


def _encode(points: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """A ring back into ECharts' encoding: zigzag deltas from its first point, 64 added."""
    out, (px, py) = [], points[0]
    for x, y in points:
        for delta in (x - px, y - py):
            code = ((delta << 1) ^ (delta >> 31)) + 64
            assert code < 0xD800, "a delta too large for one character"
            out.append(chr(code))
        px, py = x, y
    return "".join(out), [points[0][0], points[0][1]]


def simplified(data: dict, tolerance: float) -> dict:
    """The file with every ring simplified (tolerance in 1/1024 degree) and re-encoded."""
    for feature in data["features"]:
        g = feature["geometry"]
        parts = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        offsets = g.get("encodeOffsets")
        new_parts, new_offsets = [], []
        for i, part in enumerate(parts):
            part_offsets = (offsets if g["type"] == "Polygon" else offsets[i]) if offsets else None
            rings_out, ring_offsets = [], []
            for j, ring in enumerate(part):
                pts = _points(ring, part_offsets[j] if part_offsets else None)
                ints = [(round(x * 1024), round(y * 1024)) for x, y in pts]
                small = _simplify(ints, tolerance)
                if len(small) < 4:
                    small = ints
                text, offset = _encode(small)
                rings_out.append(text)
                ring_offsets.append(offset)
            new_parts.append(rings_out)
            new_offsets.append(ring_offsets)
        g["coordinates"] = new_parts[0] if g["type"] == "Polygon" else new_parts
        g["encodeOffsets"] = new_offsets[0] if g["type"] == "Polygon" else new_offsets
    data["UTF8Encoding"] = True
    return data


def box(features: list[dict]) -> list[float]:
    """[west, south, east, north] of the features, to 0.01 degree outward."""
    points = [pt for f in features for ring in rings(f) for pt in ring]
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return [
        math.floor(min(lngs) * 100) / 100,
        math.floor(min(lats) * 100) / 100,
        math.ceil(max(lngs) * 100) / 100,
        math.ceil(max(lats) * 100) / 100,
    ]


def main(package: Path) -> None:
    source = package / "map" / "json"
    version = json.loads((package / "package.json").read_text())["version"]
    if version != "4.9.0":
        sys.exit(f"expected echarts 4.9.0, found {version}")
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "cities").mkdir(parents=True)
    shutil.copy(source / "china.json", OUT / "provinces.json")
    shutil.copy(source / "china-contour.json", OUT / "outline.json")
    names = {
        f["id"][:2]: f["properties"]["name"]
        for f in json.loads((source / "china.json").read_text())["features"]
    }
    index = {}
    for path in sorted((source / "province").glob("*.json")):
        features = json.loads(path.read_text())["features"]
        code = province_code(path, features)
        data = simplified(json.loads(path.read_text()), TOLERANCE)
        (OUT / "cities" / f"{code}.json").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        )
        index[code] = {"name": names[code], "box": box(features)}
    (OUT / "provinces-index.json").write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )
    for name in ("LICENSE", "NOTICE"):
        shutil.copy(package / name, OUT / name)
    print(f"wrote {len(list((OUT / 'cities').iterdir()))} province files to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "package"))
