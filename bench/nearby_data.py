"""Generated stations and query points for bench/nearby.py (no Django model work here except the
unsaved Position objects handed to bulk_create).

Stations: 85% clustered around 20 Chinese cities (a dense core plus a wider suburban ring, both
Gaussian), 15% uniform noise inside a coarse outline of mainland China; 1% share the exact
coordinates of another station (two stations in one building: distance ties, decided by id);
2% soft-deleted, 5% temporarily closed or under maintenance. Facilities are a random subset;
hours a mix of 24 h, office hours, long days, two shifts and overnight.
"""

import math
import random
from datetime import UTC, datetime

from zhijia.positions.enums import FACILITY_BITS, PositionKind, PositionStatus, VisitorGroup
from zhijia.positions.geo import in_mainland_china
from zhijia.positions.hours import hours_to_json, parse_hours

# name, lat, lng (WGS-84, city centre), weight, core sigma km
CITIES = (
    ("深圳", 22.543, 114.058, 12, 9),
    ("广州", 23.129, 113.264, 11, 10),
    ("东莞", 23.021, 113.752, 7, 12),
    ("佛山", 23.022, 113.122, 5, 10),
    ("北京", 39.904, 116.407, 10, 12),
    ("上海", 31.230, 121.474, 10, 12),
    ("天津", 39.084, 117.201, 5, 10),
    ("重庆", 29.563, 106.551, 5, 10),
    ("成都", 30.573, 104.066, 6, 10),
    ("武汉", 30.593, 114.305, 5, 10),
    ("杭州", 30.274, 120.155, 5, 9),
    ("南京", 32.060, 118.797, 4, 9),
    ("西安", 34.341, 108.940, 4, 9),
    ("郑州", 34.746, 113.625, 4, 9),
    ("长沙", 28.228, 112.939, 3, 8),
    ("苏州", 31.299, 120.585, 4, 10),
    ("哈尔滨", 45.803, 126.535, 2, 8),
    ("昆明", 25.038, 102.718, 2, 8),
    ("乌鲁木齐", 43.825, 87.617, 1, 7),
    ("安康", 32.685, 109.029, 1, 5),
)

# A coarse outline of mainland China (lat, lng), good to ~100 km: enough for uniform noise.
CHINA = (
    (53.3, 121.5),
    (50.3, 127.5),
    (48.4, 134.7),
    (45.0, 133.1),
    (42.4, 130.6),
    (41.8, 128.0),
    (40.0, 124.3),
    (39.0, 121.5),
    (37.5, 122.5),
    (35.0, 119.5),
    (32.0, 121.8),
    (30.0, 122.0),
    (27.0, 120.5),
    (24.5, 118.2),
    (22.6, 114.2),
    (21.5, 111.0),
    (20.3, 110.2),
    (21.5, 108.0),
    (22.9, 106.5),
    (22.5, 103.9),
    (21.2, 101.2),
    (24.0, 98.0),
    (28.0, 97.5),
    (28.0, 89.0),
    (30.2, 81.2),
    (32.5, 79.0),
    (35.5, 77.8),
    (37.0, 74.9),
    (39.5, 73.6),
    (41.0, 77.0),
    (42.5, 80.2),
    (45.0, 82.5),
    (47.2, 83.0),
    (49.1, 87.3),
    (45.3, 90.8),
    (42.7, 96.4),
    (42.5, 101.0),
    (41.6, 105.0),
    (42.5, 110.0),
    (43.7, 111.9),
    (46.7, 119.9),
    (49.8, 117.8),
)

HOURS_TEXTS = (  # (weight, text)
    (3, "Daily 00:00-24:00"),
    (3, "Mon-Fri 09:00-18:00"),
    (2, "Daily 08:00-20:00"),
    (1, "Mon-Fri 08:30-12:00, 14:00-18:00; Sat 09:00-12:00"),
    (1, "Daily 18:00-06:00"),
    (1, "Mon-Sat 07:00-22:00; Sun 09:00-17:00"),
)
KINDS = (  # (weight, kind)
    (10, PositionKind.OUTDOOR_STATION),
    (2, PositionKind.SERVICE_CENTER),
    (1, PositionKind.DRIVERS_HOME),
    (2, PositionKind.READING_ROOM),
    (1, PositionKind.MOTHERS_ROOM),
    (1, PositionKind.CANTEEN),
    (1, PositionKind.OTHER),
)
FACILITIES = tuple(FACILITY_BITS)
GROUPS = tuple(VisitorGroup.values)
KM_PER_DEG_LAT = 111.195


def in_outline(lat: float, lng: float, polygon=CHINA) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (lat_i, lng_i) in enumerate(polygon):
        lat_j, lng_j = polygon[j]
        crosses = (lat_i > lat) != (lat_j > lat)
        if crosses and lng < lng_i + (lat - lat_i) * (lng_j - lng_i) / (lat_j - lat_i):
            inside = not inside
        j = i
    return inside


def uniform_point(rng: random.Random) -> tuple[float, float]:
    while True:
        lat, lng = rng.uniform(20.0, 53.5), rng.uniform(73.5, 134.8)
        if in_outline(lat, lng) and in_mainland_china(lat, lng):
            return lat, lng


def city_point(rng: random.Random, sigma_scale: float = 1.0) -> tuple[float, float]:
    _name, lat, lng, _w, sigma = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
    sigma_km = sigma * sigma_scale * (1 if rng.random() < 0.7 else 2.5)  # core, suburban ring
    dlat = rng.gauss(0, sigma_km) / KM_PER_DEG_LAT
    dlng = rng.gauss(0, sigma_km) / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _weighted(rng, pairs):
    return rng.choices([p[1] for p in pairs], weights=[p[0] for p in pairs])[0]


def stations(n: int, orgs: list, seed: int = 2026) -> list:
    """n unsaved Position objects (see the module docstring for the mix)."""
    from zhijia.positions.models import Position

    rng = random.Random(seed)
    hours = [(w, hours_to_json(parse_hours(text))) for w, text in HOURS_TEXTS]
    deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
    out: list = []
    for i in range(n):
        if out and rng.random() < 0.01:
            twin = out[rng.randrange(len(out))]
            lat, lng = twin.lat, twin.lng
        elif rng.random() < 0.85:
            lat, lng = city_point(rng)
        else:
            lat, lng = uniform_point(rng)
        facilities = [f for f in FACILITIES if rng.random() < 0.35]
        roll = rng.random()
        status = (
            PositionStatus.TEMPORARILY_CLOSED
            if roll < 0.03
            else PositionStatus.MAINTENANCE
            if roll < 0.05
            else PositionStatus.OPEN
        )
        out.append(
            Position(
                org=orgs[i % len(orgs)],
                kind=_weighted(rng, KINDS),
                name=f"基准驿站 {i:06d}",
                address=f"测试路 {i} 号",
                lat=lat,
                lng=lng,
                hours=_weighted(rng, hours),
                status=status,
                verified=rng.random() < 0.8,
                facilities=facilities,
                facility_bits=sum(FACILITY_BITS[f] for f in facilities),
                visitor_groups=rng.sample(GROUPS, rng.randint(1, 4)),
                deleted_at=deleted_at if rng.random() < 0.02 else None,
            )
        )
    return out


def query_points(n: int, seed: int = 7) -> list[tuple[float, float]]:
    """85% near city centres (where riders ask), 10% uniform in China (mostly empty answers),
    5% exactly on a city centre."""
    rng = random.Random(seed)
    points = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.85:
            points.append(city_point(rng, sigma_scale=0.8))
        elif roll < 0.95:
            points.append(uniform_point(rng))
        else:
            city = rng.choice(CITIES)
            points.append((city[1], city[2]))
    return points
