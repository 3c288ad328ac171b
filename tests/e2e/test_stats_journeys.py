"""Issue "Statistics" journeys: the province admin opens the dashboard, drills down 广东 → 深圳 →
福田 → 福保 → an enterprise union, downloads the table behind a chart; the same on a phone."""

from datetime import date

from tests.e2e.conftest import shot
from tests.e2e.test_foundation_journeys import _login
from tests.members.joining_support import apply_to
from tests.stats.support import add
from zhijia.stats.fold import fold_all


def _ledger(demo):
    from zhijia.positions.models import Position

    station = Position.objects.create(
        org=demo.org("河套科创工会"),
        kind="outdoor_station",
        name="河套驿站",
        address="河套",
        lat=22.51,
        lng=114.07,
    )
    for name, n in (
        ("河套科创工会", 5),
        ("福保精密工会", 3),
        ("福保街道", 2),
        ("宝安区总", 4),
        ("深圳市总", 1),
    ):
        for i in range(n):
            where = {"position_id": station.pk} if name == "河套科创工会" else {}
            add(demo.org(name), date(2026, 1 + i, 3 + i), **where)
    fold_all()


def test_province_admin_drills_down_and_downloads_a_table(demo, desktop):
    _ledger(demo)
    page = desktop
    _login(page, "province_admin")
    page.goto("/console/?period=year&on=2026-06-30")
    assert page.inner_text("[data-testid=dash-title]") == "广东省总工会"
    assert page.inner_text("[data-figure=service_visits]") == "15"
    page.wait_for_selector("[data-chart=trend] canvas")
    shot(page, "stats-dashboard-province")
    for unit, visits in (("深圳市总", "15"), ("福田区总", "10"), ("福保街道", "10"), ("河套科创工会", "5")):
        page.click(f"[data-testid=drill] >> text={unit}")
        page.wait_for_selector(f"[data-testid=dash-crumbs] >> text={unit}")
        assert page.inner_text("[data-figure=service_visits]") == visits
    shot(page, "stats-dashboard-enterprise")
    page.click("[data-testid=dash-crumbs] >> text=福田区总")
    with page.expect_download() as download:
        page.click("[data-testid=xlsx-child]")
    assert download.value.suggested_filename == "stats-child.xlsx"


def test_dashboard_on_a_phone(demo, phone):
    _ledger(demo)
    apply_to(demo.org("福保精密工会"), 43)  # a join application waiting for 福田's review
    _login(phone, "futian_staff")
    phone.goto("/console/?period=year&on=2026-06-30")
    phone.wait_for_selector("[data-chart=trend] canvas")
    assert phone.inner_text("[data-figure=service_visits]") == "10"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.wait_for_selector("[data-testid=dash-stations] .leaflet-interactive")
    shot(phone, "stats-dashboard-phone")
    # what waits for the user, above the figures, each line a link to where it is done
    phone.click("[data-testid=todo-applications] a")
    phone.wait_for_url("**/console/members/applications/**")


def test_the_sidebar_on_a_phone_is_grouped_by_domain(demo, phone):
    _login(phone, "province_admin")
    phone.click("[data-bs-target='#zj-nav']")
    phone.wait_for_selector("#zj-nav.show [data-testid=nav-group]")
    assert phone.locator("#zj-nav [data-testid=nav-group]").count() >= 6
    shot(phone, "console-sidebar-phone")
