"""Helpers shared by the benefits services (not a public interface)."""

import logging
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from zhijia.core.errors import Conflict

from .. import error_codes

logger = logging.getLogger("zhijia.benefits")


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
