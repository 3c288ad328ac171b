"""The console calendar: sessions of the activities the actor manages in the current unit's
subtree, laid out as a month grid (weeks × 7 days) or one week as a list. Read-only."""

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from zhijia.activities.models import Session
from zhijia.activities.selectors.activities import sessions_between
from zhijia.orgs.models import Org


@dataclass
class Day:
    day: date
    in_month: bool = True
    sessions: list = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def _place(days: dict[date, Day], sessions: list[Session]) -> None:
    for session in sessions:
        local = timezone.localtime(session.starts_at).date()
        if local in days:
            days[local].sessions.append(session)


def month_grid(*, actor: Any, unit: Org, year: int, month: int) -> list[list[Day]]:
    """Weeks (Monday first) of the month, padded with the neighbouring months' days."""
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {d: Day(d, in_month=d.month == month) for week in weeks for d in week}
    _place(days, sessions_between(actor=actor, unit=unit, first=weeks[0][0], last=weeks[-1][-1]))
    return [[days[d] for d in week] for week in weeks]


def week_days(*, actor: Any, unit: Org, monday: date) -> list[Day]:
    days = {monday + timedelta(days=i): Day(monday + timedelta(days=i)) for i in range(7)}
    _place(days, sessions_between(actor=actor, unit=unit, first=monday, last=monday + timedelta(days=6)))
    return list(days.values())


def parse_month(value: str | None) -> tuple[int, int]:
    """ "YYYY-MM" → (year, month); anything else → this month."""
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        date(year, month, 1)
    except (ValueError, TypeError):
        return today.year, today.month
    return year, month


def parse_monday(value: str | None) -> date:
    """ "YYYY-MM-DD" → the Monday of that week; anything else → this week's Monday."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def shift_month(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
