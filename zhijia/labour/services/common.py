"""Input helpers shared by the labour services (forms, API payloads and spreadsheet cells all
reach them): the dispatch domain's parsers, plus occupation codes and choices."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import field_error
from zhijia.dispatch.services.common import day as _day
from zhijia.dispatch.services.common import day_start, integer, require, text, user_or_none

from ..occupations import is_medium

__all__ = ["choice", "day", "day_start", "integer", "occupation", "require", "text", "user_or_none"]

EARLIEST = dt.date(1950, 1, 1)


def day(value: Any, field: str, *, required: bool = True, future_days: int = 366) -> dt.date | None:
    """A date between 1950 and a year from now (no 2026-02-30, no year 9999)."""
    found = _day(value, field, required=required)
    if found is None:
        return None
    if not EARLIEST <= found <= timezone.localdate() + dt.timedelta(days=future_days):
        raise field_error(field, _("Enter a date between 1950 and a year from now."))
    return found


def occupation(value: Any, field: str, *, required: bool = False) -> str:
    """A medium-category code of the 职业分类大典 (e.g. "4-10"), or ""."""
    code = str(value or "").strip()
    if not code:
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return ""
    if not is_medium(code):
        raise field_error(field, _("Choose an occupation code from the list (e.g. 4-10)."))
    return code


def choice(value: Any, field: str, allowed: Any, *, required: bool = False) -> str:
    out = str(value or "").strip()
    if not out:
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return ""
    if out not in allowed:
        raise field_error(field, _("Choose a valid option."))
    return out
