"""Worker login by SMS code (SECURITY.md "Lockout"): 6 digits from `secrets`, only a keyed hash
stored, SMS_CODE_TTL_SECONDS expiry, single use, send rate limits per phone and per IP, and
LOCKOUT_FAILURES wrong codes lock the pair (phone, IP) for LOCKOUT_MINUTES.

Rate limits are answered from the SmsCode rows themselves (no cache), so they hold across
processes and survive a cache outage.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import NotAuthenticated, RateLimited
from zhijia.core.masking import mask_phone
from zhijia.core.models import AuditOutcome

from .models import SmsCode, SmsLoginFailure, User
from .phones import phone_index
from .services import clean_phone, worker_for_phone
from .sms import get_backend

SHANGHAI = ZoneInfo("Asia/Shanghai")


class InvalidCode(NotAuthenticated):
    default_code = "invalid_credentials"
    default_message = _("The code is wrong or has expired. Request a new one if needed.")


class CodeLocked(RateLimited):
    default_code = "locked_out"
    default_message = _("Too many wrong codes. Try again in 30 minutes.")


def _code_hash(code_id: Any, code: str) -> str:
    # Keyed with SECRET_KEY and the row id: a leaked table cannot be brute-forced (10^6 codes)
    # without the key, and equal codes for different rows hash differently.
    return salted_hmac("zhijia.sms_code", f"{code_id}:{code}", algorithm="sha256").hexdigest()


def _lock_window() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


def _day_start(now: datetime) -> datetime:
    """Midnight of `now`'s Asia/Shanghai calendar day: "a day" for the daily limit."""
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def sms_code_send(*, phone: str, ip: str | None) -> SmsCode:
    """Create a login code for `phone` and send it (after commit) through settings.SMS_BACKEND.

    Raises ValidationFailed (field "phone") for a bad number and RateLimited (code
    "rate_limited") within SMS_SEND_INTERVAL_SECONDS of the last code, past SMS_DAILY_LIMIT codes
    for the phone in one Asia/Shanghai calendar day, or past SMS_IP_HOURLY_LIMIT codes from `ip` in an hour.
    """
    phone = clean_phone(phone)
    index = phone_index(phone)
    now = timezone.now()
    with transaction.atomic():
        today = SmsCode.objects.select_for_update().filter(phone_index=index, created_at__gte=_day_start(now))
        interval = settings.SMS_SEND_INTERVAL_SECONDS
        recent = SmsCode.objects.filter(phone_index=index, created_at__gte=now - timedelta(seconds=interval))
        if interval and recent.exists():
            raise RateLimited(_("A code was sent moments ago. Please wait a minute before asking again."))
        if today.count() >= settings.SMS_DAILY_LIMIT:
            raise RateLimited(_("Too many codes for this number today. Please try again tomorrow."))
        if ip and SmsCode.objects.filter(ip=ip, created_at__gte=now - timedelta(hours=1)).count() >= (
            settings.SMS_IP_HOURLY_LIMIT
        ):
            raise RateLimited()
        code = f"{secrets.randbelow(10**6):06d}"
        ttl = settings.SMS_CODE_TTL_SECONDS
        row = SmsCode(phone_index=index, expires_at=now + timedelta(seconds=ttl), ip=ip)
        row.code_hash = _code_hash(row.id, code)
        row.save()
        audit_log(actor=None, action="sms_code.send", obj=row, data={"phone": mask_phone(phone)})
        transaction.on_commit(lambda: get_backend().send_login_code(phone=phone, code=code, ttl_seconds=ttl))
    return row


def sms_code_verify(*, phone: str, code: str, ip: str | None) -> User:
    """The worker for `phone` if `code` is its newest live code; the code is then used up.

    Raises ValidationFailed (bad phone), CodeLocked (the pair phone + IP is locked) or InvalidCode
    (wrong, expired, used). Wrong codes are recorded (and audited) before raising, outside the
    failing transaction, so they count. A staff account's phone raises Conflict "staff_phone".
    """
    phone = clean_phone(phone)
    index = phone_index(phone)
    code = (code or "").strip()
    if _locked(index, ip):
        _audit_failure(phone, "locked")
        raise CodeLocked()
    with transaction.atomic():
        live = (
            SmsCode.objects.select_for_update()
            .filter(
                phone_index=index,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                attempts__lt=settings.AXES_FAILURE_LIMIT,
            )
            .order_by("-created_at")
            .first()
        )
        matched = live is not None and constant_time_compare(live.code_hash, _code_hash(live.id, code))
        if live is not None:
            if matched:
                live.used_at = timezone.now()
            else:
                live.attempts += 1
            live.save(update_fields=["used_at", "attempts", "updated_at"])
        if not matched:
            SmsLoginFailure.objects.create(phone_index=index, ip=ip)
    if not matched:
        _audit_failure(phone, "code")
        if _locked(index, ip):
            raise CodeLocked()
        raise InvalidCode()
    with transaction.atomic():
        user = worker_for_phone(phone=phone)
        SmsLoginFailure.objects.filter(phone_index=index, ip=ip).delete()
        audit_log(actor=user, action="login.success", obj=user, data={"via": "sms"})
    return user


def _locked(index: str, ip: str | None) -> bool:
    since = timezone.now() - _lock_window()
    failures = SmsLoginFailure.objects.filter(phone_index=index, ip=ip, created_at__gte=since).count()
    return failures >= settings.AXES_FAILURE_LIMIT


def _audit_failure(phone: str, reason: str) -> None:
    masked = mask_phone(phone)
    audit_log(
        actor=None,
        action="login.failure",
        outcome=AuditOutcome.FAILURE,
        actor_label=masked,
        data={"phone": masked, "via": "sms", "reason": reason},
    )


def sms_code_live(*, phone: str) -> bool:
    """Whether an unused, unexpired code was sent to `phone` (so the login page asks for it,
    even when a new one may not be sent yet)."""
    try:
        index = phone_index(clean_phone(phone))
    except Exception:
        return False
    return SmsCode.objects.filter(
        phone_index=index, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
