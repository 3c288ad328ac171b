"""Periods for the statistics: parsing `from` / `to`, named periods (month, quarter, year, the
union's statistical year 10-01 … 09-30), and splitting a day range into whole calendar years, whole
months and the days at its edges (the rollup cells that cover it)."""

from datetime import date, timedelta
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from zhijia.core.errors import field_error

MAX_DAYS = 366 * 10  # a figure spans at most ten years


def parse_day(value: Any, field: str) -> date:
    """A required "YYYY-MM-DD" day; a 400 naming `field` when missing, malformed or impossible."""
    text = str(value or "").strip()
    try:
        parsed = parse_date(text) if len(text) <= 10 else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.year < 1949:
        raise field_error(field, _("Enter a valid date (YYYY-MM-DD)."), "invalid")
    return parsed


def parse_range(first: Any, last: Any) -> tuple[date, date]:
    """(from, to) inclusive; 400 naming `to` when it is before `from` or the span is too long."""
    a, b = parse_day(first, "from"), parse_day(last, "to")
    if b < a:
        raise field_error("to", _("The end date is before the start date."), "invalid")
    if (b - a).days > MAX_DAYS:
        raise field_error("to", _("A period can span at most ten years."), "invalid")
    return a, b


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def cover(first: date, last: date) -> tuple[list[date], list[date], list[date]]:
    """(year starts, month starts, days): the whole calendar years inside [first, last], the
    whole months outside those, and the remaining days — the fewest rollup cells covering it."""
    years: list[date] = []
    months: list[date] = []
    days: list[date] = []
    d = first
    while d <= last:
        end_of_year = date(d.year, 12, 31)
        end_of_month = next_month(d) - timedelta(days=1)
        if d.month == 1 and d.day == 1 and end_of_year <= last:
            years.append(d)
            d = end_of_year + timedelta(days=1)
        elif d.day == 1 and end_of_month <= last:
            months.append(d)
            d = end_of_month + timedelta(days=1)
        else:
            days.append(d)
            d += timedelta(days=1)
    return years, months, days


def months_between(first: date, last: date) -> list[date]:
    """Starts of every month touching [first, last]."""
    out, d = [], month_start(first)
    while d <= last:
        out.append(d)
        d = next_month(d)
    return out


def statistical_year(on: date) -> tuple[date, date]:
    """The union statistical year (10-01 … 09-30) containing `on`."""
    start_year = on.year if on.month >= 10 else on.year - 1
    return date(start_year, 10, 1), date(start_year + 1, 9, 30)


def named_period(kind: str, on: date) -> tuple[date, date]:
    """day, week (Monday first), month, quarter, year or stat_year around `on`."""
    if kind == "day":
        return on, on
    if kind == "week":
        first = on - timedelta(days=on.weekday())
        return first, first + timedelta(days=6)
    if kind == "month":
        return month_start(on), next_month(on) - timedelta(days=1)
    if kind == "quarter":
        first = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        return first, next_month(next_month(next_month(first))) - timedelta(days=1)
    if kind == "year":
        return date(on.year, 1, 1), date(on.year, 12, 31)
    if kind == "stat_year":
        return statistical_year(on)
    raise field_error("period", _("Choose day, week, month, quarter, year or stat_year."), "invalid")
