"""Vendor the offline base map of the station maps from the npm package echarts@4.9.0
(Apache-2.0; its map/ folder was dropped in 5.0): the provinces of China, the country's outline,
and per province its prefecture-level cities (districts for the four municipalities, Hong Kong
and Macau). The files stay in ECharts' compact encoding (about 8× smaller than plain GeoJSON);
static/js/positions-map.js decodes them. Province files are renamed by the first two digits of
their division code (44.json for 广东) so the map script can find a province from its code.

    npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz
    uv run python scripts/vendor_china_map.py package/

Not an approved map (no 审图号): orientation for staff and workers where no tile server is
configured. docs/configuration.md says when a deployment should configure 天地图 instead."""

import json
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


def main(package: Path) -> None:
    source = package / "map" / "json"
    version = json.loads((package / "package.json").read_text())["version"]
    if version != "4.9.0":
        sys.exit(f"expected echarts 4.9.0, found {version}")
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "cities").mkdir(parents=True)
    shutil.copy(source / "china.json", OUT / "provinces.json")
    shutil.copy(source / "china-contour.json", OUT / "outline.json")
    for path in sorted((source / "province").glob("*.json")):
        features = json.loads(path.read_text())["features"]
        shutil.copy(path, OUT / "cities" / f"{province_code(path, features)}.json")
    for name in ("LICENSE", "NOTICE"):
        shutil.copy(package / name, OUT / name)
    print(f"wrote {len(list((OUT / 'cities').iterdir()))} province files to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "package"))
