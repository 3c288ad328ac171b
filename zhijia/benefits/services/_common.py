"""Helpers shared by the benefits services (not a public interface)."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from zhijia.accounts.sms import get_backend
from zhijia.core.errors import Conflict, busy_error
from zhijia.core.masking import mask_phone

from .. import error_codes

logger = logging.getLogger("zhijia.benefits")


def busy_as_conflict(func: Callable) -> Callable:
    """A lock timeout / deadlock / "database is locked" becomes Conflict(code="busy")."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OperationalError as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            raise busy from exc

    return wrapper


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def invalid(message: str | None = None) -> Conflict:
    return Conflict(
        message or _("This is not possible in the current state."), code=error_codes.INVALID_TRANSITION
    )


def execute(sql: str, params: list[Any]) -> tuple[int, tuple | None]:
    """Run one raw statement: (rowcount, first row or None)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() if cursor.description else None
        return cursor.rowcount, row


def db_id(model: type, pk: Any) -> Any:
    """`pk` as the database stores it (UUIDs are hex text on SQLite)."""
    return model._meta.pk.get_db_prep_value(pk, connection)  # type: ignore[attr-defined]


def table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def notify(person: Any, template: str, params: dict[str, str]) -> None:
    """SMS to the person's account phone (else their registered phone), once committed; a
    failure is logged, never raised."""
    user = getattr(person, "user", None)
    phone = str(getattr(user, "phone", "") or getattr(person, "phone", "") or "")
    if not phone:
        return

    def send() -> None:
        try:
            get_backend().send_notice(phone=phone, template=template, params=params)
        except Exception as exc:  # the committed change stands; the failure is logged
            logger.error("SMS notice %s to %s failed: %s", template, mask_phone(phone), type(exc).__name__)

    transaction.on_commit(send)
