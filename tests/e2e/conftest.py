"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live server. Every test here is marked `e2e` (run by `make e2e`, not by `make test`).
Screenshots land in tests/e2e/screenshots/ for a person to look at."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 375, "height": 812}

# Issue 16 §5: every page runs under the Content-Security-Policy; a violation fails the test that
# caused it. Chromium reports one as a console message ("Refused to …") and as a
# `securitypolicyviolation` event, which this script turns into a console message too.
CSP_VIOLATIONS: list[str] = []
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _watch_csp(context) -> None:
    context.add_init_script(CSP_LISTENER)

    def on_console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text or text.startswith("Refused to"):
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Fails a browser test during which any page broke the Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found[:10])


def pytest_collection_modifyitems(config, items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        new_context = browser.new_context

        def watched_context(*args, **kwargs):  # every context any test opens is watched
            context = new_context(*args, **kwargs)
            _watch_csp(context)
            return context

        browser.new_context = watched_context  # type: ignore[method-assign]
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server, settings):
    """A page on a 375-px phone screen, in zh-hans, pointed at the live server."""
    settings.SESSION_COOKIE_SECURE = False
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
