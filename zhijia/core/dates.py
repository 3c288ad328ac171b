"""The one way a date or datetime typed by a user (a filter, a form field, a JSON value) becomes a
`date` / aware `datetime`, or a 400 naming the field — never a 500.

`django.utils.dateparse` returns None for text that does not look like a date but raises
ValueError for a well-formed impossible one (2026-02-30, 2026-13-01); years far from today
overflow once a day is added or the value is converted to UTC. Both become `field_error`.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .errors import field_error

# Dates outside these years are refused: nothing in a union's records lies there, and the edges of
# Python's calendar overflow when a day is added or a time zone applied.
MIN_YEAR = 1800
MAX_YEAR = 2999


def _in_range(value: dt.date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def parse_day(value: Any, field: str, *, required: bool = False) -> dt.date | None:
    """A date from a date, an aware/naive datetime (its local day) or "YYYY-MM-DD"; None when blank
    (unless `required`); a 400 naming `field` otherwise."""
    if value in (None, ""):
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return None
    if isinstance(value, dt.datetime):
        found: dt.date | None = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, dt.date):
        found = value
    else:
        try:
            found = parse_date(str(value).strip())
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            found = None
    if found is None or not _in_range(found):
        raise field_error(field, _("Enter a valid date (YYYY-MM-DD)."))
    return found


def parse_moment(
    value: Any,
    field: str,
    *,
    required: bool = False,
    allow_date: bool = False,
    end: bool = False,
    require_tz: bool = False,
) -> dt.datetime | None:
    """An aware datetime (naive values are local time). `allow_date`: a bare date is that day's
    local midnight, or the next day's when `end` (an exclusive upper bound). `require_tz`: the text
    must carry its UTC offset. None when blank (unless `required`); a 400 naming `field` otherwise."""
    if value in (None, ""):
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return None
    message = (
        _("Enter a date (YYYY-MM-DD) or a date and time.")
        if allow_date
        else _("Enter a valid date and time.")
    )
    found: dt.datetime | None = None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        found = value
    elif isinstance(value, dt.date):
        if not allow_date:
            raise field_error(field, message)
        day = value
    else:
        text = str(value).strip()
        try:
            found = parse_datetime(text)
            day = parse_date(text) if found is None and allow_date else None
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30T10:00
            raise field_error(field, message) from None
        if found is None and day is None:
            raise field_error(field, message)
    if found is None:
        if day is None or not _in_range(day):
            raise field_error(field, message)
        if end:
            day += dt.timedelta(days=1)
        found = dt.datetime(day.year, day.month, day.day)
    elif require_tz and found.utcoffset() is None:
        raise field_error(field, message)
    if not _in_range(found):
        raise field_error(field, message)
    return timezone.make_aware(found) if timezone.is_naive(found) else found
