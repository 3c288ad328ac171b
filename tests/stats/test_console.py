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
