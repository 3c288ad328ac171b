"""The demo benefits (zhijia.demo.benefits): 中山 campaigns, merchants and tills made through the
services, members who claimed, registered and redeemed, and a second run that creates nothing."""

import pytest
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.phones import phone_index
from zhijia.benefits.enums import Allocation, CampaignStatus, VoucherStatus
from zhijia.benefits.models import (
    Campaign,
    Cashier,
    LotteryEntry,
    Merchant,
    Outlet,
    Redemption,
    Round,
    Voucher,
)
from zhijia.benefits.selectors.campaigns import campaign_state
from zhijia.core.models import AuditEntry
from zhijia.demo.benefits import CONSUMPTION, DAILY, RECUPERATION, seed_benefits
from zhijia.demo.seed import WORKER_PHONE
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def counts():
    models = (
        Campaign,
        Round,
        Merchant,
        Outlet,
        Cashier,
        Voucher,
        Redemption,
        LotteryEntry,
        User,
        ServiceRecord,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def seeded(demo):
    assert seed_benefits(claimers=12) == 6  # three merchants and three campaigns
    return demo


def test_a_second_run_creates_nothing(seeded):
    before = counts()
    audits = AuditEntry.objects.count()
    assert seed_benefits(claimers=12) == 0
    assert counts() == before
    assert AuditEntry.objects.count() == audits
    assert before["Voucher"] > 0 and before["Redemption"] > 0 and before["LotteryEntry"] > 0


def test_the_campaigns(seeded):
    zhongshan = seeded.org("中山市总")
    consumption = Campaign.objects.get(org=zhongshan, title=CONSUMPTION)
    assert consumption.status == CampaignStatus.RUNNING
    assert (consumption.face_value, consumption.threshold) == (40, 50)
    state = campaign_state(consumption)
    assert state["current_round"] is not None and state["remaining"] > 0  # open now, stock left
    assert state["next_round_opens_at"] > timezone.now()  # and one upcoming
    assert consumption.rounds.count() == 7
    lottery = Campaign.objects.get(org=zhongshan, title=RECUPERATION)
    assert (lottery.allocation, lottery.total, lottery.experience) == (
        Allocation.LOTTERY,
        500,
        "recuperation",
    )
    assert lottery.seed_hash and lottery.drawn_at is None
    assert lottery.register_opens_at < timezone.now() < lottery.register_closes_at
    assert lottery.entries.count() > 0
    daily = Campaign.objects.get(org=zhongshan, title=DAILY)
    assert daily.per_day and set(daily.occupations) == {"sanitation", "courier", "delivery_rider"}
    holders = Voucher.objects.filter(campaign=daily).values_list("person__occupation", flat=True)
    assert holders and set(holders) <= set(daily.occupations)  # eligibility held
    assert AuditEntry.objects.filter(action="campaign.publish").count() == 3


def test_merchants_tills_and_redemptions(seeded):
    zhongshan = seeded.org("中山市总")
    assert Merchant.objects.filter(org=zhongshan).count() == 3
    assert Outlet.objects.filter(merchant__org=zhongshan).count() == 4
    merchant_demo = seeded.user("merchant_demo")
    assert Cashier.objects.filter(user=merchant_demo).count() == 1
    redeemed = Voucher.objects.filter(campaign__org=zhongshan, status=VoucherStatus.REDEEMED)
    assert redeemed.count() == Redemption.objects.count() > 0
    assert Redemption.objects.filter(cashier=merchant_demo).exists()
    assert len({r.outlet.merchant_id for r in Redemption.objects.select_related("outlet")}) == 2
    assert ServiceRecord.objects.filter(source=RecordSource.VOUCHER).count() == redeemed.count()


def test_the_demo_worker_holds_vouchers(seeded):
    worker = User.objects.get(phone_index=phone_index(WORKER_PHONE))
    mine = Voucher.objects.filter(person__user=worker)
    assert mine.filter(campaign__title=CONSUMPTION, status=VoucherStatus.REDEEMED).exists()
    assert mine.filter(campaign__title=DAILY, status=VoucherStatus.CLAIMED).exists()  # a QR to show
    assert LotteryEntry.objects.filter(person__user=worker, campaign__title=RECUPERATION).exists()


def test_without_the_worker(demo):
    seed_benefits(worker=False, claimers=4)
    worker = User.objects.get(phone_index=phone_index(WORKER_PHONE))
    assert not Voucher.objects.filter(person__user=worker).exists()
    assert Voucher.objects.exists()


def test_the_dashboard_has_numbers(seeded, staff_client):
    camp = Campaign.objects.get(title=CONSUMPTION)
    page = staff_client("province_admin").get(f"/console/benefits/{camp.pk}/dashboard/").content.decode()
    issued = Voucher.objects.filter(campaign=camp).count()
    assert f'data-testid="dash-issued">{issued}<' in page
    assert "中山市乐购惠民超市有限公司" in page
