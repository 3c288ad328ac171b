"""Worker SMS codes: hashed, 5-minute expiry, single use, rate limits, lock after 5 failures."""

import logging

import pytest
import time_machine
from django.utils import timezone

from zhijia.accounts.models import SmsCode, UserKind
from zhijia.accounts.sms import ConsoleBackend
from zhijia.accounts.sms_codes import CodeLocked, InvalidCode, sms_code_send, sms_code_verify
from zhijia.core.errors import Conflict, RateLimited, ValidationFailed

from .conftest import WORKER_PHONE, audits

pytestmark = pytest.mark.django_db


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_code_is_six_digits_and_only_its_hash_is_stored(send_code, outbox):
    code = send_code()
    assert len(code) == 6 and code.isdigit()
    row = SmsCode.objects.get()
    assert row.code_hash != code and len(row.code_hash) == 64  # a keyed SHA-256, not the code
    assert (row.expires_at - row.created_at).total_seconds() == pytest.approx(300, abs=1)
    assert outbox[-1]["phone"] == WORKER_PHONE


def test_sms_goes_out_only_after_commit(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms_code_send(phone=WORKER_PHONE, ip="127.0.0.1")
    assert outbox == []
    for callback in callbacks:
        callback()
    assert len(outbox) == 1


def test_console_backend_logs_the_code_with_the_phone_masked(caplog):
    with caplog.at_level(logging.WARNING, logger="zhijia.sms"):
        ConsoleBackend().send_login_code(phone="13800000001", code="123456", ttl_seconds=300)
    assert "SMS code for 138****0001: 123456 (valid 5 minutes)" in caplog.text
    assert "13800000001" not in caplog.text


def test_verify_creates_the_worker_once_and_the_code_is_single_use(send_code):
    code = send_code("13900000002")
    user = sms_code_verify(phone="139 0000 0002", code=code, ip="127.0.0.1")
    assert user.kind == UserKind.WORKER and user.phone == "13900000002"
    with pytest.raises(InvalidCode):
        sms_code_verify(phone="13900000002", code=code, ip="127.0.0.1")
    again = sms_code_verify(phone="+8613900000002", code=send_code("13900000002"), ip="127.0.0.1")
    assert again.pk == user.pk
    assert audits("login.success", actor=user, data__via="sms").count() == 2
    assert audits("login.failure", data__reason="code").count() == 1


def test_code_expires_after_five_minutes(send_code):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code = send_code()
        traveller.shift(301)
        with pytest.raises(InvalidCode):
            sms_code_verify(phone=WORKER_PHONE, code=code, ip="127.0.0.1")


def test_code_within_five_minutes_works(send_code):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code = send_code()
        traveller.shift(290)
        assert sms_code_verify(phone=WORKER_PHONE, code=code, ip="127.0.0.1")


def test_only_the_newest_code_counts(send_code):
    first = send_code()
    second = send_code()
    if first != second:
        with pytest.raises(InvalidCode):
            sms_code_verify(phone=WORKER_PHONE, code=first, ip="127.0.0.1")
    assert sms_code_verify(phone=WORKER_PHONE, code=second, ip="127.0.0.1")


def test_send_interval_per_phone(send_code, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        send_code()
        with pytest.raises(RateLimited) as exc:
            send_code()
        assert exc.value.code == "rate_limited"
        send_code("13900000003")  # another phone is not affected
        traveller.shift(61)
        send_code()


def test_daily_limit_per_phone(send_code, settings):
    settings.SMS_DAILY_LIMIT = 3
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            send_code()
        with pytest.raises(RateLimited):
            send_code()
        traveller.shift(24 * 3600 + 1)
        send_code()


def test_hourly_limit_per_ip(send_code, settings):
    settings.SMS_IP_HOURLY_LIMIT = 2
    send_code("13900000001", ip="10.0.0.1")
    send_code("13900000002", ip="10.0.0.1")
    with pytest.raises(RateLimited):
        send_code("13900000003", ip="10.0.0.1")
    send_code("13900000003", ip="10.0.0.2")


def test_bad_phone_names_the_field():
    with pytest.raises(ValidationFailed) as exc:
        sms_code_send(phone="12345", ip="127.0.0.1")
    assert "phone" in exc.value.fields


def test_five_wrong_codes_lock_phone_and_ip_for_thirty_minutes(send_code):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code = send_code()
        for _ in range(4):
            with pytest.raises(InvalidCode):
                sms_code_verify(phone=WORKER_PHONE, code=other(code), ip="10.0.0.9")
        with pytest.raises(CodeLocked):
            sms_code_verify(phone=WORKER_PHONE, code=other(code), ip="10.0.0.9")
        fresh = send_code()
        with pytest.raises(CodeLocked) as exc:
            sms_code_verify(phone=WORKER_PHONE, code=fresh, ip="10.0.0.9")
        assert exc.value.code == "locked_out" and exc.value.status == 429
        # The same phone from another address is not locked.
        assert sms_code_verify(phone=WORKER_PHONE, code=fresh, ip="10.0.0.10")
        traveller.shift(31 * 60)
        assert sms_code_verify(phone=WORKER_PHONE, code=send_code(), ip="10.0.0.9")


def test_a_code_dies_after_five_wrong_tries_from_anywhere(send_code):
    code = send_code()
    for i in range(5):
        with pytest.raises(InvalidCode):
            sms_code_verify(phone=WORKER_PHONE, code=other(code), ip=f"10.0.1.{i}")
    with pytest.raises(InvalidCode):
        sms_code_verify(phone=WORKER_PHONE, code=code, ip="10.0.2.1")


def test_failures_are_audited_with_the_phone_masked(send_code):
    code = send_code()
    with pytest.raises(InvalidCode):
        sms_code_verify(phone=WORKER_PHONE, code=other(code), ip="127.0.0.1")
    entry = audits("login.failure").get()
    assert entry.data["phone"] == "138****0001" and WORKER_PHONE not in str(entry.data)


def test_staff_phone_cannot_be_used_for_worker_login(demo, send_code):
    staff = demo.user("futian_staff")
    staff.phone, staff.phone_index = (
        "13700000009",
        __import__("zhijia.accounts.phones", fromlist=["x"]).phone_index("13700000009"),
    )
    staff.save()
    with pytest.raises(Conflict):
        sms_code_verify(phone="13700000009", code=send_code("13700000009"), ip="127.0.0.1")
