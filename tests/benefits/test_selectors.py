"""Reads: public campaign list and page, the state a campaign page shows, staff lists limited
to the actor's scope, a worker's vouchers, a cashier's outlets and today's redemptions."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from zhijia.benefits.enums import CampaignStatus
from zhijia.benefits.models import Campaign, Round
from zhijia.benefits.permissions import (
    access_campaign,
    access_outlet_as_cashier,
    access_redemption,
    own_voucher,
)
from zhijia.benefits.selectors.campaigns import (
    campaign_get_public,
    campaign_list,
    campaign_public_list,
    campaign_state,
    compute_remaining,
    merchant_choices,
    merchant_list,
)
from zhijia.benefits.selectors.vouchers import cashier_outlets, my_vouchers, outlet_redemptions, voucher_list
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.redeem import voucher_redeem
from zhijia.core.errors import ApplicationError, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("福田区总")


def test_public_list_and_page_hide_drafts(org):
    live = campaign(org)
    draft = campaign(org, status=CampaignStatus.DRAFT)
    ids = set(campaign_public_list().values_list("pk", flat=True))
    assert live.pk in ids and draft.pk not in ids
    assert campaign_get_public(id=live.pk).pk == live.pk
    for bad in (draft.pk, "nope"):
        with pytest.raises(NotFound):
            campaign_get_public(id=bad)


def test_public_list_query_count(org, django_assert_max_num_queries):
    for _ in range(3):
        campaign(org, rounds=2)
    with django_assert_max_num_queries(3):
        rows = list(campaign_public_list())
        assert all(len(c.rounds.all()) == 2 and len(c.merchants.all()) == 1 for c in rows)


def test_campaign_state_through_the_day(org):
    camp = campaign(org, total=4, rounds=2)
    base = timezone.now()
    state = campaign_state(campaign_get_public(id=camp.pk), now=base)
    assert state["status_for_display"] == "open" and state["remaining"] == 2
    assert state["current_round"].number == 1
    assert state["next_round_opens_at"] == Round.objects.get(campaign=camp, number=2).opens_at
    before = campaign_state(camp, now=base - dt.timedelta(hours=2))
    assert before["status_for_display"] == "upcoming" and before["current_round"] is None
    between = campaign_state(camp, now=base + dt.timedelta(hours=5))
    assert between["status_for_display"] == "between_rounds"
    Round.objects.filter(campaign=camp, number=1).update(claimed=2)
    assert compute_remaining(camp, now=base) == 0
    Campaign.objects.filter(pk=camp.pk).update(status=CampaignStatus.ENDED)
    camp.refresh_from_db()
    assert campaign_state(camp, now=base)["status_for_display"] == "ended"


def test_sold_out_state(org):
    camp = campaign(org, total=1)
    user, _p = claimer(org)
    voucher_claim(user=user, campaign_id=camp.pk)
    assert campaign_state(camp)["status_for_display"] == "sold_out"


def test_lottery_state(org):
    camp = campaign(org, allocation="lottery", total=3)
    state = campaign_state(camp)
    assert state["status_for_display"] == "registration_open" and state["remaining"] == 3


def test_staff_lists_follow_scope(demo, org):
    mine = campaign(org)
    theirs = campaign(demo.org("宝安区总"))
    ids = set(campaign_list(actor=demo.user("futian_staff")).values_list("pk", flat=True))
    assert mine.pk in ids and theirs.pk not in ids
    assert access_campaign(actor=demo.user("futian_staff"), id=mine.pk).pk == mine.pk
    with pytest.raises(ApplicationError) as info:
        access_campaign(actor=demo.user("futian_staff"), id=theirs.pk)
    assert info.value.status == 404
    merchants = set(merchant_list(actor=demo.user("futian_staff")).values_list("pk", flat=True))
    assert mine.merchants.get().pk in merchants and theirs.merchants.get().pk not in merchants


def test_merchant_choices_above_and_below(demo, org):
    city = merchant(demo.org("深圳市总"))
    street = merchant(demo.org("福保街道"))
    elsewhere = merchant(demo.org("宝安区总"))
    ids = set(merchant_choices(actor=demo.user("futian_staff"), org=org).values_list("pk", flat=True))
    assert {city.pk, street.pk} <= ids and elsewhere.pk not in ids


def test_my_vouchers_and_own_voucher(org):
    camp = campaign(org)
    user, _p = claimer(org)
    other, _q = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert list(my_vouchers(user=user)) == [v]
    assert list(my_vouchers(user=user, status="redeemed")) == []
    assert list(my_vouchers(user=other)) == []
    assert own_voucher(user=user, id=v.pk) == v
    with pytest.raises(NotFound):
        own_voucher(user=other, id=v.pk)


def test_cashier_outlets_and_todays_redemptions(org, demo):
    camp = campaign(org)
    till = outlet_of(camp.merchants.get())
    elsewhere = outlet_of(merchant(org))
    c = cashier(till)
    assert list(cashier_outlets(user=c)) == [till]
    assert access_outlet_as_cashier(user=c, id=till.pk) == till
    with pytest.raises(NotFound):
        access_outlet_as_cashier(user=c, id=elsewhere.pk)
    user, _p = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    r = voucher_redeem(actor=c, outlet=till, code=v.code, bill="99")
    assert list(outlet_redemptions(actor=c, outlet=till)) == [r]
    assert list(outlet_redemptions(actor=cashier(elsewhere), outlet=till)) == []
    assert (
        list(outlet_redemptions(actor=c, outlet=till, day=timezone.localdate() - dt.timedelta(days=1))) == []
    )
    assert access_redemption(actor=c, id=r.pk) == r
    assert access_redemption(actor=demo.user("futian_staff"), id=r.pk) == r
    with pytest.raises(ApplicationError):
        access_redemption(actor=demo.user("baoan_staff"), id=r.pk)


def test_voucher_list_search_by_code(org, demo, django_assert_max_num_queries):
    camp = campaign(org, total=5)
    vouchers = [voucher_claim(user=claimer(org)[0], campaign_id=camp.pk).voucher for _ in range(3)]
    staff = demo.user("futian_staff")
    with django_assert_max_num_queries(3):
        rows = list(voucher_list(actor=staff, filters={"campaign": str(camp.pk)}))
        assert all(r.person.name and r.campaign.org.name for r in rows)
    assert len(rows) == 3
    assert list(voucher_list(actor=staff, filters={"code": vouchers[1].code.lower()})) == [vouchers[1]]
    assert list(voucher_list(actor=staff, filters={"code": "bad"})) == []
    assert list(voucher_list(actor=demo.user("baoan_staff"))) == []
