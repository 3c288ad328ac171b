"""Issue 16 §5: the Content-Security-Policy is on every page and the browser suite notices a
violation (the fixture in conftest.py fails any test whose pages break it)."""

import pytest

from tests.e2e.conftest import CSP_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_carry_the_policy(phone, live_server):
    response = phone.goto("/h5/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_an_inline_script_is_refused_and_reported(phone, live_server):
    phone.goto("/console/login/")
    phone.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                   document.body.appendChild(s); }"""
    )
    phone.wait_for_timeout(200)
    assert phone.evaluate("() => window.ran") is None
    assert any("script-src" in v or "Refused" in v for v in CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()  # this test wanted the violation; the fixture must not fail it


def test_the_login_page_and_language_menu_work_without_inline_script(phone, live_server):
    phone.goto("/console/login/")
    with phone.expect_navigation():  # the menu submits itself; wait for that page, not this one
        phone.select_option("[data-testid=language]", "en")
    assert phone.locator("html").get_attribute("lang") == "en"
