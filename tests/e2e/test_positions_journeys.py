"""Issue "Service network" journeys: a rider on a 375-px phone finds the nearest station that is
open now and has phone charging, and opens navigation in Amap (GCJ-02 coordinates); staff on a
desktop close a station for today through the hours editor and the finder stops offering it;
staff check a visitor in and see the visit statistics and the service ledger."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, shot
from zhijia.positions import geo
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.models import Position
from zhijia.positions.services import position_create, room_save

RIDER = (22.5400, 114.0500)  # WGS-84, 深圳 福田


@pytest.fixture
def stations(demo):
    """East of the rider, nearest first: closed for maintenance (has charging); open without
    charging; the target (open, charging); a farther open station with charging."""
    admin, futian = demo.user("province_admin"), demo.org("福田区总")
    lat, lng = RIDER

    def make(name, dlng, **data):
        return position_create(
            actor=admin,
            org=futian,
            data={
                "kind": "outdoor_station",
                "name": name,
                "address": f"福田区{name}路1号",
                "lat": lat + 0.0005,
                "lng": lng + dlng,
                "hours": "Daily 00:00-24:00",
                "phone": "0755-83000000",
                **data,
            },
        )

    made = {
        "maintenance": make("维修中驿站", 0.002, status="maintenance", facilities=["charging", "toilet"]),
        "dry": make("无充电驿站", 0.004, facilities=["drinking_water", "toilet"]),
        "target": make(
            "福田暖蜂驿站",
            0.006,
            facilities=["charging", "drinking_water", "toilet", "microwave", "air_conditioning", "wifi"],
            visitor_groups=["delivery_rider", "courier"],
            description="为户外劳动者提供饮水、充电、休息。",
        ),
        "far": make("会展中心驿站", 0.012, facilities=["charging", "power_bank"]),
    }
    room_save(
        actor=admin, position=made["target"], data={"name": "休息室", "category": "休息", "capacity": 8}
    )
    return made


def _names(page) -> list[str]:
    return [n.strip() for n in page.locator("[data-testid=station-name]").all_inner_texts()]


def _rider_context(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        base_url=live_server.url,
        geolocation={"latitude": RIDER[0], "longitude": RIDER[1]},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15000)
    return context


def test_rider_finds_the_nearest_open_station_with_charging_and_navigates(
    stations, browser, live_server, settings
):
    settings.POSITIONS_TILE_URL = ""  # an intranet: no tiles, the map still shows the stations
    context = _rider_context(browser, live_server)
    page = context.new_page()
    page.goto("/h5/stations/")
    # The page asks the browser for the position and reloads with it (WGS-84).
    page.wait_for_selector("[data-testid=station-item]")
    query = parse_qs(urlparse(page.url).query)
    assert query["datum"] == ["wgs84"] and float(query["lat"][0]) == pytest.approx(RIDER[0])
    assert _names(page)[:4] == ["维修中驿站", "无充电驿站", "福田暖蜂驿站", "会展中心驿站"]
    assert page.locator(".leaflet-interactive").count() >= 4  # markers drawn with no tiles
    assert page.locator("[data-testid=map-no-tiles]").is_visible()
    page.wait_for_selector(".leaflet-zj-base-pane path", state="attached")  # offline base layer
    page.wait_for_selector(".zj-map-where:has-text('深圳市 · 广东')")  # where the map is, offline
    page.evaluate("document.querySelector('[data-zj-map]').zjMap.setZoom(8)")
    page.wait_for_selector(".zj-map-label:has-text('东莞市')")  # the neighbours, named
    page.locator("[data-zj-map]").screenshot(path=str(shot(page, "h5-finder-offline-map")))

    page.click("label:has([data-testid=filter-open-now])")
    page.click("label:has([data-testid=filter-charging])")
    shot(page, "h5-finder-filters")
    page.click("[data-testid=filter-apply]")
    page.wait_for_url("**open_now=1**")
    assert _names(page) == ["福田暖蜂驿站", "会展中心驿站"]
    first = page.locator("[data-testid=station-item]").first
    assert first.get_attribute("data-open") == "true"
    assert first.locator("[data-testid=badge-open]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
    shot(page, "h5-finder-list-map")

    target = stations["target"]
    href = first.locator("[data-testid=navigate]").get_attribute("href")
    link = urlparse(href)
    assert (link.scheme, link.netloc, link.path) == ("https", "uri.amap.com", "/marker")
    params = parse_qs(link.query)
    g_lat, g_lng = geo.wgs84_to_gcj02(target.lat, target.lng)
    lng_text, lat_text = params["position"][0].split(",")
    assert float(lng_text) == pytest.approx(g_lng, abs=2e-6) and float(lat_text) == pytest.approx(
        g_lat, abs=2e-6
    )
    assert params["coordinate"] == ["gaode"] and params["name"] == ["福田暖蜂驿站"]
    geo_href = first.locator("[data-testid=navigate-geo]").get_attribute("href")
    assert geo_href.startswith(f"geo:{target.lat:.6f},{target.lng:.6f}")

    first.locator("[data-testid=station-name]").click()
    page.wait_for_selector("[data-testid=station-detail]")
    assert "休息室" in page.inner_text("[data-testid=rooms]")
    assert page.locator("[data-testid=week-hours] tr").count() == 7
    shot(page, "h5-station-detail")
    page.click("label:has(input[name=rating][value='5'])")
    page.fill("textarea[name=text]", "充电很方便")
    page.click("[data-testid=feedback-submit]")
    page.wait_for_selector(".alert-success")
    assert target.feedback.get().rating == 5
    context.close()


def test_finder_without_location_permission_offers_the_city_centre(stations, browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/h5/stations/")
    page.wait_for_selector("[data-testid=locate-status]:not([hidden])")
    shot(page, "h5-finder-start")
    page.click("[data-testid=use-centre]")
    page.wait_for_selector("[data-testid=finder-filters]")
    page.goto("/h5/stations/?lat=abc&lng=114")
    assert page.locator("[data-testid=finder-error]").is_visible()
    context.close()


def staff_login(page, username):
    page.goto("/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=logout]")


def _open_charging(page) -> list[str]:
    lat, lng = RIDER
    page.goto(f"/h5/stations/?lat={lat}&lng={lng}&datum=wgs84&open_now=1&facility=charging")
    page.wait_for_selector("[data-testid=finder-count]")
    return _names(page)


def test_staff_close_a_station_today_and_the_finder_reflects_it(
    stations, desktop, browser, live_server, settings
):
    settings.SESSION_COOKIE_SECURE = False
    rider = _rider_context(browser, live_server).new_page()
    assert _open_charging(rider)[0] == "福田暖蜂驿站"

    staff_login(desktop, "futian_staff")
    desktop.goto("/console/positions/")
    shot(desktop, "console-positions-list")
    desktop.click("[data-testid=view-map]")
    desktop.wait_for_selector(".leaflet-interactive")
    shot(desktop, "console-positions-map")
    desktop.click("[data-testid=view-table]")
    desktop.click("[data-testid=position-link]:has-text('福田暖蜂驿站')")
    desktop.wait_for_selector("[data-testid=position-title]")
    shot(desktop, "console-position-detail")

    desktop.click("[data-testid=position-hours]")
    desktop.wait_for_selector("[data-testid=hours-form]")
    desktop.fill("[data-testid=hours-input]", "周一至周五 08:00-20:00；周六、周日 09:00-17:00")
    desktop.wait_for_selector("[data-testid=preview-text]:has-text('09:00-17:00')")
    today = timezone.now().astimezone(SHANGHAI).date().isoformat()
    desktop.fill("input[name=exc-0-date]", today)
    desktop.check("input[name=exc-0-closed]")
    shot(desktop, "console-position-hours")
    desktop.click("[data-testid=hours-submit]")
    desktop.wait_for_selector("[data-testid=position-title]")
    assert "08:00-20:00" in desktop.inner_text("[data-testid=hours-text]")
    assert today in desktop.inner_text("[data-testid=exceptions]")

    target = Position.objects.get(pk=stations["target"].pk)
    assert target.hours_exceptions == {today: []}
    assert _open_charging(rider) == ["会展中心驿站"]
    shot(rider, "h5-finder-after-closing")
    rider.context.close()


def test_staff_check_a_visitor_in_and_see_statistics_and_the_ledger(stations, desktop, settings):
    settings.SESSION_COOKIE_SECURE = False
    staff_login(desktop, "futian_staff")
    target = stations["target"]
    desktop.goto(f"/console/positions/visits/new/?position={target.pk}")
    assert desktop.inner_text("[data-testid=today-count]") == "0"
    for group in ("delivery_rider", "courier"):
        desktop.select_option("select[name=visitor_group]", group)
        desktop.check("input[name=services][value=water]")
        desktop.check("input[name=services][value=charging]")
        desktop.click("[data-testid=visit-submit]")
        desktop.wait_for_selector(".alert-success")
    assert desktop.inner_text("[data-testid=today-count]") == "2"
    shot(desktop, "console-visit-new")

    desktop.goto(f"/console/positions/visits/stats/?position={target.pk}")
    assert desktop.inner_text("[data-testid=stats-total]") == "2"
    shot(desktop, "console-visit-stats")

    desktop.goto("/console/records/")
    assert desktop.inner_text("[data-testid=record-total]") == "2"
    assert desktop.locator("[data-testid=record-row]").count() == 2
    shot(desktop, "console-records-ledger")

    # The same pages on a phone-sized console.
    desktop.set_viewport_size(PHONE)
    desktop.goto("/console/records/")
    shot(desktop, "console-records-ledger-phone")
    desktop.goto(f"/console/positions/visits/new/?position={target.pk}")
    shot(desktop, "console-visit-new-phone")
    desktop.goto(f"/console/positions/{target.pk}/hours/")
    shot(desktop, "console-position-hours-phone")
    assert desktop.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
