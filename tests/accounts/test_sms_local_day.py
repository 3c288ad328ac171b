"""The SMS daily limit counts Asia/Shanghai calendar days (issue 19): 23:30 UTC is already
07:30 the next morning in Shanghai, so codes sent the Shanghai evening before do not count."""

import datetime as dt

import pytest
import time_machine

from zhijia.core.errors import RateLimited

UTC = dt.UTC
pytestmark = pytest.mark.django_db


def test_daily_limit_starts_again_at_shanghai_midnight_not_utc(send_code, settings):
    settings.SMS_DAILY_LIMIT = 2
    settings.SMS_SEND_INTERVAL_SECONDS = 0
    # 15:30 UTC = 23:30 Shanghai (day 1)
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 30, tzinfo=UTC), tick=False) as traveller:
        send_code()
        send_code()
        with pytest.raises(RateLimited):
            send_code()
        traveller.move_to(dt.datetime(2026, 3, 2, 16, 30, tzinfo=UTC))  # 00:30 Shanghai, day 2
        send_code()
        send_code()
        with pytest.raises(RateLimited):
            send_code()
        traveller.move_to(dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 07:30 Shanghai, still day 2
        with pytest.raises(RateLimited):
            send_code()
