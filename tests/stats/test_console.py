"""The console home is the dashboard of the current unit; the tables behind its charts download."""

from datetime import date

from django.test import Client
from openpyxl import load_workbook

from tests.stats.support import add
from zhijia.stats.fold import fold_all


def _console(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def test_dashboard_shows_figures_and_drills_down(demo):
    fubao = demo.org("福保街道")
    add(fubao, date(2026, 3, 1))
    add(demo.org("河套科创工会"), date(2026, 3, 2))
    fold_all()
    client = _console(demo, "province_admin")
    page = client.get("/console/", {"period": "year", "on": "2026-06-01"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="service_visits">2<' in html and "深圳市总" in html
    assert "广东省总工会" in html and "服务职工" in html  # the work-report paragraph
    deeper = client.get(
        "/console/", {"org": str(fubao.pk), "period": "year", "on": "2026-06-01"}
    ).content.decode()
    assert 'data-figure="service_visits">2<' in deeper and "河套科创工会" in deeper
    assert client.get("/console/", {"org": str(demo.org("宝安区总").pk)}).status_code == 200
    outside = _console(demo, "futian_staff").get("/console/", {"org": str(demo.org("宝安区总").pk)})
    assert outside.status_code == 404
    # impossible dates fall back to this year rather than failing
    assert client.get("/console/", {"from": "2026-02-30", "to": "x"}).status_code == 200


def test_table_behind_a_chart_downloads(demo):
    add(demo.org("福保街道"), date(2026, 3, 1))
    fold_all()
    client = _console(demo, "futian_staff")
    query = {"org": str(demo.org("福田区总").pk), "from": "2026-01-01", "to": "2026-12-31", "by": "child"}
    r = client.get("/console/stats/table.xlsx", query)
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(__import__("io").BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("福保街道", 1)
    assert client.get("/console/stats/table.xlsx", {**query, "by": "nope"}).status_code == 400


def test_dashboard_maps_the_stations_by_services_given(demo):
    """Stations that served people in the period are on the dashboard's map, the busiest the
    biggest circle, each linked to its page; a unit whose stations served nobody has no map."""
    import json

    from zhijia.positions.models import Position

    fubao = demo.org("福保街道")
    busy, quiet = (
        Position.objects.create(
            org=fubao, kind="outdoor_station", name=name, address="福保", lat=22.5, lng=lng
        )
        for name, lng in (("福保驿站", 114.05), ("福保书屋", 114.06))
    )
    for _ in range(4):
        add(fubao, date(2026, 3, 1), position_id=busy.pk)
    add(fubao, date(2026, 3, 1), position_id=quiet.pk)
    fold_all()
    client = _console(demo, "province_admin")
    html = client.get("/console/", {"period": "year", "on": "2026-06-01"}).content.decode()
    assert 'data-testid="dash-stations"' in html
    data = json.loads(
        html.split('<script id="zj-stations" type="application/json">')[1].split("</script>")[0]
    )
    sizes = {m["name"]: m["size"] for m in data["markers"]}
    assert sizes[busy.name] > sizes[quiet.name]
    assert f"/console/positions/{busy.pk}/" in html
    empty = client.get(
        "/console/", {"org": str(demo.org("宝安区总").pk), "period": "year", "on": "2026-06-01"}
    )
    assert 'data-testid="dash-stations"' not in empty.content.decode()
