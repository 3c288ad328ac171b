"""Vouchers are the person's data: the vouchers they claimed, with their redemptions, and their
lottery entries are in their own export; their anonymisation revokes the unused ones, clears the
reasons staff typed and the links to their account, and keeps every voucher, redemption and entry
that stock, reports, settlement and the service ledger counted. Someone else's voucher is in
neither."""

import pytest

from tests.benefits.support import campaign, cashier, claimer, outlet_of
from zhijia.benefits import cache
from zhijia.benefits.codes import voucher_qr
from zhijia.benefits.models import LotteryEntry, Redemption, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.lottery import entry_register
from zhijia.benefits.services.redeem import redemption_reverse, voucher_redeem
from zhijia.benefits.services.vouchers import voucher_revoke
from zhijia.members.services.rights import person_anonymise, self_export
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(demo):
    org, staff = demo.org("福田区总"), demo.user("futian_staff")
    (user, person), (other_user, _other) = claimer(org), claimer(org)
    meal = campaign(org, total=5, title="工会暖心餐券")
    till = outlet_of(meal.merchants.get())
    till_user = cashier(till)
    used = voucher_claim(user=user, campaign_id=meal.pk, idempotency_key="k-1").voucher
    theirs = voucher_claim(user=other_user, campaign_id=meal.pk).voucher
    first = voucher_redeem(actor=till_user, outlet=till, code=voucher_qr(used), bill="60.00")
    redemption_reverse(actor=till_user, redemption=first, reason="王先生说买错了")
    voucher_redeem(actor=till_user, outlet=till, code=voucher_qr(used), bill="88.00")
    voucher_revoke(actor=staff, voucher=theirs, reason="误领")
    books = campaign(org, total=5, title="购书券")
    revoked = voucher_claim(user=user, campaign_id=books.pk).voucher
    voucher_revoke(actor=staff, voucher=revoked, reason="王先生重复领取")
    draw = campaign(org, total=1, allocation="lottery", title="电影票抽签")
    entry_register(user=user, campaign=draw)
    return {"staff": staff, "user": user, "person": person, "used": used, "revoked": revoked, "meal": meal}


def test_the_vouchers_are_in_the_persons_export(setting):
    data = self_export(actor=None, person=setting["person"])
    vouchers = {v["campaign"]: v for v in data["vouchers"]}
    assert set(vouchers) == {"工会暖心餐券", "购书券"}  # not the other person's
    meal = vouchers["工会暖心餐券"]
    assert (meal["status"], meal["code"]) == ("redeemed", setting["used"].code)
    assert sorted((str(r["bill"]), r["reverse_reason"]) for r in meal["redemptions"]) == [
        ("60.00", "王先生说买错了"),
        ("88.00", ""),
    ]
    assert (vouchers["购书券"]["status"], vouchers["购书券"]["reason"]) == ("revoked", "王先生重复领取")
    assert [(e["campaign"], e["status"]) for e in data["lottery_entries"]] == [("电影票抽签", "registered")]


def test_anonymisation_clears_the_reasons_and_keeps_the_counted_rows(
    setting, django_capture_on_commit_callbacks
):
    held = cache._held_key(setting["meal"].pk, setting["user"].pk)
    assert cache._cache.get(held) is not None  # the claim marked the account as holding one
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(actor=setting["staff"], person=setting["person"])
    used, revoked = (Voucher.objects.get(pk=setting[k].pk) for k in ("used", "revoked"))
    assert (used.status, used.user, used.idempotency_key) == ("redeemed", None, "")
    assert (revoked.status, revoked.reason) == ("revoked", "")
    redemptions = Redemption.objects.filter(voucher=used)
    assert sorted((str(r.bill), r.reverse_reason) for r in redemptions) == [("60.00", ""), ("88.00", "")]
    assert ServiceRecord.objects.filter(source="voucher", source_id__in=[r.pk for r in redemptions]).exists()
    assert LotteryEntry.objects.get(person=setting["person"]).user is None
    assert cache._cache.get(held) is None
    assert Voucher.objects.get(campaign=setting["meal"], status="revoked").reason == "误领"  # not theirs


def test_the_deleted_persons_unused_vouchers_are_revoked(demo):
    org = demo.org("福田区总")
    (user, person), (other_user, _other) = claimer(org), claimer(org)
    gym = campaign(org, total=5, title="健身券")
    unused = voucher_claim(user=user, campaign_id=gym.pk).voucher
    theirs = voucher_claim(user=other_user, campaign_id=gym.pk).voucher
    person_anonymise(actor=demo.user("futian_staff"), person=person)
    unused.refresh_from_db()
    assert (unused.status, unused.reason, unused.closed_at is not None) == ("revoked", "", True)
    assert Voucher.objects.get(pk=theirs.pk).status == "claimed"  # not theirs
