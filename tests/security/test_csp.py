"""Issue 16 §5: a Content-Security-Policy on every page without inline script. The response scan
(tests.support.check_csp) holds every HTML response of the suite to it; the browser suite fails on
a violation (tests/e2e/conftest.py, tests/e2e/test_csp.py)."""

import pathlib
import re

import pytest
from django.test import Client, override_settings

from zhijia.core.middleware import _tile_source, content_security_policy

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[2] / "zhijia"


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_policy():
    d = directives(content_security_policy())
    assert d["script-src"] == "'self'"  # no inline script, no eval
    assert d["frame-ancestors"] == "'none'"
    assert d["object-src"] == "'none'" and d["base-uri"] == "'self'" and d["form-action"] == "'self'"


@pytest.mark.parametrize("url", ["/console/login/", "/h5/", "/h5/stations/", "/api/v1/activities", "/nope/"])
def test_every_response_carries_it(db, url):
    response = Client().get(url)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_tile_hosts_are_allowed_for_images():
    assert _tile_source("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}") == "https://*.is.autonavi.com"
    assert _tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
    with override_settings(POSITIONS_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png"):
        assert "https://tiles.example.org" in directives(content_security_policy())["img-src"]


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"|javascript:", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
