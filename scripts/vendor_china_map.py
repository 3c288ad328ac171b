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
        shutil.copy(path, OUT / "cities" / f"{code}.json")
        index[code] = {"name": names[code], "box": box(features)}
    (OUT / "provinces-index.json").write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )
    for name in ("LICENSE", "NOTICE"):
        shutil.copy(package / name, OUT / name)
    print(f"wrote {len(list((OUT / 'cities').iterdir()))} province files to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "package"))
