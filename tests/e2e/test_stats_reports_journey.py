"""Issue "Statistics" journey: a street union submits its monthly report, the district returns
it with a reason, the street corrects and resubmits, the district approves, the city sees it
approved with its figures locked."""

from datetime import date

from tests.e2e.conftest import shot
from tests.e2e.test_foundation_journeys import _login
from tests.stats.support import add
from zhijia.stats.fold import fold_all


def _as_unit(page, name):
    page.goto("/console/stats/reports/?form=monthly&period=2026-11")
    if name not in page.inner_text("h1"):
        with page.expect_navigation():  # the switcher submits itself on change
            page.select_option("[data-testid=unit-switcher]", label=name)
        page.wait_for_selector(f"h1 >> text={name}")


def test_street_report_returned_corrected_and_approved(demo, desktop, browser, live_server):
    fubao = demo.org("福保街道")
    for day in (3, 4, 5):
        add(fubao, date(2026, 11, day))
    fold_all()
    page = desktop
    _login(page, "fubao_staff")
    _as_unit(page, "福保街道")
    exempted = 0
    while page.query_selector("[data-testid=exempt]"):  # the enterprise unions served nobody this month
        page.fill("[data-testid=children-reports] input[name=reason] >> nth=0", "本月未开展服务")
        with page.expect_navigation():
            page.click("[data-testid=exempt] >> nth=0")
        exempted += 1
    assert exempted == 3
    page.click("[data-testid=report-start]")
    assert page.inner_text("[data-testid=figure-service_visits]") == "3"
    page.click("[data-testid=report-submit]")  # refused: the volunteers are not typed in yet
    assert page.query_selector("[data-testid=report-checks] [data-ok='0']")
    page.fill("[data-testid=value-volunteers]", "8")
    page.click("[data-testid=report-submit]")
    assert page.get_attribute("[data-testid=report-status]", "data-status") == "submitted"
    shot(page, "stats-report-submitted")
    report_url = page.url

    district = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    d = district.new_page()
    _login(d, "futian_staff")
    d.goto("/console/stats/reports/?form=monthly&period=2026-11")
    d.click("[data-unit=福保街道] [data-testid=child-report]")
    d.fill("[data-testid=return-input]", "志愿者人数与台账不符，请核实")
    d.click("[data-testid=report-return]")
    assert d.get_attribute("[data-testid=report-status]", "data-status") == "returned"
    shot(d, "stats-report-returned-phone")

    page.goto(report_url)
    assert "志愿者人数与台账不符" in page.inner_text("[data-testid=return-reason]")
    page.fill("[data-testid=value-volunteers]", "6")
    page.click("[data-testid=report-submit]")
    assert page.get_attribute("[data-testid=report-status]", "data-status") == "submitted"

    d.goto(report_url)
    d.click("[data-testid=report-approve]")
    assert d.get_attribute("[data-testid=report-status]", "data-status") == "approved"
    district.close()

    city = page
    city.context.clear_cookies()
    _login(city, "shenzhen_admin")
    city.goto(report_url)
    assert city.get_attribute("[data-testid=report-status]", "data-status") == "approved"
    assert city.inner_text("[data-testid=figure-volunteers]") == "6"
    assert not city.query_selector("[data-testid=value-volunteers]")  # locked
    shot(city, "stats-report-approved")
