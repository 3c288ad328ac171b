"""Roster with attendance, its xlsx export and the printable sign-in sheet: masked names."""

import io

import pytest
from openpyxl import load_workbook

from tests.activities.support import activity, member
from zhijia.activities.selectors.activities import roster
from zhijia.activities.services import checkin
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.activities.xlsx import roster_offline_html, roster_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(demo):
    org = demo.org("福田区总")
    act = activity(org, sessions=3, capacity=2)
    staff = demo.user("futian_staff")
    people = [member(org, name=n) for n in ("张三丰", "李四", "王五")]
    enrolments = [enrolment_create(actor=staff, activity=act, person=p, channel="staff") for p in people]
    sessions = list(act.sessions.all())
    checkin.checkin_mark(actor=staff, session=sessions[0], enrolment=enrolments[0])
    checkin.checkin_mark(actor=staff, session=sessions[1], enrolment=enrolments[0])
    checkin.checkin_mark(actor=staff, session=sessions[0], enrolment=enrolments[1])
    return act, sessions, enrolments


def test_roster_in_arrival_order_with_attendance(course, django_assert_max_num_queries):
    act, sessions, enrolments = course
    with django_assert_max_num_queries(4):
        rows = roster(act)
        [r.enrolment.person.memberships.all() for r in rows]
    assert [r.enrolment.pk for r in rows] == [e.pk for e in enrolments]
    assert [r.attended_count for r in rows] == [2, 1, 0]
    assert rows[0].attended == {sessions[0].pk: True, sessions[1].pk: True, sessions[2].pk: False}
    assert rows[2].enrolment.status == "waitlisted"
    only = roster(act, session=sessions[1])
    assert [r.attended_count for r in only] == [1, 0, 0]


def test_xlsx_is_masked(course):
    act, _s, _e = course
    ws = load_workbook(io.BytesIO(roster_xlsx(act))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "姓名")
    assert [r[1] for r in rows[1:]] == ["张*丰", "李*", "王*"]
    assert [r[7] for r in rows[1:]] == [2, 1, 0]
    text = repr(rows)
    assert "张三丰" not in text and "4403" not in text


def test_offline_sheet_data(course):
    act, _sessions, _e = course
    data = roster_offline_html(act)
    assert len(data["sessions"]) == 3
    assert [r["name"] for r in data["rows"]] == ["张*丰", "李*", "王*"]
