"""Issue 16 §2: bad input is a 400 naming the field, never a 500 — huge offsets on every paginated
list, impossible dates on every date filter, out-of-range or partial coordinates, and sheet names
built from user text in every export."""

import io

import pytest
from openpyxl import load_workbook

from tests.activities.support import activity
from zhijia.activities.xlsx import roster_xlsx
from zhijia.api.urls import api
from zhijia.core.dates import parse_day, parse_moment
from zhijia.core.errors import ValidationFailed
from zhijia.core.imports import sheet_title

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
# Values for the path parameters of paginated lists (any valid value: the offset is refused first).
PATH_VALUES = {"{ledger}": "transfer"}


def paginated_lists() -> list[str]:
    """Every GET operation of the API that takes `offset`, read from the OpenAPI schema, so a new
    list is walked without anyone adding it here."""
    schema = api.get_openapi_schema()
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in op.get("parameters", [])}
            if method == "get" and "offset" in names:
                for name, value in PATH_VALUES.items():
                    path = path.replace(name, value)
                assert "{" not in path, f"{path}: give the walk a value for its path parameters"
                found.append(path)
    return sorted(found)


def test_the_walk_finds_the_known_lists():
    lists = paginated_lists()
    for path in (
        "/api/v1/orgs",
        "/api/v1/members",
        "/api/v1/audit",
        "/api/v1/join-applications",
        "/api/v1/transfers",
        "/api/v1/service-orders",
        "/api/v1/activities",
        "/api/v1/voucher-campaigns",
    ):
        assert path in lists


@pytest.mark.parametrize("offset", [HUGE, str(2**63 - 1), "99999999999999999999999", "-1", "abc", "1e3"])
def test_every_paginated_list_refuses_a_bad_offset(demo, api_client, offset):
    api_client.login("province_admin")
    for path in paginated_lists():
        response = api_client.get(path, {"offset": offset})
        assert response.status_code == 400, (path, offset, response.status_code)
        assert "offset" in response.json()["fields"], (path, response.json())


def test_a_large_but_sane_offset_is_an_empty_page(demo, api_client):
    api_client.login("province_admin")
    for path in paginated_lists():
        response = api_client.get(path, {"offset": 10**6})
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "0"}, "lng"),
        ({"lng": "114"}, "lat"),
        ({"lat": "91", "lng": "114"}, "lat"),
        ({"lat": "22.5", "lng": "181"}, "lng"),
        ({"lat": "nan", "lng": "114"}, "lat"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-02-30T10:00"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01"}, "from"),
        ({"from": "tomorrow"}, "from"),
    ],
)
def test_activity_filters_name_the_bad_field(db, api_client, params, field):
    response = api_client.get("/api/v1/activities", params)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    "params", [{"since": "2026-02-30"}, {"until": "9999-12-31"}, {"since": "2026-13-01"}]
)
def test_audit_date_filters(demo, api_client, params):
    api_client.login("auditor")
    response = api_client.get("/api/v1/audit", params)
    assert response.status_code == 400, response.content
    assert set(params) <= set(response.json()["fields"])


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "x"])
def test_the_one_date_parser(value):
    with pytest.raises(ValidationFailed) as caught:
        parse_day(value, "when")
    assert "when" in caught.value.fields
    with pytest.raises(ValidationFailed):
        parse_moment(value, "when", allow_date=True, end=True)
    with pytest.raises(ValidationFailed):
        parse_moment(value + "T10:00", "when")


def test_console_date_filters(demo, staff_client):
    client = staff_client("futian_staff")
    for url in ("/console/activities/?from=2026-02-30", "/console/activities/?to=2026-13-01"):
        assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize(
    "title",
    [
        "a/b\\c*d?e:f[g]h",
        "'quoted'",
        "History",
        "x" * 40,
        "[]",
        "工会/职工*之家:2026?年[春]季活动报名表第一期第二批次",
    ],
)
def test_sheet_title_is_always_one_excel_accepts(title):
    name = sheet_title(title)
    assert 1 <= len(name) <= 31
    assert not set(name) & set("/\\*?:[]")
    assert not name.startswith("'") and not name.endswith("'")
    assert name.lower() != "history"


def test_roster_xlsx_of_an_activity_named_with_sheet_characters(demo):
    act = activity(demo.org("福田区总"), sessions=1, capacity=2)
    act.title = "亲子/手工*课: [春]?季\\"
    act.save(update_fields=["title"])
    ws = load_workbook(io.BytesIO(roster_xlsx(act))).active
    assert ws.title == "亲子 手工 课 春 季"
