"""Pluggable SMS backends, chosen by settings.SMS_BACKEND (a dotted class path).

A backend has one method, ``send_login_code(*, phone, code, ttl_seconds)``, matching how the
mainland SMS gateways work (an approved template with the code as its parameter). It is called
after the code's row has committed (see accounts.sms_codes), and may raise to report a failure.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from zhijia.core.masking import mask_phone

logger = logging.getLogger("zhijia.sms")

# LocmemBackend's sent messages, newest last; tests read and clear it.
outbox: list[dict] = []


class ConsoleBackend:
    """Development and demo: writes the code to the log (WARNING, so `make run` shows it). The
    phone is masked; the code is printed because otherwise nobody could log in offline."""

    def send_login_code(self, *, phone: str, code: str, ttl_seconds: int) -> None:
        logger.warning(
            "SMS code for %s: %s (valid %d minutes)", mask_phone(phone), code, max(1, ttl_seconds // 60)
        )


class LocmemBackend:
    """Tests: appends {"phone", "code", "ttl_seconds"} to the module-level `outbox`."""

    def send_login_code(self, *, phone: str, code: str, ttl_seconds: int) -> None:
        outbox.append({"phone": phone, "code": code, "ttl_seconds": ttl_seconds})


def get_backend():
    return import_string(settings.SMS_BACKEND)()
