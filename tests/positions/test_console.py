"""Console pages of the service network: list and map, detail, new / edit, hours editor, rooms,
delete, spreadsheets, visits (check-in and statistics)."""

import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.utils import timezone

from zhijia.core.models import AuditEntry, ImportJob
from zhijia.positions import geo
from zhijia.positions.enums import PositionKind
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.labels import KIND_LABELS
from zhijia.positions.models import Position, Visit
from zhijia.records.models import ServiceRecord


def _today() -> str:
    return timezone.now().astimezone(SHANGHAI).date().isoformat()


@pytest.fixture
def futian(make_position):
    return make_position(
        "福田区总", name="福田驿站", lat=22.54, lng=114.05, hours="Daily 00:00-24:00", facilities=["charging"]
    )


@pytest.fixture
def baoan(make_position):
    return make_position("宝安区总", name="宝安驿站", lat=22.55, lng=113.88)


def test_list_shows_my_subtree_only(staff_client, futian, baoan):
    response = staff_client("futian_staff").get("/console/positions/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "福田驿站" in body and "宝安驿站" not in body


def test_list_filters(staff_client, futian, make_position):
    make_position("福田区总", name="福田书屋", kind="reading_room")
    client = staff_client("futian_staff")
    body = client.get("/console/positions/", {"kind": "reading_room"}).content.decode()
    assert "福田书屋" in body and "福田驿站" not in body
    body = client.get("/console/positions/", {"facility": "charging"}).content.decode()
    assert "福田驿站" in body and "福田书屋" not in body
    body = client.get("/console/positions/", {"q": "书屋"}).content.decode()
    assert "福田书屋" in body and "福田驿站" not in body


def test_map_view_has_markers_and_works_without_tiles(staff_client, futian, settings):
    settings.POSITIONS_TILE_URL = ""
    body = staff_client("futian_staff").get("/console/positions/", {"view": "map"}).content.decode()
    data = json.loads(
        re.search(r'<script id="positions-map" type="application/json">(.*?)</script>', body, re.S)[1]
    )
    assert data["tiles"] == "" and [m["name"] for m in data["markers"]] == ["福田驿站"]
    assert data["markers"][0]["lat"] == pytest.approx(22.54)
    assert 'data-testid="map-no-tiles"' in body
    base = data["base"]  # the vendored offline layer instead of tiles
    assert base["provinces"].endswith(".json") and "/vendor/china-map/" in base["outline"]
    assert len(base["cities"]) == 34 and base["cities"]["44"]["name"] == "广东"
    assert base["cities"]["44"]["url"].endswith(".json")
    west, south, east, north = base["cities"]["44"]["box"]
    assert west < 114.05 < east and south < 22.54 < north


def test_map_markers_follow_the_tile_datum(staff_client, futian, settings):
    settings.POSITIONS_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.POSITIONS_TILE_DATUM = "gcj02"
    body = staff_client("futian_staff").get("/console/positions/", {"view": "map"}).content.decode()
    data = json.loads(
        re.search(r'<script id="positions-map" type="application/json">(.*?)</script>', body, re.S)[1]
    )
    assert data["base"] is None  # tiles configured: no offline layer
    g_lat, g_lng = geo.wgs84_to_gcj02(22.54, 114.05)
    assert data["markers"][0]["lat"] == pytest.approx(g_lat, abs=1e-6)
    assert data["markers"][0]["lng"] == pytest.approx(g_lng, abs=1e-6)


def test_detail_and_scope(staff_client, futian, baoan):
    client = staff_client("futian_staff")
    response = client.get(f"/console/positions/{futian.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "福田驿站" in body and 'data-testid="visits-summary"' in body
    assert client.get(f"/console/positions/{baoan.pk}/").status_code == 404


def test_staff_without_a_positions_role_get_403(staff_client, futian):
    assert staff_client("auditor").get("/console/positions/").status_code == 403
    assert staff_client("auditor").get("/console/positions/visits/new/").status_code == 403


def _form(**over):
    data = {
        "kind": "outdoor_station",
        "name": "新驿站",
        "code": "",
        "address": "深南大道1号",
        "division_code": "",
        "division_name": "",
        "lat": "22.5",
        "lng": "114.0",
        "datum": "wgs84",
        "phone": "0755-12345678",
        "description": "",
        "facilities": ["drinking_water", "toilet"],
        "visitor_groups": ["delivery_rider"],
        "status": "open",
        "hub_id": "",
    }
    data.update(over)
    return data


def test_new_station_in_gcj02_is_stored_in_wgs84(staff_client, demo):
    # 福田 (22.54, 114.05). (22.5, 114.0) lies in 深圳湾 on the Hong Kong side within the band where a
    # GCJ-02 point also has a Shenzhen preimage, which the inverse prefers (issue 16 §9).
    g_lat, g_lng = geo.wgs84_to_gcj02(22.54, 114.05)
    response = staff_client("futian_staff").post(
        "/console/positions/new/", _form(lat=f"{g_lat:.9f}", lng=f"{g_lng:.9f}", datum="gcj02")
    )
    assert response.status_code == 302
    position = Position.objects.get(name="新驿站")
    assert position.org == demo.org("福田区总")
    assert position.lat == pytest.approx(22.54, abs=1e-6) and position.lng == pytest.approx(114.05, abs=1e-6)
    assert position.facilities == ["drinking_water", "toilet"]
    assert response["Location"] == f"/console/positions/{position.pk}/hours/"


def test_new_station_errors_name_the_field(staff_client):
    response = staff_client("futian_staff").post("/console/positions/new/", _form(lat="95"))
    assert response.status_code == 200
    assert not Position.objects.filter(name="新驿站").exists()
    assert 'data-testid="error-lat"' in response.content.decode()


def test_edit_changes_facilities_and_status(staff_client, futian):
    response = staff_client("futian_staff").post(
        f"/console/positions/{futian.pk}/edit/",
        _form(name="福田驿站", lat="22.54", lng="114.05", facilities=["wifi"], status="maintenance"),
    )
    assert response.status_code == 302
    futian.refresh_from_db()
    assert futian.facilities == ["wifi"] and futian.status == "maintenance"


def test_edit_another_districts_station_is_404(staff_client, baoan):
    response = staff_client("futian_staff").post(f"/console/positions/{baoan.pk}/edit/", _form())
    assert response.status_code == 404
    baoan.refresh_from_db()
    assert baoan.name == "宝安驿站"


def _hours_post(text, rows=()):
    data = {
        "hours": text,
        "hours_note": "",
        "exc-TOTAL_FORMS": str(len(rows) or 1),
        "exc-INITIAL_FORMS": "0",
        "exc-MIN_NUM_FORMS": "0",
        "exc-MAX_NUM_FORMS": "60",
    }
    for i, (day, closed, hours) in enumerate(rows):
        data[f"exc-{i}-date"] = day
        if closed:
            data[f"exc-{i}-closed"] = "on"
        data[f"exc-{i}-hours"] = hours
    return data


def test_hours_editor_saves_text_and_exceptions(staff_client, futian):
    client = staff_client("futian_staff")
    assert client.get(f"/console/positions/{futian.pk}/hours/").status_code == 200
    rows = [(_today(), True, ""), ("2099-10-02", False, "09:00-12:00, 14:00-17:00")]
    response = client.post(f"/console/positions/{futian.pk}/hours/", _hours_post("Mon-Fri 08:00-20:00", rows))
    assert response.status_code == 302
    futian.refresh_from_db()
    assert futian.hours["mon"] == [["08:00", "20:00"]] and futian.hours["sat"] == []
    assert futian.hours_exceptions[_today()] == []
    assert futian.hours_exceptions["2099-10-02"] == [["09:00", "12:00"], ["14:00", "17:00"]]
    assert AuditEntry.objects.filter(action="position.update").exists()


def test_hours_editor_refuses_bad_text_and_keeps_the_old_hours(staff_client, futian):
    client = staff_client("futian_staff")
    response = client.post(f"/console/positions/{futian.pk}/hours/", _hours_post("Mon-Fri 25:00-26:00"))
    assert response.status_code == 200
    assert "not a valid time" in unescape(response.content.decode())
    futian.refresh_from_db()
    assert futian.hours["sun"] == [["00:00", "24:00"]]


def test_hours_exception_needs_closed_or_hours(staff_client, futian):
    response = staff_client("futian_staff").post(
        f"/console/positions/{futian.pk}/hours/",
        _hours_post("Daily 08:00-18:00", [("2099-01-01", False, "")]),
    )
    assert response.status_code == 200
    futian.refresh_from_db()
    assert futian.hours_exceptions == {}


def test_hours_preview_is_htmx_and_writes_nothing(staff_client, futian):
    response = staff_client("futian_staff").post(
        f"/console/positions/{futian.pk}/hours/",
        {"hours": "周一至周五 08:00-12:00"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="preview-text"' in body and "08:00-12:00" in body
    futian.refresh_from_db()
    assert futian.hours["mon"] == [["00:00", "24:00"]]


def test_rooms_add_and_remove(staff_client, futian):
    client = staff_client("futian_staff")
    response = client.post(
        f"/console/positions/{futian.pk}/rooms/new/",
        {"name": "多功能室", "category": "活动", "capacity": "30", "note": ""},
    )
    assert response.status_code == 302
    room = futian.rooms.get()
    assert room.capacity == 30
    assert "多功能室" in client.get(f"/console/positions/{futian.pk}/").content.decode()
    response = client.post(f"/console/positions/{futian.pk}/rooms/{room.pk}/delete/")
    assert response.status_code == 302 and not futian.rooms.exists()


def test_delete_is_soft_and_confirmed(staff_client, futian):
    client = staff_client("futian_staff")
    assert client.get(f"/console/positions/{futian.pk}/delete/").status_code == 200
    futian.refresh_from_db()
    assert futian.deleted_at is None
    assert client.post(f"/console/positions/{futian.pk}/delete/").status_code == 302
    futian.refresh_from_db()
    assert futian.deleted_at is not None
    assert client.get(f"/console/positions/{futian.pk}/").status_code == 404


def test_export_template_and_poi(staff_client, futian, baoan):
    client = staff_client("futian_staff")
    response = client.get("/console/positions/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "福田驿站" in names and "宝安驿站" not in names
    assert client.get("/console/positions/template.xlsx").status_code == 200
    response = client.get("/console/positions/poi/", {"platform": "amap", "fmt": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "福田驿站" in text and "宝安驿站" not in text
    response = client.get("/console/positions/poi/", {"platform": "baidu", "fmt": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_import_runs_and_shows_its_status(staff_client, demo, django_capture_on_commit_callbacks):
    book = openpyxl.Workbook()
    book.active.append(["名称", "类型", "地址", "纬度", "经度"])
    book.active.append(["导入驿站", KIND_LABELS[PositionKind.OUTDOOR_STATION], "福华路1号", 22.53, 114.06])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "stations.xlsx"
    client = staff_client("futian_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/positions/import/", {"file": out})
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = ImportJob.objects.get(kind="positions")
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert 'data-testid="import-progress"' in status.content.decode()
    assert Position.objects.filter(name="导入驿站", org=demo.org("福田区总")).exists(), job.errors
    assert staff_client("baoan_staff").get(response["Location"]).status_code == 404


def test_check_in_anonymous_visitor_counts_today_and_feeds_the_ledger(staff_client, futian):
    client = staff_client("futian_staff")
    page = client.get("/console/positions/visits/new/", {"position": futian.pk})
    assert page.status_code == 200 and 'data-testid="today-count">0<' in page.content.decode()
    response = client.post(
        "/console/positions/visits/new/",
        {"position": str(futian.pk), "visitor_group": "delivery_rider", "services": ["water", "charging"]},
    )
    assert response.status_code == 302
    visit = Visit.objects.get(position=futian)
    assert visit.visitor_group == "delivery_rider" and visit.services == ["water", "charging"]
    assert ServiceRecord.objects.filter(source="visit", source_id=visit.pk).exists()
    page = client.get(response["Location"])
    assert 'data-testid="today-count">1<' in page.content.decode()


def test_check_in_needs_a_card_or_a_group(staff_client, futian):
    response = staff_client("futian_staff").post(
        "/console/positions/visits/new/", {"position": str(futian.pk), "services": ["water"]}
    )
    assert response.status_code == 200 and not Visit.objects.exists()


def test_check_in_with_a_bad_card_code_is_a_form_error(staff_client, futian):
    response = staff_client("futian_staff").post(
        "/console/positions/visits/new/", {"position": str(futian.pk), "card_token": "not-a-card"}
    )
    assert response.status_code == 200 and not Visit.objects.exists()
    assert (
        'data-testid="form-error"' in response.content.decode()
        or "error-card_token" in response.content.decode()
    )


def test_check_in_at_a_station_outside_my_unit_is_refused(staff_client, baoan):
    response = staff_client("futian_staff").post(
        "/console/positions/visits/new/", {"position": str(baoan.pk), "visitor_group": "courier"}
    )
    assert response.status_code == 200  # not among my stations: a form error
    assert not Visit.objects.exists()


def test_visit_stats_by_day_and_group(staff_client, futian):
    client = staff_client("futian_staff")
    for group in ("courier", "courier", "sanitation"):
        client.post("/console/positions/visits/new/", {"position": str(futian.pk), "visitor_group": group})
    response = client.get("/console/positions/visits/stats/", {"position": str(futian.pk)})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="stats-total">3<' in body
    assert "Courier" in body and "Sanitation worker" in body and _today() in body
    body = client.get("/console/positions/visits/stats/").content.decode()
    assert 'data-testid="stats-total">3<' in body
