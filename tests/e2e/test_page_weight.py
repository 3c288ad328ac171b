"""Issue 16: the weight of the worker's phone pages, measured the production way.

Every phone page a worker opens must transfer at most 200 KB on a first visit (empty cache) and
at most 30 KB on the next one (the same browser, so the static files come from its cache). The
server here is the production one for static files: `collectstatic` with our storage (hashed
names, precompressed copies) into a temporary folder, whitenoise serving them from it (no
finders, no autorefresh) with a year's caching on the hashed names — not pytest-django's live
server, whose static handler serves the source files uncompressed and uncached.

The bytes counted are Chromium's own (CDP Network.loadingFinished encodedDataLength: headers and
body as they crossed the wire; nothing for a cache hit). The figures are printed (`-s`) and kept
in docs/benchmarks.md."""

import re
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.conftest import DEMO_PASSWORD
from zhijia.accounts.services import worker_for_phone
from zhijia.demo.seed import WORKER_PHONE, seed

from .conftest import PHONE

FIRST_BUDGET = 200 * 1024
NEXT_BUDGET = 30 * 1024
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "zhijia.core.staticfiles.StaticFilesStorage"},
}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The static files as `make run` and production collect them."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_server(transactional_db, collected):
    """A live server whose static files go through whitenoise as in production."""
    with override_settings(
        STATIC_ROOT=collected,
        STORAGES=PRODUCTION_STATIC,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
        SESSION_COOKIE_SECURE=False,
    ):
        server = LiveServer("localhost", start=False)
        server.thread.static_handler = lambda handler: handler  # whitenoise, not Django's finders
        server._live_server_modified_settings.enable()
        server.start()
        try:
            yield server
        finally:
            server.stop()
            server._live_server_modified_settings.disable()


def _weigh(context, url: str) -> tuple[int, list[tuple[str, int]]]:
    """Loads `url` in a new tab of `context`; returns the bytes transferred and (url, bytes) each."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on(
        "Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"]))
    )
    cdp.send("Network.enable")
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)  # late requests (fonts, icons, scripts' own); not networkidle: polling pages
    page.close()
    rows = sorted(((urls.get(r, r), n) for r, n in sizes.items()), key=lambda row: -row[1])
    return sum(n for _, n in rows), rows


def _link(client: Client, path: str, pattern: str) -> str:
    response = client.get(path)
    html = response.content.decode()
    found = re.search(pattern, html)
    links = re.findall(r"href=\"([^\"]*)\"", html)
    assert found, f"no link matching {pattern} on {path}: {response.status_code} {links}"
    return found.group(0).replace("&amp;", "&")


def test_worker_pages_stay_within_the_weight_budget(production_server, browser):
    seed(password=DEMO_PASSWORD, services=True)  # the stations, activities, lists and vouchers
    worker = worker_for_phone(phone=WORKER_PHONE)
    client = Client()
    client.force_login(worker)
    pages = {
        "login": "/h5/login/",
        "home": "/h5/",
        "activities": "/h5/activities/",
        "activity": _link(client, "/h5/activities/", rf"/h5/activities/{UUID}/"),
        "my activities": "/h5/activities/mine/",
        "vouchers": "/h5/vouchers/",
        "my vouchers": "/h5/vouchers/mine/",
        "stations": _link(client, "/h5/stations/", r"/h5/stations/\?lat=[^\"]+"),
        "services": "/h5/services/",
        "service list": _link(client, "/h5/services/", rf"/h5/services/{UUID}/"),
        "member card": "/h5/card/",
        "my data": "/h5/card/my-data/",
        "join": "/h5/join/",
    }
    pages["station"] = _link(client, pages["stations"], rf"/h5/stations/{UUID}/")

    base = production_server.url
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}
    figures, over = [], []
    for name, path in pages.items():
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        if name != "login":
            context.add_cookies([session])
        first, rows = _weigh(context, urljoin(base, path))
        again, again_rows = _weigh(context, urljoin(base, path))
        context.close()
        figures.append((name, first, again))
        if first > FIRST_BUDGET or again > NEXT_BUDGET:
            over.append(
                f"{name} ({path}): first {first} B, next {again} B; first: {rows[:8]}; next: {again_rows[:4]}"
            )

    print("\npage weight (KB transferred): first visit / next visit")
    for name, first, again in figures:
        print(f"  {name:<14} {first / 1024:7.1f} / {again / 1024:5.1f}")
    assert not over, "over the budget (200 KB first, 30 KB next):\n" + "\n".join(over)
