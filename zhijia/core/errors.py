"""Application errors with stable codes. One handler (api/errors.py, staff forms) renders them as
`{"code", "message", "fields"}` with the status given here."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(
        self, message: Any = None, *, code: str | None = None, fields: dict[str, list[str]] | None = None
    ):
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: [str(m) for m in v] for k, v in self.fields.items()},
        }


class ValidationFailed(ApplicationError):
    status = 400
    default_code = "invalid"


class NotAuthenticated(ApplicationError):
    status = 401
    default_code = "not_authenticated"
    default_message = _("Please log in.")


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"
    default_message = _("This conflicts with the current state.")


class Unprocessable(ApplicationError):
    status = 422
    default_code = "unprocessable"


class RateLimited(ApplicationError):
    status = 429
    default_code = "rate_limited"
    default_message = _("Too many attempts. Please try again later.")


def field_error(field: str, message: Any, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


BUSY_SQLSTATES = {"55P03", "40P01", "40001"}  # lock_not_available, deadlock_detected, serialization_failure


def busy_error(exc: BaseException) -> Conflict | None:
    """A lock wait that timed out (PostgreSQL lock_timeout, a deadlock victim, SQLite's busy
    timeout) becomes a clean 409 "busy, retry" instead of a 500; None for any other error."""
    cause = exc.__cause__ or exc
    busy = getattr(cause, "sqlstate", None) in BUSY_SQLSTATES or "database is locked" in str(cause)
    if not busy:
        return None
    return Conflict(_("The system is busy. Please try again in a moment."), code="busy")


def busy_as_conflict(func: Callable) -> Callable:
    """Decorator for services: a lock wait that timed out, a deadlock or "database is locked"
    becomes Conflict(code="busy") (409 "busy, retry"); any other database error propagates."""

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
