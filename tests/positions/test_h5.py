"""The public H5 pages: the "nearby stations" finder, a station's page and anonymous feedback."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from zhijia.positions import geo
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.models import Feedback
from zhijia.positions.services import position_delete

# 深圳 福田: inside mainland China, so GCJ-02 differs from WGS-84 by a few hundred metres.
LAT, LNG = 22.5400, 114.0500


def _today() -> str:
    return timezone.now().astimezone(SHANGHAI).date().isoformat()


@pytest.fixture
def stations(make_position):
    """Three stations east of the rider: the nearest is closed today, the next has no charger."""
    near_closed = make_position(
        name="近处驿站",
        lat=LAT,
        lng=LNG + 0.002,
        hours="Daily 00:00-24:00",
        hours_exceptions={_today(): []},
        facilities=["charging", "toilet"],
    )
    no_charger = make_position(
        name="无充电驿站", lat=LAT, lng=LNG + 0.004, hours="Daily 00:00-24:00", facilities=["toilet"]
    )
    target = make_position(
        name="目标驿站",
        lat=LAT,
        lng=LNG + 0.006,
        hours="Daily 00:00-24:00",
        facilities=["charging", "drinking_water"],
    )
    return near_closed, no_charger, target


def _names(response) -> list[str]:
    return re.findall(r'data-testid="station-name">([^<]+)<', response.content.decode())


def test_the_finder_without_coordinates_offers_location_or_the_city_centre(db):
    response = Client().get("/h5/stations/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="use-centre"' in body and "data-zj-autolocate" in body
    assert "station-item" not in body


def test_the_finder_lists_by_distance_and_needs_no_login(stations):
    response = Client().get("/h5/stations/", {"lat": LAT, "lng": LNG})
    assert response.status_code == 200
    assert _names(response) == ["近处驿站", "无充电驿站", "目标驿站"]
    assert "vendor/leaflet/leaflet.js" in response.content.decode()
    assert "//unpkg" not in response.content.decode() and "cdn" not in response.content.decode().lower()


def test_open_now_and_charging_leave_the_target_first(stations):
    response = Client().get(
        "/h5/stations/", {"lat": LAT, "lng": LNG, "open_now": "1", "facility": "charging"}
    )
    assert _names(response) == ["目标驿站"]
    assert 'data-testid="badge-open"' in response.content.decode()


def test_navigate_link_is_amap_in_gcj02_and_geo_in_wgs84(stations):
    target = stations[2]
    body = unescape(Client().get("/h5/stations/", {"lat": LAT, "lng": LNG}).content.decode())
    g_lat, g_lng = geo.wgs84_to_gcj02(target.lat, target.lng)
    assert f"https://uri.amap.com/marker?position={g_lng:.6f}%2C{g_lat:.6f}" in body
    assert "coordinate=gaode" in body
    assert f"geo:{target.lat:.6f},{target.lng:.6f}" in body
    assert abs(g_lng - target.lng) > 0.003  # the offset is real, so the test would see a mix-up


def test_coordinates_in_gcj02_find_the_same_stations(stations):
    g_lat, g_lng = geo.wgs84_to_gcj02(LAT, LNG)
    response = Client().get("/h5/stations/", {"lat": g_lat, "lng": g_lng, "datum": "gcj02"})
    assert _names(response) == ["近处驿站", "无充电驿站", "目标驿站"]


@pytest.mark.parametrize(
    "params, text",
    [
        ({"lat": "abc", "lng": LNG}, "Latitude must be a number"),
        ({"lat": 95, "lng": LNG}, "Latitude must be a number"),
        ({"lat": LAT, "lng": 200}, "Longitude must be a number"),
        ({"lat": LAT, "lng": LNG, "radius_m": 80000}, "radius"),
        ({"lat": LAT, "lng": LNG, "datum": "mars"}, "Unknown coordinate system"),
    ],
)
def test_bad_coordinates_are_a_clear_message_not_an_error(db, params, text):
    response = Client().get("/h5/stations/", params)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="finder-error"' in body and text in body


def test_map_has_no_tiles_by_default_and_uses_the_setting(stations, settings):
    body = Client().get("/h5/stations/", {"lat": LAT, "lng": LNG}).content.decode()
    assert 'data-testid="map-no-tiles"' in body
    settings.POSITIONS_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    body = Client().get("/h5/stations/", {"lat": LAT, "lng": LNG}).content.decode()
    assert "tiles.example.org" in body and 'data-testid="map-no-tiles"' not in body


def test_station_page_shows_hours_exceptions_and_facilities(make_position):
    tomorrow = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date().isoformat()
    position = make_position(
        name="详情驿站",
        hours="Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00",
        hours_exceptions={tomorrow: []},
        facilities=["drinking_water", "wifi"],
    )
    response = Client().get(f"/h5/stations/{position.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "详情驿站" in body and "08:00-20:00" in body and "09:00-17:00" in body
    assert 'data-testid="exceptions"' in body and tomorrow in body
    assert "Drinking water" in body and "Wi-Fi" in body
    assert "uri.amap.com/marker" in body


def test_a_deleted_or_unknown_station_is_404(make_position, demo):
    position = make_position()
    position_delete(actor=demo.user("province_admin"), position=position)
    assert Client().get(f"/h5/stations/{position.pk}/").status_code == 404
    assert Client().get("/h5/stations/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_feedback_is_anonymous_and_rate_limited(make_position):
    position = make_position()
    client = Client()
    url = f"/h5/stations/{position.pk}/feedback/"
    for _i in range(3):
        response = client.post(url, {"rating": "5", "text": "很好"})
        assert response.status_code == 302
    response = client.post(url, {"rating": "4", "text": "再来"})
    assert response.status_code == 429
    assert 'data-testid="feedback-error"' in response.content.decode()
    assert Feedback.objects.filter(position=position).count() == 3


def test_feedback_needs_a_rating(make_position):
    position = make_position()
    response = Client().post(f"/h5/stations/{position.pk}/feedback/", {"rating": "9"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()
