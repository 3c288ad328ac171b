"""Demo positions (zhijia.demo.positions): idempotent seeding, the 河套 hub network, the finder
around it, and the seeded visits feeding the service ledger."""

from datetime import date, datetime

import pytest

from zhijia.demo.positions import HUB, STATIONS, seed_positions, seed_visits
from zhijia.positions.enums import PositionStatus
from zhijia.positions.models import Position, Room, Visit
from zhijia.positions.selectors import positions_nearby
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo):
    return seed_positions()


def test_seeding_twice_creates_nothing_the_second_time(seeded):
    assert seeded == len(STATIONS) == Position.objects.count()
    rooms = Room.objects.count()
    assert seed_positions() == 0
    assert Position.objects.count() == len(STATIONS)
    assert Room.objects.count() == rooms


def test_positions_belong_to_the_unions_of_the_seeds(seeded, demo):
    assert Position.objects.get(code=HUB).org == demo.org("河套联合工会")
    assert Position.objects.get(name="暖蜂驿站").org == demo.org("西乡工联会")
    assert Position.objects.get(name="大朗镇工人文化宫").org == demo.org("大朗镇")
    assert Position.objects.filter(kind="recuperation_base", org=demo.org("东莞市总")).count() == 5


def test_the_hub_network_exists(seeded):
    hub = Position.objects.get(code=HUB)
    assert hub.name == "河套深港职工服务中心" and hub.hub_id is None
    kinds = set(hub.spokes.values_list("kind", flat=True))
    assert {"outdoor_station", "canteen", "talent_station"} <= kinds
    xixiang = Position.objects.get(name="暖蜂驿站").hub
    assert xixiang is not None and xixiang.rooms.count() == 9


def test_dalang_has_24_rooms_in_4_categories(seeded):
    rooms = Room.objects.filter(position__name="大朗镇工人文化宫")
    assert rooms.count() == 24
    assert len(set(rooms.values_list("category", flat=True))) == 4


def test_hours_and_closures_are_varied(seeded):
    assert Position.objects.filter(status=PositionStatus.TEMPORARILY_CLOSED).count() == 2
    night = Position.objects.get(name="福田CBD夜间工会驿站")
    assert night.hours["mon"] == [["18:00", "06:00"]]
    assert Position.objects.get(code="DEMO-FT-YZ-CGM").hours["sun"] == [["00:00", "24:00"]]
    assert all(p.facility_bits for p in Position.objects.all())


def test_the_finder_near_hetao_returns_the_hub_and_its_stations(seeded):
    hub = Position.objects.get(code=HUB)
    found = positions_nearby(lat=22.5215, lng=114.0665, radius_m=3000, limit=50)
    ids = [n.position.id for n in found]
    assert ids[0] == hub.id  # the query point is a few tens of metres from the centre
    assert set(hub.spokes.values_list("id", flat=True)) <= set(ids)
    distances = [n.distance_m for n in found]
    assert distances == sorted(distances) and distances[-1] <= 3000
    # 暖蜂驿站 in 宝安 is ~19 km away
    assert "暖蜂驿站" not in {n.position.name for n in found}


def test_the_finder_with_charging_open_at_night_finds_the_24h_and_night_stations(seeded):
    at = datetime.fromisoformat("2026-11-18T02:30:00+08:00")  # a Wednesday, 02:30
    found = positions_nearby(
        lat=22.5300, lng=114.0500, radius_m=5000, facilities=["charging"], open_now=True, at=at
    )
    names = {n.position.name for n in found}
    assert {"车公庙工会驿站", "福田CBD夜间工会驿站", "河套工会驿站(福保路)"} <= names
    assert "华强北户外劳动者服务站" not in names  # Mon-Fri 08:00-20:00
    assert all(n.open_now for n in found)


def test_seed_visits_is_deterministic_and_feeds_the_ledger(seeded):
    created = seed_visits(days=3, today=date(2026, 11, 18))
    assert created > 20
    assert Visit.objects.count() == created
    assert ServiceRecord.objects.filter(source="visit").count() == created
    assert Visit.objects.filter(person__isnull=False).count() == 0
    assert Visit.objects.values("position").distinct().count() == 4
    assert len(set(Visit.objects.values_list("visitor_group", flat=True))) >= 4
    assert seed_visits(days=3, today=date(2026, 11, 18)) == 0


def test_seed_visits_gives_the_same_visits_every_time(seeded):
    def snapshot():
        rows = Visit.objects.values_list("position__code", "at", "visitor_group", "services")
        return sorted((code, at, group, tuple(services)) for code, at, group, services in rows)

    seed_visits(days=2, today=date(2026, 11, 18))
    first = snapshot()
    Visit.objects.all().delete()
    ServiceRecord.objects.all().delete()
    seed_visits(days=2, today=date(2026, 11, 18))
    assert snapshot() == first
