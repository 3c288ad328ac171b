"""Helpers for the accounts tests: TOTP devices and codes, the SMS outbox, audit look-ups."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhijia.accounts import sms
from zhijia.core.models import AuditEntry

WORKER_PHONE = "13800000001"


def totp_code(device: TOTPDevice) -> str:
    """The code the user's app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(totp_code(device)) + 1) % 10**6:06d}"


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


def audits(action: str, **filters):
    return AuditEntry.objects.filter(action=action, **filters)


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def send_code(outbox, django_capture_on_commit_callbacks):
    """Send a login code for a phone (the SMS goes out on commit) and return the code."""
    from zhijia.accounts.sms_codes import sms_code_send

    def send(phone: str = WORKER_PHONE, ip: str = "127.0.0.1") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            sms_code_send(phone=phone, ip=ip)
        return outbox[-1]["code"]

    return send
