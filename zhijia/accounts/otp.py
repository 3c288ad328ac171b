"""Second factor (TOTP, django-otp): who needs it, enrolment, verification, QR codes.

Pure domain helpers; the console and the API both use them, so the rules cannot drift apart.
"""

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhijia.core.audit import audit_log

from .models import User, UserKind


def needs_otp(user: User) -> bool:
    """Staff must present a TOTP code when 2FA is required, or once they have set a device up."""
    if user.kind != UserKind.STAFF:
        return False
    if settings.TWO_FACTOR_REQUIRED:
        return True
    return has_device(user)


def has_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def verify(user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None. django-otp throttles repeated failures
    and refuses a token already used (replay)."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def enrolment_start(user: User, device_id: Any = None) -> TOTPDevice:
    """The pending (unconfirmed) device for `user`: the one with `device_id` if it still exists,
    else a fresh one with a new random key. Nothing counts until `enrolment_confirm`."""
    device = None
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, actor: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm `device` if `token` is right; then it replaces every other device of the user.
    Audited as otp.setup. Returns False (nothing changed) on a wrong code."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log(actor=actor, action="otp.setup", obj=device.user, data={"user": device.user.username})
    return True


def qr_data_uri(device: TOTPDevice) -> str:
    """An SVG data URI of the otpauth:// URL, made locally (no network, no third party)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
