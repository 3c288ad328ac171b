"""The feedback daily limit counts Asia/Shanghai days (issue 19): it starts again at Shanghai
midnight (16:00 UTC), not at UTC midnight (08:00 in Shanghai)."""

import datetime as dt

import pytest
import time_machine

from zhijia.core.errors import RateLimited
from zhijia.positions.services import feedback_submit

UTC = dt.UTC
pytestmark = pytest.mark.django_db


def _send(position, n=1):
    results = []
    for _ in range(n):
        try:
            feedback_submit(position=position, rating=4, text="", client_key="k")
            results.append("ok")
        except RateLimited:
            results.append("limited")
    return results


def test_feedback_day_is_a_shanghai_day(make_position, settings):
    settings.POSITIONS_FEEDBACK_PER_DAY = 2
    settings.POSITIONS_FEEDBACK_PER_STATION_HOUR = 100
    station = make_position()
    # 23:30 UTC on 2 March = 07:30 on 3 March in Shanghai
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC), tick=False) as traveller:
        assert _send(station, 3) == ["ok", "ok", "limited"]
        # 00:30 UTC: a new UTC day, but still 3 March in Shanghai: still limited
        traveller.move_to(dt.datetime(2026, 3, 3, 0, 30, tzinfo=UTC))
        assert _send(station) == ["limited"]
        # 16:30 UTC = 00:30 on 4 March in Shanghai: a new day
        traveller.move_to(dt.datetime(2026, 3, 3, 16, 30, tzinfo=UTC))
        assert _send(station, 2) == ["ok", "ok"]
