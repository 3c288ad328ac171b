"""The station finder on 100,000 generated stations (bench/nearby_data.py: clustered around 20
Chinese cities plus uniform noise inside mainland China; co-located twins, soft-deleted and
closed stations among them). Random query points, mostly near cities; nearest 20 within 3 km
and within 10 km, each query through:

- db:         `positions.selectors.positions_nearby` (bounding box on the (lat, lng) index,
              exact haversine, sorted by (distance, id)) — ours, the database layer;
- db floor:   the bounding-box SELECT alone through the cursor — the raw SQL limit;
- http:       GET /api/v1/positions/nearby on a real server process (gunicorn, one worker) —
              ours, end to end;
- http floor: a trivial view returning constant JSON on the same server, same middleware;
- brute:      Python over every row held in memory — the ground truth, and the naive baseline.

Every answer of db and http is checked against brute force: recall must be 1.0 for every query
and the ids must come in the same order (ties by (distance, id)). Timings are sequential (one
client, one request at a time; the variants take turns on each query point, so outside load
hits them alike): queries/s = 1 / mean latency.

    uv run --frozen python bench/nearby.py                      # SQLite (a temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_nearby uv run --frozen python bench/nearby.py
    STATIONS=20000 QUERIES=100 uv run --frozen python bench/nearby.py   # a smaller run

Cleans up after itself: the temporary directory (SQLite file, server log) is removed, a
PostgreSQL database the run created is dropped, the server is stopped.
"""

import http.client
import json
import math
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.nearby_env import BenchEnv

ENV = BenchEnv()  # sets DJANGO_SETTINGS_MODULE / DATABASE_URL, creates the PostgreSQL database

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import nearby_data  # noqa: E402
from zhijia.demo.seed import seed  # noqa: E402
from zhijia.orgs.models import Org  # noqa: E402
from zhijia.positions.geo import EARTH_RADIUS_M, bounding_box, haversine_m  # noqa: E402
from zhijia.positions.models import Position  # noqa: E402
from zhijia.positions.selectors import positions_nearby  # noqa: E402

STATIONS = int(os.environ.get("STATIONS", "100000"))
QUERIES = int(os.environ.get("QUERIES", "300"))
RADII = (3000.0, 10000.0)
LIMIT = 20
WARMUP = 20


# -- data -------------------------------------------------------------------------------------


def build() -> None:
    Position.objects.filter(name__startswith="基准驿站").delete()
    orgs = list(Org.objects.order_by("path"))
    rows = nearby_data.stations(STATIONS, orgs)
    for i in range(0, len(rows), 5000):
        Position.objects.bulk_create(rows[i : i + 5000])
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Position._meta.db_table}")


class Memory:
    """Every non-deleted station as parallel lists, for the brute-force answers."""

    def __init__(self) -> None:
        rows = list(Position.objects.filter(deleted_at__isnull=True).values_list("id", "lat", "lng"))
        self.ids = [r[0] for r in rows]
        self.lat = [r[1] for r in rows]
        self.lng = [r[2] for r in rows]
        self.phi = [math.radians(r[1]) for r in rows]
        self.cos = [math.cos(p) for p in self.phi]
        self.lam = [math.radians(r[2]) for r in rows]

    def nearest(self, lat: float, lng: float, radius: float) -> list[tuple[uuid.UUID, float]]:
        """Scans all rows with the haversine term h (no asin) against a threshold a hair wider than
        the radius, then decides with geo.haversine_m itself (the contract's distance), sorted by
        (distance, id)."""
        p1, l1, c1 = math.radians(lat), math.radians(lng), math.cos(math.radians(lat))
        h_max = math.sin(min(math.pi / 2, radius * (1 + 1e-6) / EARTH_RADIUS_M / 2)) ** 2
        sin = math.sin
        near = [
            i
            for i, (p, c, lam) in enumerate(zip(self.phi, self.cos, self.lam, strict=True))
            if sin((p - p1) / 2) ** 2 + c1 * c * sin((lam - l1) / 2) ** 2 <= h_max
        ]
        hits = []
        for i in near:
            d = haversine_m(lat, lng, self.lat[i], self.lng[i])
            if d <= radius:
                hits.append((d, self.ids[i]))
        hits.sort()
        return [(pk, d) for d, pk in hits[:LIMIT]]


# -- the variants ---------------------------------------------------------------------------


def via_db(lat, lng, radius):
    return [(n.position.id, n.distance_m) for n in positions_nearby(lat=lat, lng=lng, radius_m=radius)]


def db_floor(lat, lng, radius):
    table = Position._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, lat, lng FROM {table} "
            "WHERE lat BETWEEN %s AND %s AND lng BETWEEN %s AND %s AND deleted_at IS NULL",
            list(bounding_box(lat, lng, radius)),
        )
        return cur.fetchall()


class Http:
    """One keep-alive connection; reopened once if the server closed it while idle."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str):
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} → {response.status}: {body[:300]!r}")
        return json.loads(body)

    def nearby(self, lat, lng, radius):
        query = f"lat={lat!r}&lng={lng!r}&radius_m={radius:g}&limit={LIMIT}"
        data = self.get(f"/api/v1/positions/nearby?{query}")
        return [(uuid.UUID(item["id"]), float(item["distance_m"])) for item in data["items"]]

    def floor(self, lat, lng, radius):
        return self.get("/bench/floor")


# -- checking and timing ----------------------------------------------------------------------


def check(name, got, truth, point, radius, tolerance_m) -> None:
    got_ids, truth_ids = [g[0] for g in got], [t[0] for t in truth]
    recall = len(set(got_ids) & set(truth_ids)) / len(truth_ids) if truth_ids else float(not got_ids)
    assert recall == 1.0, f"{name}: recall {recall:.3f} at {point} r={radius:g}: {got_ids} vs {truth_ids}"
    assert got_ids == truth_ids, f"{name}: order differs at {point} r={radius:g}: {got} vs {truth}"
    worst = max((abs(g[1] - t[1]) for g, t in zip(got, truth, strict=True)), default=0.0)
    assert worst <= tolerance_m, f"{name}: distance off by {worst} m at {point}"


def timed(variants: dict, points, radius) -> tuple[dict[str, list[float]], dict[str, list]]:
    """Per-query seconds and answers of every variant, one request at a time. The variants take
    turns on each point (interleaved), so load from elsewhere on the machine hits them alike;
    WARMUP untimed rounds first."""
    for lat, lng in points[:WARMUP]:
        for fn in variants.values():
            fn(lat, lng, radius)
    times: dict[str, list[float]] = {name: [] for name in variants}
    answers: dict[str, list] = {name: [] for name in variants}
    for lat, lng in points:
        for name, fn in variants.items():
            start = time.perf_counter()
            answers[name].append(fn(lat, lng, radius))
            times[name].append(time.perf_counter() - start)
    return times, answers


def summary(times: list[float]) -> tuple[float, float, float]:
    """(queries/s, p50 ms, p99 ms)."""
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98]
    return len(times) / sum(times), statistics.median(times) * 1000, p99 * 1000


def run_radius(radius, points, memory, client) -> dict[str, list[float]]:
    variants = {
        "db": via_db,
        "db floor": db_floor,
        "http": client.nearby,
        "http floor": client.floor,
        "brute": memory.nearest,  # the ground truth, timed as the naive baseline
    }
    runs, answers = timed(variants, points, radius)
    truth = answers["brute"]
    for i, point in enumerate(points):
        check("db", answers["db"][i], truth[i], point, radius, tolerance_m=1e-6)
        check("http", answers["http"][i], truth[i], point, radius, tolerance_m=0.051)  # API rounds to 0.1 m
    in_box = [len(rows) for rows in answers["db floor"]]
    found = [len(t) for t in truth]
    print(
        f"\nnearest {LIMIT} within {radius / 1000:g} km, {len(points)} queries: "
        f"{statistics.mean(in_box):.0f} rows in the box on average (max {max(in_box)}), "
        f"{statistics.mean(found):.1f} returned, {sum(1 for f in found if f == 0)} empty; "
        f"recall 1.0 and same order for all {len(points)} (db and http)"
    )
    return runs


def report(radius, runs) -> list[str]:
    stats = {name: summary(times) for name, times in runs.items()}
    ratio = {
        "db": ("db floor", "ours/floor"),
        "http": ("http floor", "ours/floor"),
        "brute": ("db", "brute/db"),
    }
    print(f"  {'variant':<11} {'queries/s':>10} {'p50 ms':>8} {'p99 ms':>8}   ratio (p50)")
    lines = []
    for name, (qps, p50, p99) in stats.items():
        note = ""
        if name in ratio:
            other, label = ratio[name]
            note = f"{label} = {p50 / stats[other][1]:.2f}"
        print(f"  {name:<11} {qps:10,.0f} {p50:8.2f} {p99:8.2f}   {note}")
        cells = (connection.vendor, f"{radius / 1000:g} km", name, f"{qps:,.0f}", f"{p50:.2f}", f"{p99:.2f}")
        cells += (note,)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    call_command("migrate", verbosity=0)
    seed(password="Bench-pass-2026")
    start = time.perf_counter()
    build()
    memory = Memory()
    print(
        f"{connection.vendor}: {STATIONS:,} stations ({len(memory.ids):,} not deleted) "
        f"built in {time.perf_counter() - start:.1f}s"
    )
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    port = ENV.start_server()
    client = Http(port)
    points = nearby_data.query_points(QUERIES)
    lines = []
    for radius in RADII:
        lines += report(radius, run_radius(radius, points, memory, client))
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print("\nmarkdown rows:")
    print("\n".join(lines))


if __name__ == "__main__":
    try:
        main()
    except Exception:
        tail = ENV.server_log_tail()
        if tail:
            print("--- server log (tail) ---\n" + tail, file=sys.stderr)
        raise
    finally:
        ENV.cleanup()
