"""Spreadsheet import/export: template, idempotent re-run, bad rows reported with good rows kept,
scope of the importer, export re-imports unchanged."""

import io

from openpyxl import load_workbook

from zhijia.core.imports import workbook_bytes
from zhijia.core.models import ImportJob, ImportStatus
from zhijia.positions import geo
from zhijia.positions.models import Position
from zhijia.positions.tasks import positions_import_start
from zhijia.positions.xlsx import COLUMNS, POSITION_IMPORT_KIND, positions_export, positions_template

HEADERS = [c.header for c in COLUMNS]


def _sheet(rows):
    full = [[row.get(c.key, "") for c in COLUMNS] for row in rows]
    return workbook_bytes(title="positions", columns=COLUMNS, rows=full)


GOOD = {
    "code": "FT-001",
    "name": "福田口岸驿站",
    "kind": "工会驿站",
    "address": "福田口岸",
    "lat": "22.52",
    "lng": "114.07",
    "datum": "gcj02",
    "hours": "周一至周五 08:00-20:00",
    "status": "开放",
    "verified": "是",
    "facilities": "饮用水，手机充电",
    "visitor_groups": "外卖员,courier",
}
SECOND = {
    "name": "福保驿站",
    "kind": "outdoor_station",
    "org": "福保街道",
    "address": "福保路",
    "lat": "22.51",
    "lng": "114.05",
}


def _run(demo, source, username="futian_staff", unit="福田区总", capture=None):
    with capture(execute=True):
        job = positions_import_start(
            actor=demo.user(username), unit=demo.org(unit), filename="p.xlsx", source=source
        )
    job.refresh_from_db()
    return job


def test_template_has_headers_and_dropdowns():
    ws = load_workbook(io.BytesIO(positions_template())).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.data_validations.dataValidation  # type / status / datum / verified drop-downs


def test_import_is_idempotent_and_keeps_good_rows(demo, django_capture_on_commit_callbacks):
    bad = {"name": "坏行", "kind": "城堡", "address": "x", "lat": "91", "lng": "114"}
    job = _run(demo, _sheet([GOOD, bad, SECOND]), capture=django_capture_on_commit_callbacks)
    assert job.kind == POSITION_IMPORT_KIND and job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count) == (2, 1)
    assert {e["row"] for e in job.errors} == {3} and {e["field"] for e in job.errors} == {"kind", "lat"}
    p = Position.objects.get(code="FT-001")
    assert p.facilities == ["drinking_water", "charging"] and p.visitor_groups == [
        "delivery_rider",
        "courier",
    ]
    assert p.verified and p.hours["mon"] == [["08:00", "20:00"]]
    assert geo.haversine_m(*geo.wgs84_to_gcj02(p.lat, p.lng), 22.52, 114.07) < 0.01
    assert Position.objects.get(name="福保驿站").org == demo.org("福保街道")
    again = _run(demo, _sheet([GOOD, SECOND]), capture=django_capture_on_commit_callbacks)
    assert (again.created_count, again.updated_count, again.error_count) == (0, 0, 0)
    assert Position.objects.filter(name__in=["福田口岸驿站", "福保驿站"]).count() == 2
    changed = _run(
        demo, _sheet([{**GOOD, "name": "福田口岸驿站(新)"}]), capture=django_capture_on_commit_callbacks
    )
    assert changed.updated_count == 1
    assert Position.objects.get(code="FT-001").name == "福田口岸驿站(新)"


def test_import_cannot_reach_outside_scope(demo, django_capture_on_commit_callbacks, make_position):
    make_position(org_short="宝安区总", code="BA-001")
    rows = [{**SECOND, "org": "宝安区总"}, {**GOOD, "code": "BA-001"}]
    job = _run(demo, _sheet(rows), capture=django_capture_on_commit_callbacks)
    assert job.created_count == 0 and job.error_count == 2
    assert Position.objects.get(code="BA-001").name != GOOD["name"]


def test_export_reimports_unchanged(demo, make_position, django_capture_on_commit_callbacks):
    make_position(code="EX-1", hours="Mon-Fri 09:00-18:00", facilities=["wifi"], phone="0755-1234 5678")
    make_position(code="EX-2", description='=HYPERLINK("http://x")')
    data = positions_export(Position.objects.filter(code__startswith="EX-"))
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert any(str(c.value).startswith("'=") for row in ws.iter_rows(min_row=2) for c in row if c.value)
    job = _run(
        demo, data, username="province_admin", unit="广东省总", capture=django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.updated_count, job.error_count) == (0, 0, 0), job.errors
    assert ImportJob.objects.filter(kind=POSITION_IMPORT_KIND).count() == 1
