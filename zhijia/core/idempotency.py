"""The one idempotency rule for every keyed write (expert orders, enrolments, voucher claims,
redemptions…): SECURITY.md "a retry returns the first answer; the same key with a different body
→ 422".

A client sends `Idempotency-Key: <up to 100 characters>`; the interface reads it with
`key_from(request.headers)`. The domain stores the key on the row it creates (unique per creator
and key, so a race leaves one row) and, before creating, looks the key up by its creator alone —
not by the target — and hands the row found to `replay`, with what this request asks and what
the row holds. Same → the first row (the caller answers as before); different → 422
`idempotency_mismatch`, whatever the target: a key names one request, never two.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from .errors import Unprocessable

MAX_KEY = 100
IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
HEADER = "Idempotency-Key"

T = TypeVar("T")


class IdempotencyMismatch(Unprocessable):
    default_code = IDEMPOTENCY_MISMATCH
    default_message = _("This Idempotency-Key was already used for a different request.")


def normalise_key(raw: Any) -> str:
    """The key as stored: surrounding spaces removed, at most 100 characters; "" for none."""
    return str(raw or "").strip()[:MAX_KEY]


def key_from(headers: Mapping[str, str]) -> str:
    """The request's Idempotency-Key header, normalised ("" when absent)."""
    return normalise_key(headers.get(HEADER, ""))


def _canon(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "pk"):
        value = value.pk
    return str(value).strip()


def replay(found: T | None, *, asked: Mapping[str, Any], stored: Mapping[str, Any]) -> T | None:
    """`found` (the row an earlier request with this key created) when `asked` — this request's
    fields — matches `stored` — the same fields read from `found`; IdempotencyMismatch (422)
    otherwise; None when nothing was found."""
    if found is None:
        return None
    if set(asked) != set(stored) or any(_canon(asked[k]) != _canon(stored[k]) for k in asked):
        raise IdempotencyMismatch()
    return found
