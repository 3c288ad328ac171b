"""One-a-day vouchers count Asia/Shanghai days (issue 19): a claim at 23:30 Shanghai (15:30
UTC) and one at 00:30 Shanghai (16:30 UTC) are on two days; the "already claimed" flag holds
until Shanghai midnight."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache as django_cache

from tests.benefits.support import campaign, claimer
from zhijia.benefits import cache
from zhijia.benefits.services.claim import voucher_claim
from zhijia.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_held_until_shanghai_midnight():
    at = dt.datetime(2026, 3, 2, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert cache.held_seconds(True, at) == 1800


def test_one_a_day_is_a_shanghai_day(demo):
    org = demo.org("福田区总")
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 30, tzinfo=UTC), tick=False) as traveller:
        camp = campaign(org, total=5, per_day=True, round_hours=60)
        user, person = claimer(org)
        assert voucher_claim(user=user, campaign_id=camp.pk).voucher.claim_key == f"{person.pk}:2026-03-02"
        with pytest.raises(ApplicationError):
            voucher_claim(user=user, campaign_id=camp.pk)
        traveller.move_to(dt.datetime(2026, 3, 2, 16, 30, tzinfo=UTC))  # 00:30 on 3 March in Shanghai
        cache.local_clear()
        django_cache.clear()
        second = voucher_claim(user=user, campaign_id=camp.pk).voucher
        assert second.claim_key == f"{person.pk}:2026-03-03"
