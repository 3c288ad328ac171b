"""Pluggable SMS backends, chosen by settings.SMS_BACKEND (a dotted class path).

A backend has two methods, matching how the mainland SMS gateways work: they only send
templates approved in advance, filled in with parameters.

- ``send_login_code(*, phone, code, ttl_seconds)``: the login code template, the code as its
  parameter. Called after the code's row has committed (see accounts.sms_codes).
- ``send_notice(*, phone, template, params)``: a notice to a worker, ``template`` a stable code
  (e.g. ``join_approved``) that a deployment maps to its approved gateway template, ``params``
  the template's parameters (short strings). Callers send it after their change has committed
  (``transaction.on_commit``) and log a failure instead of raising it.

Both may raise to report a failure.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from zhijia.core.masking import mask_phone

logger = logging.getLogger("zhijia.sms")

# LocmemBackend's sent messages, newest last; tests read and clear it.
outbox: list[dict] = []


class ConsoleBackend:
    """Development and demo: writes the messages to the log (WARNING, so `make run` shows them).
    The phone is masked; the code is printed because otherwise nobody could log in offline."""

    def send_login_code(self, *, phone: str, code: str, ttl_seconds: int) -> None:
        logger.warning(
            "SMS code for %s: %s (valid %d minutes)", mask_phone(phone), code, max(1, ttl_seconds // 60)
        )

    def send_notice(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        logger.warning("SMS notice %s for %s: %s", template, mask_phone(phone), params)


class LocmemBackend:
    """Tests: appends {"phone", "code", "ttl_seconds"} (login codes) or {"phone", "template",
    "params"} (notices) to the module-level `outbox`."""

    def send_login_code(self, *, phone: str, code: str, ttl_seconds: int) -> None:
        outbox.append({"phone": phone, "code": code, "ttl_seconds": ttl_seconds})

    def send_notice(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        outbox.append({"phone": phone, "template": template, "params": dict(params)})


def notice_on_commit(*, phone: str, template: str, params: dict[str, str]) -> None:
    """Send a notice to `phone` once the current transaction commits: nothing goes out for a
    change that rolls back. No phone, no notice. A failure to send is logged (phone masked),
    never raised: the committed decision stands either way."""
    phone = str(phone or "")
    if not phone:
        return

    def send() -> None:
        try:
            get_backend().send_notice(phone=phone, template=template, params=params)
        except Exception as exc:  # a gateway failure must not break the committed request
            logger.error("SMS notice %s to %s failed: %s", template, mask_phone(phone), type(exc).__name__)

    transaction.on_commit(send)


def get_backend():
    return import_string(settings.SMS_BACKEND)()
