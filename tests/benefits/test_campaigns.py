"""Campaign lifecycle services and the periodic tick: validation, publish (lottery seed
commitment), end, start/finish, carry-over, voucher expiry."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.benefits.support import campaign, claimer, merchant
from zhijia.benefits.enums import CampaignStatus, VoucherStatus
from zhijia.benefits.models import Campaign, Round, Voucher
from zhijia.benefits.services.campaigns import (
    campaign_create,
    campaign_end,
    campaign_publish,
    campaign_update,
    campaigns_tick,
    rounds_daily,
)
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.tasks import benefits_tick
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("福田区总")


@pytest.fixture
def staff(demo):
    return demo.user("futian_staff")


def fields(**over):
    now = timezone.now()
    values = {
        "title": "春节消费券",
        "kind": "discount",
        "face_value": Decimal("40"),
        "threshold": Decimal("50"),
        "total": 30,
        "valid_from": now,
        "valid_until": now + dt.timedelta(days=30),
    }
    values.update(over)
    return values


def daily(n=3, per_day=10, start=None):
    return rounds_daily(
        start=start or timezone.now() + dt.timedelta(hours=1), days=n, per_day=per_day, hours=2
    )


def error(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value


def test_rounds_daily():
    start = timezone.make_aware(dt.datetime(2026, 3, 1, 10, 0))
    rows = rounds_daily(start=start, days=10, per_day=1000)
    assert len(rows) == 10 and sum(r["stock"] for r in rows) == 10_000
    assert rows[3]["opens_at"] == start + dt.timedelta(days=3)
    assert rows[3]["closes_at"] == rows[4]["opens_at"]
    short = rounds_daily(start=start, days=2, per_day=5, hours=2)
    assert short[0]["closes_at"] - short[0]["opens_at"] == dt.timedelta(hours=2)
    assert error(lambda: rounds_daily(start=start, days=0, per_day=5)).fields.keys() == {"days"}


def test_create_a_first_come_draft(org, staff):
    shop = merchant(org)
    camp = campaign_create(actor=staff, org=org, rounds=daily(), merchants=[shop], **fields())
    assert camp.status == CampaignStatus.DRAFT and camp.created_by == staff
    assert list(camp.rounds.values_list("number", "stock")) == [(1, 10), (2, 10), (3, 10)]
    assert list(camp.merchants.all()) == [shop]
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(camp.pk)).exists()


@pytest.mark.parametrize(
    ("over", "rounds", "field"),
    [
        ({"total": 31}, None, "total"),
        ({}, [], "rounds"),
        ({"title": " "}, None, "title"),
        ({"face_value": 0}, None, "face_value"),
        ({"valid_until": -dt.timedelta(days=400)}, None, "valid_until"),  # from now, when it runs
        ({"kind": "experience"}, None, "experience"),
        ({"occupations": ["astronaut"]}, None, "occupations"),
        ({"per_person": 0}, None, "per_person"),
        ({"allocation": "lottery"}, None, "rounds"),
        ({"allocation": "lottery"}, [], "register_opens_at"),
        ({"colour": "red"}, None, "colour"),
    ],
)
def test_create_refuses_with_field_errors(org, staff, over, rounds, field):
    over = {k: timezone.now() + v if isinstance(v, dt.timedelta) else v for k, v in over.items()}
    err = error(
        lambda: campaign_create(
            actor=staff, org=org, rounds=daily() if rounds is None else rounds, **fields(**over)
        )
    )
    assert err.status == 400 and field in err.fields, err.as_dict()
    assert not Campaign.objects.exists()


def test_overlapping_rounds_are_refused(org, staff):
    start = timezone.now() + dt.timedelta(hours=1)
    rows = [
        {"opens_at": start, "closes_at": start + dt.timedelta(hours=3), "stock": 15},
        {"opens_at": start + dt.timedelta(hours=2), "closes_at": start + dt.timedelta(hours=4), "stock": 15},
    ]
    assert "rounds" in error(lambda: campaign_create(actor=staff, org=org, rounds=rows, **fields())).fields


def test_eligible_org_and_merchants_must_fit_the_funding_union(org, staff, demo):
    baoan = demo.org("宝安区总")
    err = error(lambda: campaign_create(actor=staff, org=org, rounds=daily(), eligible_org=baoan, **fields()))
    assert "eligible_org" in err.fields
    foreign = merchant(baoan)
    err = error(
        lambda: campaign_create(actor=staff, org=org, rounds=daily(), merchants=[foreign], **fields())
    )
    assert "merchants" in err.fields
    city = merchant(demo.org("深圳市总"))  # signed above: usable
    camp = campaign_create(actor=staff, org=org, rounds=daily(), merchants=[city], **fields())
    assert list(camp.merchants.all()) == [city]


def test_outside_scope_is_404_and_without_the_cap_403(demo):
    org = demo.org("福田区总")
    err = error(lambda: campaign_create(actor=demo.user("baoan_staff"), org=org, rounds=daily(), **fields()))
    assert err.status == 404
    err = error(lambda: campaign_create(actor=demo.user("auditor"), org=org, rounds=daily(), **fields()))
    assert err.status in (403, 404)


def test_update_only_drafts(org, staff):
    camp = campaign_create(actor=staff, org=org, rounds=daily(), **fields())
    camp = campaign_update(actor=staff, campaign=camp, title="新标题", rounds=daily(n=2, per_day=15))
    assert camp.title == "新标题" and camp.rounds.count() == 2
    err = error(lambda: campaign_update(actor=staff, campaign=camp, total=20))
    assert "total" in err.fields  # 20 != 15 + 15
    campaign_publish(actor=staff, campaign=camp)
    err = error(lambda: campaign_update(actor=staff, campaign=camp, title="x"))
    assert err.code == "invalid_transition" and err.status == 409


def test_publish_a_lottery_commits_to_a_seed(org, staff):
    now = timezone.now()
    camp = campaign_create(
        actor=staff,
        org=org,
        **fields(
            allocation="lottery",
            total=5,
            register_opens_at=now,
            register_closes_at=now + dt.timedelta(days=2),
        ),
    )
    assert camp.seed == "" and camp.seed_hash == ""
    camp = campaign_publish(actor=staff, campaign=camp)
    assert camp.status == CampaignStatus.PUBLISHED and camp.published_at
    assert len(camp.seed) == 64 and hashlib.sha256(camp.seed.encode()).hexdigest() == camp.seed_hash
    assert error(lambda: campaign_publish(actor=staff, campaign=camp)).code == "invalid_transition"


def test_end_stops_claims_but_vouchers_stay(org, staff):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    other, _q = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    campaign_end(actor=staff, campaign=camp)
    camp.refresh_from_db()
    assert camp.status == CampaignStatus.ENDED and camp.ended_at
    assert error(lambda: voucher_claim(user=other, campaign_id=camp.pk)).code == "not_open"
    v.refresh_from_db()
    assert v.status == VoucherStatus.CLAIMED
    assert error(lambda: campaign_end(actor=staff, campaign=camp)).code == "invalid_transition"


# --- the tick ------------------------------------------------------------------------------------


def test_tick_starts_and_finishes(org, staff):
    camp = campaign_create(actor=staff, org=org, rounds=daily(n=1, per_day=30), **fields())
    campaign_publish(actor=staff, campaign=camp)
    now = timezone.now()
    assert campaigns_tick(now=now)["started"] == 0
    assert campaigns_tick(now=now + dt.timedelta(hours=1, minutes=1))["started"] == 1
    assert Campaign.objects.get(pk=camp.pk).status == CampaignStatus.RUNNING
    done = campaigns_tick(now=now + dt.timedelta(hours=4))
    assert done["ended"] == 1 and Campaign.objects.get(pk=camp.pk).status == CampaignStatus.ENDED
    assert campaigns_tick(now=now + dt.timedelta(hours=5))["ended"] == 0
    assert AuditEntry.objects.filter(action__in=["campaign.start", "campaign.finish"]).count() == 2


def test_carry_over_moves_the_leftover_once(org, monkeypatch):
    camp = campaign(org, total=30, rounds=3)  # 10 each; round 1 open now
    users = [claimer(org)[0] for _ in range(4)]
    for user in users:
        voucher_claim(user=user, campaign_id=camp.pk)
    after_first = timezone.now() + dt.timedelta(hours=2)
    assert campaigns_tick(now=after_first)["carried"] == 1
    r1, r2, r3 = Round.objects.filter(campaign=camp).order_by("number")
    assert (r1.stock, r1.claimed, r1.carried) == (4, 4, True)
    assert r2.stock == 16 and r3.stock == 10
    assert sum(r.stock for r in (r1, r2, r3)) == camp.total
    assert campaigns_tick(now=after_first)["carried"] == 0  # once
    # the second round, once open, really has 16
    later = timezone.now() + dt.timedelta(hours=23, minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    more = [claimer(org)[0] for _ in range(17)]
    answers = []
    for user in more:
        try:
            voucher_claim(user=user, campaign_id=camp.pk)
            answers.append("ok")
        except ApplicationError as exc:
            answers.append(exc.code)
    assert answers.count("ok") == 16 and answers.count("sold_out") == 1


def test_no_carry_over_when_off(org):
    camp = campaign(org, total=20, rounds=2, carry_over=False)
    assert campaigns_tick(now=timezone.now() + dt.timedelta(hours=2))["carried"] == 0
    assert list(Round.objects.filter(campaign=camp).values_list("stock", flat=True)) == [10, 10]


def test_a_late_claim_on_a_carried_round_finds_no_stock(org, monkeypatch):
    """A claim that checked the window just before closing but reaches the guarded UPDATE after
    the carry-over cannot take stock that moved on."""
    camp = campaign(org, total=20, rounds=2)
    user, _p = claimer(org)
    campaigns_tick(now=timezone.now() + dt.timedelta(hours=2))  # round 1 carried (0 claimed)
    # the claim still sees round 1 as open (its clock is before closing)
    err = error(lambda: voucher_claim(user=user, campaign_id=camp.pk))
    assert err.code == "sold_out"
    assert Voucher.objects.filter(campaign=camp).count() == 0


def test_expiry_job(org):
    camp = campaign(org, total=5, valid_days=1)
    user, _p = claimer(org)
    other, _q = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    w = voucher_claim(user=other, campaign_id=camp.pk).voucher
    Voucher.objects.filter(pk=w.pk).update(status=VoucherStatus.REDEEMED)
    assert campaigns_tick(now=timezone.now())["expired"] == 0
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert campaigns_tick(now=later)["expired"] == 1
    v.refresh_from_db()
    w.refresh_from_db()
    assert v.status == VoucherStatus.EXPIRED and v.closed_at == later
    assert w.status == VoucherStatus.REDEEMED
    assert campaigns_tick(now=later)["expired"] == 0
    entry = AuditEntry.objects.get(action="voucher.expire")
    assert entry.data == {"count": 1}


def test_task_and_command_run_the_tick(org, capsys):
    campaign(org, total=5, status=CampaignStatus.PUBLISHED)
    result = benefits_tick()
    assert result["started"] == 1
    call_command("benefits_tick")
    assert "started: 0" in capsys.readouterr().out
