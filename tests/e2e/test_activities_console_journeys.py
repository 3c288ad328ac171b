"""Issue "Activities" staff journey on a desktop screen: futian_staff creates a course with three
sessions, publishes it, opens the check-in screen of session 1, checks attendees in by scanning
their member cards, sees them ticked on the roster and exports the roster. The calendar is also
looked at on a 375-px phone."""

import io
from datetime import timedelta

import openpyxl
from django.utils import timezone

from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_members_journeys import staff_login
from tests.matrix.world import member_of
from zhijia.activities.enums import EnrolmentChannel
from zhijia.activities.models import Activity, Attendance
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.members.services.card import card_token_issue

TITLE = "福田职工书院·AI办公技能课"


def _fill_session(page, index, start):
    page.fill(f"input[name=s-{index}-starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill(f"input[name=s-{index}-ends_at]", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))


def test_staff_create_a_course_check_attendees_in_by_scanning_and_export(demo, desktop, browser, live_server):
    page = desktop
    staff_login(page, "futian_staff")
    page.goto("/console/activities/new/")
    page.select_option("[data-testid=kind]", "course")
    page.fill("[data-testid=title]", TITLE)
    page.fill("[data-testid=category]", "技能培训")
    page.fill("[data-testid=capacity]", "30")
    page.uncheck("[data-testid=members_only]")
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(minutes=5)
    _fill_session(page, 0, start)
    for index in (1, 2):
        page.click("[data-testid=session-add]")
        _fill_session(page, index, start + timedelta(days=7 * index))
    assert page.locator("[data-testid=session-row]").count() == 3
    shot(page, "console-activity-form")
    page.click("[data-testid=activity-submit]")
    page.wait_for_selector("[data-testid=activity-publish]")
    activity = Activity.objects.get(title=TITLE)
    assert activity.sessions.count() == 3
    page.click("[data-testid=activity-publish]")
    page.wait_for_selector("[data-testid=session-checkin]")
    assert page.locator("[data-testid=activity-status]").inner_text() != ""

    union = demo.org("福保街道")
    members = [member_of(union, 600 + i, name) for i, name in enumerate(["陈一", "陈二", "陈三"])]
    staff = demo.user("futian_staff")
    for m in members:
        enrolment_create(actor=staff, activity=activity, person=m.person, channel=EnrolmentChannel.STAFF)
    page.reload()
    assert page.locator("[data-testid=count-confirmed]").inner_text() == "3"
    shot(page, "console-activity-detail")

    page.locator("[data-testid=session-checkin]").first.click()
    page.wait_for_selector("[data-testid=checkin-qr] svg")
    for m in members[:2]:
        page.fill("[data-testid=scan-token]", card_token_issue(membership=m).token)
        page.click("[data-testid=scan-submit]")
        page.wait_for_selector(f"[data-testid=scan-result][data-ok='1']:has-text('{m.person.name[0]}*')")
    page.wait_for_function("() => document.getElementById('present-count').textContent.trim() === '2'")
    page.fill("[data-testid=scan-token]", "not-a-card")
    page.click("[data-testid=scan-submit]")
    page.wait_for_selector("[data-testid=scan-result][data-ok='0']")
    shot(page, "console-activity-checkin")
    first_session = activity.sessions.order_by("starts_at").first()
    assert Attendance.objects.filter(session=first_session).count() == 2

    page.click("[data-testid=to-roster]")
    page.wait_for_selector("[data-testid=roster]")
    for m in members[:2]:
        row = page.locator(f"[data-testid=roster-row][data-member-no='{m.member_no}']")
        assert row.locator("[data-testid=tick]").count() == 1
    assert (
        page.locator(
            f"[data-testid=roster-row][data-member-no='{members[2].member_no}'] [data-testid=tick]"
        ).count()
        == 0
    )
    shot(page, "console-activity-roster")

    with page.expect_download() as info:
        page.click("[data-testid=roster-xlsx]")
    with open(info.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    numbers = {str(c) for row in rows for c in row if c is not None}
    assert {m.member_no for m in members} <= numbers
    attended = {r[3]: r[7] for r in rows if r and r[3] in {m.member_no for m in members}}
    assert attended == {members[0].member_no: 1, members[1].member_no: 1, members[2].member_no: 0}

    page.click("[data-testid=tab-signin-sheet]")
    page.wait_for_selector("[data-testid=sheet]")
    assert page.locator("[data-testid=sheet]").count() == 3
    shot(page, "console-activity-signin-sheet")

    page.goto(f"/console/activities/?month={start:%Y-%m}")
    page.wait_for_selector("[data-testid=cal-month] [data-testid=cal-item]")
    shot(page, "console-activity-calendar")
    page.goto(f"/console/activities/?view=week&week={start:%Y-%m-%d}")
    page.wait_for_selector("[data-testid=cal-week] [data-testid=cal-item]")
    shot(page, "console-activity-calendar-week")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url).new_page()
    staff_login(phone, "futian_staff")
    phone.goto(f"/console/activities/?month={start:%Y-%m}")
    phone.wait_for_selector("[data-testid=cal-day-list] [data-testid=cal-item]")
    assert not phone.locator("[data-testid=cal-month]").is_visible()
    shot(phone, "console-activity-calendar-phone")
    phone.context.close()
