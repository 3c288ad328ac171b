"""Issue 16 §10: no full phone or ID number reaches a log line — query strings and every field of
every record (the JSON `django.request` warning carries the request, whose repr holds the URL),
access lines, tracebacks. The suite's own logs are scanned too (tests.support.LogScanHandler)."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import RequestFactory

from tests.support import LOG_LEAKS, leaks
from zhijia.core.logging import MaskPersonalDataFilter

pytestmark = pytest.mark.django_db

PHONE = "13712345678"
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 check digit


def json_line(record: logging.LogRecord) -> str:
    """The record as production writes it: the mask filter, then the JSON formatter."""
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.setFormatter(JsonFormatter(settings.LOGGING["formatters"]["json"]["format"]))
    handler.handle(record)
    return stream.getvalue()


def record(msg, args=(), **extra) -> logging.LogRecord:
    rec = logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, None)
    rec.__dict__.update(extra)
    return rec


def test_the_django_request_warning_with_its_request():
    request = RequestFactory().get("/api/v1/members", {"q": PHONE, "id": ID_NUMBER})
    line = json_line(record("Forbidden: %s", (request.path,), status_code=403, request=request))
    assert leaks(line) == [], line
    assert json.loads(line)["status_code"] == 403


@pytest.mark.parametrize(
    "msg",
    [
        f'"GET /api/v1/members?q={PHONE}&limit=5 HTTP/1.1" 200 512',  # runserver / access line
        f"GET /api/v1/members?q=%2B86{PHONE} 200",
        f"looked up {ID_NUMBER} for {PHONE}",
    ],
)
def test_access_lines_and_messages(msg):
    line = json_line(record(msg))
    assert leaks(line) == [], line


def test_query_string_search_text_is_redacted_not_just_masked():
    line = json_line(record("GET /api/v1/members?q=137123&org=abc HTTP/1.1"))
    assert "q=***" in line and "org=abc" in line


def test_arguments_of_any_type_and_extras_of_any_shape():
    line = json_line(
        record("%s %s %d", ({"phone": PHONE}, [ID_NUMBER], 5), who={"nested": [PHONE]}, raw=PHONE.encode())
    )
    assert leaks(line) == [], line


def test_tracebacks_are_masked():
    try:
        raise ValueError(f"duplicate key (phone)=({PHONE})")
    except ValueError:
        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), __import__("sys").exc_info())
    line = json_line(rec)
    assert "ValueError" in line and leaks(line) == [], line


def test_a_staff_search_by_phone_leaves_no_trace_in_the_log(demo, api_client):
    api_client.login("enterprise_staff")
    for path in ("/api/v1/members", "/api/v1/audit", "/api/v1/join-applications"):
        api_client.get(path, {"q": PHONE})  # 200 or 403: a 4xx logs a django.request warning
    assert LOG_LEAKS == []


def test_the_suite_scan_catches_a_leak():
    """The scan handler itself: a record that slipped past the filter is caught."""
    from tests.support import LogScanHandler

    handler = LogScanHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.handle(record(f"raw {PHONE}"))
    assert LOG_LEAKS and PHONE in LOG_LEAKS[-1]
    LOG_LEAKS.clear()
