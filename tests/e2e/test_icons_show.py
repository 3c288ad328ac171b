"""Issue 16: after the switch from the icon font to the SVG sprite, the icons still show — on the
phone pages and in the console, at 375 px, in English and traditional Chinese. Screenshots:
tests/e2e/screenshots/icons-*.png."""

from django.test import Client

from zhijia.accounts.services import worker_for_phone
from zhijia.demo.seed import WORKER_PHONE, seed

from .conftest import shot
from .test_members_journeys import staff_login

# Every icon on the page drew its symbol: a <use> whose symbol did not load measures 0 wide.
DRAWN = """() => Array.from(document.querySelectorAll("svg.bi")).filter(s => s.getClientRects().length)
  .map(s => [s.querySelector("use").getAttribute("href"), s.querySelector("use").getBBox().width,
             s.getBoundingClientRect().width])"""


def _check(page, name: str) -> None:
    page.wait_for_load_state("load")
    icons = page.evaluate(DRAWN)
    assert icons, f"{name}: no icon on the page"
    blank = [href for href, drawn, width in icons if not drawn or not width]
    assert not blank, f"{name}: icons not drawn: {blank[:5]}"
    shot(page, f"icons-{name}")


def test_icons_show_on_phone_pages_and_in_the_console(demo, phone, live_server):
    seed(services=True)
    client = Client()
    client.force_login(worker_for_phone(phone=WORKER_PHONE))
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    for lang in ("en", "zh-hant"):
        phone.context.clear_cookies()
        phone.context.add_cookies(
            [cookie, {"name": "zhijia_language", "value": lang, "url": live_server.url}]
        )
        for name, path in (("me", "/h5/"), ("activities", "/h5/activities/"), ("vouchers", "/h5/vouchers/")):
            phone.goto(path)
            assert phone.locator("html").get_attribute("lang") == lang
            _check(phone, f"h5-{name}-{lang}")
        phone.goto("/h5/stations/")
        phone.click("[data-testid=use-centre]")
        phone.wait_for_selector("[data-testid=station-item]")
        _check(phone, f"h5-stations-{lang}")

        phone.context.clear_cookies()
        phone.context.add_cookies([{"name": "zhijia_language", "value": lang, "url": live_server.url}])
        staff_login(phone, "province_admin")
        _check(phone, f"console-home-{lang}")
        phone.click(".navbar-toggler")
        phone.wait_for_selector("#zj-nav.show")
        _check(phone, f"console-menu-{lang}")
        phone.goto("/console/positions/")
        _check(phone, f"console-positions-{lang}")
