"""The finder: datum conversion against known pairs, radius bounds and bad input (clear errors
naming the field), exact results against brute force, filters, open-now in Asia/Shanghai time,
and a query count that does not grow with the result."""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.positions.conftest import BASE_LAT, BASE_LNG
from zhijia.positions import geo
from zhijia.positions.models import Position, Room
from zhijia.positions.selectors import positions_nearby

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIANANMEN_WGS = (39.908823, 116.397470)
TIANANMEN_GCJ = (39.91023, 116.40371)  # published GCJ-02 of the same point (高德 pick-up)
URL = "/api/v1/positions/nearby"


def test_known_pair_and_round_trip():
    lat, lng = geo.wgs84_to_gcj02(*TIANANMEN_WGS)
    assert geo.haversine_m(lat, lng, *TIANANMEN_GCJ) < 5  # the published pair, to the pick-up's digits
    back = geo.gcj02_to_wgs84(lat, lng)
    assert geo.haversine_m(*back, *TIANANMEN_WGS) < 1
    bd = geo.from_wgs84(*TIANANMEN_WGS, "bd09")
    assert geo.haversine_m(*geo.to_wgs84(*bd, "bd09"), *TIANANMEN_WGS) < 1


def test_station_stored_in_wgs84_found_by_gcj02_query(make_position, client):
    p = make_position(lat=TIANANMEN_WGS[0], lng=TIANANMEN_WGS[1], name="天安门驿站")
    gcj = geo.wgs84_to_gcj02(*TIANANMEN_WGS)
    body = client.get(URL, {"lat": gcj[0], "lng": gcj[1], "datum": "gcj02", "radius_m": 100}).json()
    assert body["datum"] == "gcj02" and body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(p.pk) and item["distance_m"] < 1
    # returned in the request's datum: the GCJ-02 position, not the stored WGS-84 one
    assert geo.haversine_m(item["lat"], item["lng"], *gcj) < 1
    bd = geo.from_wgs84(*TIANANMEN_WGS, "bd09")
    body = client.get(URL, {"lat": bd[0], "lng": bd[1], "datum": "bd09", "radius_m": 100}).json()
    assert body["items"][0]["distance_m"] < 1
    # the same numbers read as WGS-84 are ~600 m off: no result within 100 m
    assert client.get(URL, {"lat": gcj[0], "lng": gcj[1], "radius_m": 100}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"lat": 91, "lng": 100}, "lat", "bad_coordinates"),
        ({"lat": "north", "lng": 100}, "lat", "bad_coordinates"),
        ({"lat": "NaN", "lng": 100}, "lat", "bad_coordinates"),
        ({"lng": 100}, "lat", "bad_coordinates"),
        ({"lat": 30, "lng": -181}, "lng", "bad_coordinates"),
        ({"lat": 30, "lng": 100, "radius_m": 50001}, "radius_m", "bad_radius"),
        ({"lat": 30, "lng": 100, "radius_m": 0}, "radius_m", "bad_radius"),
        ({"lat": 30, "lng": 100, "radius_m": "far"}, "radius_m", "bad_radius"),
        ({"lat": 30, "lng": 100, "datum": "mars"}, "datum", "bad_datum"),
        ({"lat": 30, "lng": 100, "limit": 51}, "limit", "bad_limit"),
        ({"lat": 30, "lng": 100, "facility": "jacuzzi"}, "facility", "unknown_facility"),
        ({"lat": 30, "lng": 100, "type": "castle"}, "type", "invalid"),
    ],
)
def test_bad_input_is_400_naming_the_field(db, client, params, field, code):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and field in body["fields"] and body["fields"][field][0]


def test_radius_bounds(make_position, client):
    near = make_position(lat=BASE_LAT, lng=BASE_LNG + 0.02)  # ≈ 1.9 km east
    far = make_position(lat=BASE_LAT + 0.4, lng=BASE_LNG)  # ≈ 44 km north

    def ids(r):
        return [i["id"] for i in client.get(URL, {"lat": BASE_LAT, "lng": BASE_LNG, **r}).json()["items"]]

    assert ids({}) == [str(near.pk)]  # default 3 km
    assert ids({"radius_m": 1000}) == []
    assert ids({"radius_m": 50000}) == [str(near.pk), str(far.pk)]
    body = client.get(URL, {"lat": BASE_LAT, "lng": BASE_LNG}).json()
    assert body["radius_m"] == 3000


def test_matches_brute_force(make_position, demo):
    rng = random.Random(7)
    for _ in range(120):
        Position.objects.create(
            org=demo.org("福田区总"),
            kind="outdoor_station",
            name="随机",
            address="x",
            lat=BASE_LAT + rng.uniform(-0.1, 0.1),
            lng=BASE_LNG + rng.uniform(-0.1, 0.1),
        )
    everything = list(Position.objects.filter(deleted_at__isnull=True))
    for _ in range(10):
        lat, lng = BASE_LAT + rng.uniform(-0.08, 0.08), BASE_LNG + rng.uniform(-0.08, 0.08)
        radius = rng.choice([1000, 3000, 8000])
        truth = sorted(
            (geo.haversine_m(lat, lng, p.lat, p.lng), p.pk)
            for p in everything
            if geo.haversine_m(lat, lng, p.lat, p.lng) <= radius
        )[:20]
        found = positions_nearby(lat=lat, lng=lng, radius_m=radius, limit=20)
        assert [n.position.pk for n in found] == [pk for _d, pk in truth]
        assert all(abs(n.distance_m - d) < 1e-6 for n, (d, _pk) in zip(found, truth, strict=True))


def test_filters_and_deleted(make_position, client, demo):
    from zhijia.positions.services import position_delete

    both = make_position(facilities=["charging", "toilet"], lat=BASE_LAT + 0.001)
    make_position(facilities=["charging"], lat=BASE_LAT + 0.002)
    canteen = make_position(kind="canteen", facilities=["toilet", "charging", "wifi"], lat=BASE_LAT + 0.003)
    gone = make_position(facilities=["charging", "toilet"])
    position_delete(actor=demo.user("province_admin"), position=gone)
    base = {"lat": BASE_LAT, "lng": BASE_LNG}
    ids = lambda **r: [i["id"] for i in client.get(URL, {**base, **r}).json()["items"]]  # noqa: E731
    assert ids(facility="charging,toilet") == [str(both.pk), str(canteen.pk)]
    assert ids(facility=["charging", "toilet"]) == [str(both.pk), str(canteen.pk)]
    assert ids(type="canteen") == [str(canteen.pk)]
    assert str(gone.pk) not in ids()
    assert len(ids(limit=2)) == 2


def test_open_now_in_shanghai_time_overnight_and_exceptions(make_position, client):
    day = make_position(hours="Mon-Fri 09:00-17:00", lat=BASE_LAT + 0.001)
    night = make_position(hours="Daily 22:00-06:00", lat=BASE_LAT + 0.002)
    holiday = make_position(
        hours="Daily 00:00-24:00", hours_exceptions={"2026-10-01": []}, lat=BASE_LAT + 0.003
    )
    closed = make_position(hours="Daily 00:00-24:00", status="maintenance", lat=BASE_LAT + 0.004)
    params = {"lat": BASE_LAT, "lng": BASE_LNG, "open_now": "true"}

    def open_ids():
        return [i["id"] for i in client.get(URL, params).json()["items"]]

    # Wednesday 2026-09-30 10:00 in Shanghai is 02:00 UTC: a UTC-minded server would say "night"
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert open_ids() == [str(day.pk), str(holiday.pk)]
        item = client.get(URL, {**params, "open_now": "false"}).json()["items"][0]
        assert item["open_now"] is True
        assert item["next_change"] == "2026-09-30T17:00:00+08:00"
    # Wednesday 23:30: the overnight station is open, the day one is not
    with time_machine.travel(datetime(2026, 9, 30, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert open_ids() == [str(night.pk), str(holiday.pk)]
    # Thursday 1 Oct 03:00 (holiday closure): the overnight interval started the day before runs on
    with time_machine.travel(datetime(2026, 10, 1, 3, 0, tzinfo=SHANGHAI), tick=False):
        assert open_ids() == [str(night.pk)]
    assert str(closed.pk) not in open_ids()


def test_staff_change_of_hours_shows_in_finder(make_position, api_client):
    p = make_position(hours="Daily 09:00-17:00")
    params = {"lat": BASE_LAT, "lng": BASE_LNG, "open_now": "true"}
    with time_machine.travel(datetime(2026, 9, 30, 20, 0, tzinfo=SHANGHAI), tick=False):
        assert api_client.get(URL, params).json()["count"] == 0
        api = api_client.login("futian_staff")
        assert api.patch(f"/api/v1/positions/{p.pk}", {"hours": "Daily 09:00-21:00"}).status_code == 200
        assert [i["id"] for i in api.get(URL, params).json()["items"]] == [str(p.pk)]


def test_near_the_antimeridian_does_not_crash(demo):
    Position.objects.create(
        org=demo.org("福田区总"), kind="other", name="东", address="x", lat=-16.5, lng=179.999
    )
    Position.objects.create(
        org=demo.org("福田区总"), kind="other", name="西", address="x", lat=-16.5, lng=-179.999
    )
    found = positions_nearby(lat=-16.5, lng=180.0, radius_m=5000)
    assert sorted(n.position.name for n in found) == ["东", "西"]
    assert positions_nearby(lat=89.99, lng=0, radius_m=50000) == []


def test_query_count_does_not_grow(make_position, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def count(n_extra):
        for i in range(n_extra):
            p = make_position(lat=BASE_LAT + 0.0001 * i)
            Room.objects.create(position=p, name="室", capacity=3)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(URL, {"lat": BASE_LAT, "lng": BASE_LNG, "limit": 50}).json()
        return len(ctx.captured_queries), body["count"]

    few, n_few = count(2)
    many, n_many = count(20)
    assert n_few == 2 and n_many == 22
    assert few == many <= 5
