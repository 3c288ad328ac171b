"""Deadline rules: working days with holidays and 调休 make-up days; the statutory clocks."""

import datetime as dt

import pytest

from zhijia.casework import deadlines
from zhijia.core.models import CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db


def _holidays():
    # National Day 2026: 1–7 October off; Sunday 27 Sept and Saturday 10 Oct are make-up workdays (调休)
    for d in range(1, 8):
        CalendarDay.objects.create(date=dt.date(2026, 10, d), kind=CalendarDayKind.HOLIDAY)
    CalendarDay.objects.create(date=dt.date(2026, 9, 27), kind=CalendarDayKind.WORKDAY)
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), kind=CalendarDayKind.WORKDAY)


def test_publicity_runs_five_working_days_skipping_a_weekend():
    # Wednesday 2 Dec 2026 → Wed, Thu, Fri, Mon, Tue: ends Tuesday 8 Dec
    assert deadlines.publicity_until(dt.date(2026, 12, 2)) == dt.date(2026, 12, 8)


def test_publicity_over_national_day_counts_the_make_up_days():
    _holidays()
    # Starts Monday 28 Sept: 28, 29, 30 Sept, then 1–7 Oct off, 8 (Thu), 9 (Fri): ends 9 Oct
    assert deadlines.publicity_until(dt.date(2026, 9, 28)) == dt.date(2026, 10, 9)
    # Starting on the make-up Sunday counts it: 27, 28, 29, 30 Sept, 8 Oct
    assert deadlines.publicity_until(dt.date(2026, 9, 27)) == dt.date(2026, 10, 8)
    # Starting on a holiday: the first working day is 8 Oct; 8, 9, 10 (make-up Sat), 12, 13
    assert deadlines.publicity_until(dt.date(2026, 10, 3)) == dt.date(2026, 10, 13)


def test_screening_and_first_contact_run_on_working_days():
    _holidays()
    assert deadlines.first_contact(dt.date(2026, 9, 30)).due_on == dt.date(2026, 10, 9)
    clock = deadlines.screen_by(dt.date(2026, 9, 25))
    assert clock.working_days and clock.due_on == dt.date(
        2026, 10, 21
    )  # 27 Sep … 10 Oct (make-up days) … 21 Oct


def test_statutory_clocks_are_calendar_days():
    _holidays()
    assert deadlines.mediation_clock(dt.date(2026, 9, 25)).due_on == dt.date(2026, 10, 10)  # Art. 14
    assert deadlines.sue_clock(dt.date(2026, 9, 30)).due_on == dt.date(2026, 10, 15)  # Art. 48
    assert not deadlines.sue_clock(dt.date(2026, 9, 30)).working_days


def test_limitation_one_year_and_wage_arrears_from_the_end_of_employment():
    knew = dt.date(2026, 3, 1)
    assert deadlines.limitation_clock(
        knew_on=knew, wage_arrears=False, still_employed=True, employment_ended_on=None
    ).due_on == dt.date(2027, 3, 1)
    assert (
        deadlines.limitation_clock(
            knew_on=knew, wage_arrears=True, still_employed=True, employment_ended_on=None
        )
        is None
    )
    ended = deadlines.limitation_clock(
        knew_on=knew, wage_arrears=True, still_employed=False, employment_ended_on=dt.date(2026, 8, 31)
    )
    assert ended.due_on == dt.date(2027, 8, 31)
    assert deadlines.add_year(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
