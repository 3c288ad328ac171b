"""Helpers shared by the dispatch services: permission checks on the acting user, notices sent
after commit, the lock-wait conversion and the parsing of loosely typed input (forms, API
payloads and spreadsheet cells all reach the services)."""

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.accounts.phones import is_mobile, normalize_phone
from zhijia.core import dates
from zhijia.core.errors import field_error
from zhijia.core.validators.text import has_control_chars
from zhijia.orgs.access import check

logger = logging.getLogger("zhijia.dispatch")


def require(actor: Any, cap: str, org: Any) -> None:
    """`actor` holds `cap` on `org` (404 outside every grant, 403 inside without it). `None` is
    the system (periodic jobs, the demo seed) and may do anything."""
    if actor is None:
        return
    check(actor, cap, org)


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def local_text(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


# --- input ------------------------------------------------------------------------------------


def text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Stripped text of at most `max_length` characters without control characters."""
    out = str(value if value is not None else "").strip()
    if required and not out:
        raise field_error(field, _("This field is required."), code="required")
    if len(out) > max_length:
        raise field_error(field, _("At most %(n)d characters.") % {"n": max_length})
    if has_control_chars(out.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise field_error(field, _("Remove the control characters."))
    return out


def integer(value: Any, field: str, *, low: int = 0, high: int = 10**9, required: bool = True) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise field_error(field, _("Enter a whole number.")) from None
    if isinstance(number, bool) or not low <= number <= high:
        raise field_error(field, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


def money(value: Any, field: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise field_error(field, _("Enter an amount in yuan."))
    if amount < 0:
        raise field_error(field, _("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("10") ** 10:
        raise field_error(field, _("Enter an amount in yuan."))
    return amount.quantize(Decimal("0.01"))


def day(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    return dates.parse_day(value, field, required=required)


def moment(value: Any, field: str, *, required: bool = True) -> dt.datetime | None:
    """An aware datetime (naive ones are local time)."""
    return dates.parse_moment(value, field, required=required)


def mobile(value: Any, field: str) -> str:
    """A mainland mobile number (normalised) or ""."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    phone = normalize_phone(raw)
    if not is_mobile(phone):
        raise field_error(field, _("Enter a mainland mobile number (11 digits)."))
    return phone


def rating(value: Any, field: str = "rating") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not 1 <= number <= 5:
        raise field_error(field, _("Rate from 1 to 5."))
    return number


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def day_start(value: dt.date) -> dt.datetime:
    """Local midnight starting `value`, aware."""
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min), timezone.get_current_timezone())
