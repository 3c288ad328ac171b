"""Working-day arithmetic (Monday–Friday, minus holidays, plus 调休 make-up days)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F

from .models import CalendarDay, CalendarDayKind, Counter


def is_working_day(day: date, exceptions: dict[date, str] | None = None) -> bool:
    kind = (exceptions if exceptions is not None else _exceptions(day, day)).get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    exceptions = _exceptions(start, start + timedelta(days=days * 3 + 30))
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current, exceptions):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    exceptions = _exceptions(start, end)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current, exceptions)
    return count


def _exceptions(start: date, end: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


@transaction.atomic
def next_value(key: str) -> int:
    """The next value of counter `key`, starting at 1. Locks that counter's row until commit."""
    Counter.objects.get_or_create(key=key)
    Counter.objects.filter(key=key).update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(key=key)
