"""Browser journey of contests in the console (issue 15 §1, marker e2e): the district union
creates a contest and an event with its marking sheet; a union registers its member on a
375-px phone; the district confirms two unions' registrations,
seats itself as chief judge and a second judge who declares a conflict, starts the contest;
the judges mark on their sheets (the conflicted entry has no form), the chief judge locks and
the results show ranks, prizes and masked names with certificates to print, at 375 px too.

Run: uv run --frozen pytest -m e2e -p no:randomly tests/e2e/test_contests_console_journey.py"""

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_members_journeys import DEMO_PASSWORD, staff_login
from tests.elections.support import members
from zhijia.accounts.services import user_create
from zhijia.contests import services as svc
from zhijia.contests.models import Contest, Entry, Event

pytestmark = pytest.mark.e2e
TITLE = "2026年福田区职工职业技能竞赛"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def _post(page, selector) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_create_register_mark_lock_results(demo, desktop, phone):
    for page in (desktop, phone):
        page.set_default_timeout(60000)
    hetao, jm = demo.org("河套科创工会"), demo.org("福保精密工会")

    # 1. The district creates the contest and an event with its marking sheet.
    staff_login(desktop, "futian_staff")
    desktop.goto("/console/contests/")
    desktop.fill("#ct-title", TITLE)
    _post(desktop, "[data-testid=contest-submit]")
    desktop.fill("#ev-title", "电工")
    desktop.select_option("#ev-level", "level3")
    desktop.fill("#ev-second", "1")
    desktop.fill("#ev-third", "0")
    desktop.fill("[name=aspect_title_0]", "接线正确")
    desktop.select_option("[name=aspect_kind_0]", "measurement")
    desktop.fill("[name=aspect_points_0]", "60")
    desktop.fill("[name=aspect_title_1]", "工艺规范")
    desktop.select_option("[name=aspect_kind_1]", "judgement")
    desktop.fill("[name=aspect_points_1]", "40")
    _post(desktop, "[data-testid=event-submit]")
    contest = Contest.objects.get(title=TITLE)
    event = Event.objects.get(contest=contest)
    assert event.aspects.count() == 2

    # 2. Two unions register a member each: 河套科创工会 on a phone in the console, 福保精密
    #    through its union's API (the same service); the district confirms both.
    contestant = members(hetao, 1, "选手")[0]
    staff_login(phone, "enterprise_staff")
    phone.goto("/console/contests/")
    phone.click("[data-testid=register-link]")
    event_row = phone.locator("[data-testid=register-event]", has_text="电工")
    form = event_row.locator("[data-testid=register-form]")
    form.locator("[data-testid=register-people]").select_option(str(contestant.pk))
    with phone.expect_navigation():
        form.locator("[data-testid=register-submit]").click()
    phone.wait_for_selector("[data-testid=my-entry]")
    _fits(phone)
    shot(phone, "contests-00-register-375")
    person = members(jm, 1, "选手")[0]
    svc.entry_register(actor=demo.user("futian_staff"), event=event, unit=jm, people=[person])
    desktop.reload()
    for _ in range(2):
        _post(desktop, "[data-testid=confirm] >> nth=0")
    assert set(Entry.objects.filter(event=event).values_list("status", flat=True)) == {"confirmed"}

    # 3. Judges: the district's clerk as chief judge, a 福保精密 judge who declares 河套.
    user_create(actor=None, username="jm_judge", password=DEMO_PASSWORD, org=jm)
    form = "[data-testid=event] [data-testid=judge-form]"
    desktop.click("[data-testid=event] details summary")
    desktop.fill(f"{form} [name=username]", "futian_staff")
    desktop.select_option(f"{form} [name=unit]", str(demo.org("福田区总").pk))
    desktop.check(f"{form} [name=chief]")
    _post(desktop, f"{form} [data-testid=judge-submit]")
    desktop.click("[data-testid=event] details summary")
    desktop.fill(f"{form} [name=username]", "jm_judge")
    desktop.select_option(f"{form} [name=unit]", str(jm.pk))
    desktop.select_option(f"{form} [name=conflicts]", [str(hetao.pk)])
    _post(desktop, f"{form} [data-testid=judge-submit]")
    assert desktop.locator("[data-testid=judge]").count() == 2
    _post(desktop, "[data-testid=start]")
    assert desktop.get_attribute("[data-testid=contest-status]", "data-status") == "running"
    shot(desktop, "contests-01-contest-running")

    # 4. The 福保精密 judge, on a phone: both entries are conflicted (own unit, declared unit).
    staff_login(phone, "jm_judge")
    phone.goto("/console/contests/")
    _post(phone, "[data-testid=judge-seat]")
    assert phone.locator("[data-testid=conflicted]").count() == 2
    _fits(phone)
    shot(phone, "contests-02-conflicted-375")

    # 5. The chief judge marks both entries and locks.
    desktop.goto("/console/contests/")
    _post(desktop, "[data-testid=judge-seat]")
    for i, marks in enumerate((("55", "3"), ("50", "2"))):
        sheet = desktop.locator("[data-testid=mark-form]").nth(i)
        sheet.locator("[data-testid=mark]").nth(0).fill(marks[0])
        sheet.locator("[data-testid=mark]").nth(1).fill(marks[1])
        with desktop.expect_navigation():
            sheet.locator("[data-testid=mark-submit]").click()
        desktop.wait_for_selector(".alert-success")
    _post(desktop, "[data-testid=lock]")
    assert desktop.locator("[data-testid=locked]").count() == 1
    _post(desktop, "[data-testid=results-link]")
    ranks = desktop.locator("[data-testid=rank]").all_inner_texts()
    prizes = desktop.locator("[data-testid=prize]").all_inner_texts()
    assert ranks == ["1", "2"] and len(prizes) == 2
    names = [p.name for e in Entry.objects.filter(event=event) for p in e.people.all()]
    assert not any(n in desktop.content() for n in names)
    with desktop.expect_download() as download:
        desktop.click("[data-testid=certificate] >> nth=0")
    assert download.value.suggested_filename.endswith(".pdf")
    shot(desktop, "contests-03-results")

    # 6. The results on a 375-px phone (the organiser's clerk).
    staff_login(phone, "futian_staff")
    phone.goto(f"/console/contests/events/{event.pk}/results/")
    assert phone.locator("[data-testid=result]").count() == 2
    _fits(phone)
    shot(phone, "contests-04-results-375")
    phone.goto(f"/console/contests/{contest.pk}/")
    _fits(phone)
    shot(phone, "contests-05-contest-375")
