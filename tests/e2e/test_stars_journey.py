"""Browser journey of star-rated unions (issue 15 §3, marker e2e): the city union (深圳市总) makes
a star criteria set in the console and publishes it; the enterprise union (河套科创工会), on a
375-px phone, starts its self-assessment, sees the figures Zhijia holds beside the items and
sends its points; the city scores it; the enterprise union sees its stars and the day they
lapse, in zh-hans, en and zh-hant.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_stars_journey.py"""

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import staff_login
from tests.matrix.world import member_of
from zhijia.honours.models import Assessment, CriteriaSet, StarAward

pytestmark = pytest.mark.e2e
TITLE = "2026年深圳市星级职工之家评定"
ITEMS = [
    ("会员覆盖", "40", "20", "members"),
    ("活动开展", "30", "10", "activities"),
    ("阵地建设", "30", "", ""),
]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def _language(page, live_server, code: str) -> None:
    page.context.add_cookies([{"name": "zhijia_language", "value": code, "url": live_server.url}])
    page.reload()
    assert page.locator("html").get_attribute("lang") == code


def test_publish_self_assess_score_stars(demo, desktop, phone, live_server):
    for page in (desktop, phone):
        page.set_default_timeout(60000)
    hetao = demo.org("河套科创工会")
    for n in range(3):
        member_of(hetao, 5700 + n, f"星级会员{n}")

    # 1. The city union makes the criteria and publishes them.
    staff_login(desktop, "shenzhen_admin")
    desktop.goto("/console/honours/")
    desktop.click("[data-testid=stars-link]")
    desktop.fill("#s-title", TITLE)
    for i, (title, points, line, evidence) in enumerate(ITEMS):
        desktop.fill(f"[name=item_title_{i}]", title)
        desktop.fill(f"[name=item_points_{i}]", points)
        desktop.fill(f"[name=item_pass_{i}]", line)
        desktop.select_option(f"[name=item_evidence_{i}]", evidence)
    for i, mark in enumerate(("60", "70", "80", "90", "95")):
        desktop.fill(f"#s-t{i}", mark)
    with desktop.expect_navigation():
        desktop.click("[data-testid=criteria-submit]")
    assert desktop.get_attribute("[data-testid=criteria-status]", "data-published") == "no"
    with desktop.expect_navigation():
        desktop.click("[data-testid=publish]")
    assert desktop.get_attribute("[data-testid=criteria-status]", "data-published") == "yes"
    shot(desktop, "stars-01-criteria-published")
    criteria = CriteriaSet.objects.get(title=TITLE)
    assert criteria.published and criteria.items.count() == 3

    # 2. The enterprise union, on a phone, self-assesses beside the figures Zhijia holds.
    staff_login(phone, "enterprise_staff")
    phone.goto("/console/honours/stars/")
    row = phone.locator("[data-testid=criteria-above-row]", has_text=TITLE)
    with phone.expect_navigation():
        row.locator("[data-testid=start-self]").click()
    assert phone.get_attribute("[data-testid=assessment-status]", "data-status") == "draft"
    assert "3" in phone.inner_text("[data-testid=evidence]")  # its three active members
    points = phone.locator("[data-testid=points]")
    for i, value in enumerate(("38", "26", "27")):
        points.nth(i).fill(value)
    phone.fill("[data-testid=self-form] [name^=note_] >> nth=2", "职工之家200平方米，配有母婴室")
    _fits(phone)
    shot(phone, "stars-02-self-assessment-375")
    with phone.expect_navigation():
        phone.click("[data-testid=self-submit]")
    assert phone.get_attribute("[data-testid=assessment-status]", "data-status") == "submitted"
    assessment = Assessment.objects.get(criteria=criteria, org=hetao)

    # 3. The city scores it.
    desktop.goto(f"/console/honours/stars/criteria/{criteria.pk}/")
    with desktop.expect_navigation():
        desktop.locator("[data-testid=assessment-row] a", has_text=hetao.name).click()
    assert "职工之家200平方米" in desktop.inner_text("[data-testid=items]")
    points = desktop.locator("[data-testid=points]")
    for i, value in enumerate(("36", "25", "24")):
        points.nth(i).fill(value)
    with desktop.expect_navigation():
        desktop.click("[data-testid=score-submit]")
    assert desktop.get_attribute("[data-testid=stars]", "data-stars") == "3"
    shot(desktop, "stars-03-scored")
    award = StarAward.objects.get(assessment=assessment)
    assert award.stars == 3

    # 4. The enterprise union sees its stars and when they lapse, in three languages.
    phone.goto(f"/console/honours/stars/assessments/{assessment.pk}/")
    assert phone.get_attribute("[data-testid=stars]", "data-stars") == "3"
    assert award.valid_until.isoformat() in phone.inner_text("[data-testid=valid-until]")
    _fits(phone)
    shot(phone, "stars-04-stars-375")
    phone.goto("/console/honours/stars/")
    assert phone.locator("[data-testid=star-union]", has_text=hetao.name).count() == 1
    _language(phone, live_server, "en")
    assert "Star unions here today" in phone.content()
    _fits(phone)
    shot(phone, "stars-05-home-375-en")
    phone.goto(f"/console/honours/stars/assessments/{assessment.pk}/")
    _language(phone, live_server, "zh-hant")
    _fits(phone)
    shot(phone, "stars-06-stars-375-zh-hant")
