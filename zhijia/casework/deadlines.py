"""The clocks on a case, as rules in code. Working-day rules count with core.workdays (holidays
and 调休 make-up days from CalendarDay); calendar-day rules add days or a year.

- hardship `screen_by`: the first check (初审) within 15 working days of the application;
  `publicity`: the 公示 runs 5 working days from its first day (approval only after it ends).
- legal `mediation` (劳动争议调解仲裁法 Art. 14): 15 days from receiving the mediation
  application; after that the worker may go to arbitration without an agreement.
  `limitation` (Art. 27): one year from when the worker knew of the infringement; unpaid wages
  while employed run from the end of the employment (no clock while still employed).
  `sue_by` (Art. 48): 15 days from receiving the arbitration award to sue in court.
- counselling `first_contact`: the counsellor makes contact within 2 working days of booking.
"""

import datetime as dt
from dataclasses import dataclass

from zhijia.core.workdays import add_working_days

SCREEN_WORKING_DAYS = 15
PUBLICITY_WORKING_DAYS = 5
MEDIATION_DAYS = 15  # Art. 14
SUE_DAYS = 15  # Art. 48
FIRST_CONTACT_WORKING_DAYS = 2


@dataclass(frozen=True)
class Clock:
    code: str
    due_on: dt.date
    working_days: bool


def add_year(day: dt.date) -> dt.date:
    """The same date a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def publicity_until(first_day: dt.date) -> dt.date:
    """The last day of a 5-working-day 公示 starting on `first_day` (counted when it is a
    working day)."""
    return add_working_days(first_day - dt.timedelta(days=1), PUBLICITY_WORKING_DAYS)


def screen_by(applied_on: dt.date) -> Clock:
    return Clock("screen_by", add_working_days(applied_on, SCREEN_WORKING_DAYS), True)


def first_contact(booked_on: dt.date) -> Clock:
    return Clock("first_contact", add_working_days(booked_on, FIRST_CONTACT_WORKING_DAYS), True)


def mediation_clock(applied_on: dt.date) -> Clock:
    return Clock("mediation", applied_on + dt.timedelta(days=MEDIATION_DAYS), False)


def limitation_clock(
    *, knew_on: dt.date | None, wage_arrears: bool, still_employed: bool, employment_ended_on: dt.date | None
) -> Clock | None:
    """Art. 27: one year from knowing; unpaid wages during employment from its end."""
    if wage_arrears:
        if still_employed:
            return None
        start = employment_ended_on or knew_on
    else:
        start = knew_on
    return Clock("limitation", add_year(start), False) if start else None


def sue_clock(award_received_on: dt.date) -> Clock:
    return Clock("sue_by", award_received_on + dt.timedelta(days=SUE_DAYS), False)
