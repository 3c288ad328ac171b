"""Redemption racing on PostgreSQL: two tills scanning one code, retries with one key, a
reversal racing a redemption. At most one live redemption per voucher, always."""

import pytest
from django.db.models import Sum

from tests.benefits.support import campaign, cashier, claimer, outlet_of
from tests.benefits.test_claim_concurrency import org, race, refusals  # noqa: F401 (fixture)
from zhijia.benefits.codes import voucher_qr
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Outlet, Redemption, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.redeem import redemption_reverse, voucher_redeem
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(org):  # noqa: F811
    camp = campaign(org, total=5)
    merchant = camp.merchants.get()
    first = outlet_of(merchant)
    second = Outlet.objects.create(merchant=merchant, name="二号店")
    user, _p = claimer(org)
    voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    return {"voucher": voucher, "tills": [(first, cashier(first)), (second, cashier(second))]}


def test_two_tills_scan_one_code_at_once(shop):
    qr = voucher_qr(shop["voucher"])
    calls = [
        (voucher_redeem, {"actor": c, "outlet": o, "code": qr, "bill": "80"})
        for _ in range(5)
        for o, c in shop["tills"]
    ]
    results = race(calls)
    codes = refusals(results, {"not_redeemable"})
    assert sum(ok for ok, _r in results) == 1 and codes["not_redeemable"] == 9
    assert Redemption.objects.filter(voucher=shop["voucher"]).count() == 1
    assert ServiceRecord.objects.filter(source=RecordSource.VOUCHER).count() == 1
    assert Voucher.objects.get(pk=shop["voucher"].pk).status == VoucherStatus.REDEEMED


def test_retries_with_one_key_redeem_once(shop):
    outlet, till_cashier = shop["tills"][0]
    calls = [
        (
            voucher_redeem,
            {
                "actor": till_cashier,
                "outlet": outlet,
                "code": shop["voucher"].code,
                "bill": "80",
                "idempotency_key": "k",
            },
        )
        for _ in range(8)
    ]
    results = race(calls)
    refusals(results, set())
    assert len({r.pk for ok, r in results if ok}) == 1
    assert Redemption.objects.count() == 1


def test_reversal_racing_redemptions_keeps_one_live(shop):
    outlet, till_cashier = shop["tills"][0]
    first = voucher_redeem(actor=till_cashier, outlet=outlet, code=shop["voucher"].code, bill="80")
    other_outlet, other_cashier = shop["tills"][1]
    calls = [(redemption_reverse, {"actor": till_cashier, "redemption": first, "reason": "退货"})] + [
        (
            voucher_redeem,
            {"actor": other_cashier, "outlet": other_outlet, "code": shop["voucher"].code, "bill": "90"},
        )
        for _ in range(6)
    ]
    results = race(calls)
    refusals(results, {"not_redeemable"})
    assert results[0][0], results[0]
    live = Redemption.objects.filter(voucher=shop["voucher"], reversed_at__isnull=True)
    assert live.count() <= 1
    status = Voucher.objects.get(pk=shop["voucher"].pk).status
    assert status == (VoucherStatus.REDEEMED if live.exists() else VoucherStatus.CLAIMED)
    # The ledger is append-only: the reversed redemption keeps its row and gets a cancelling
    # reversal row, so the rows net to the live redemptions.
    records = ServiceRecord.objects.filter(source=RecordSource.VOUCHER)
    assert records.filter(leg="").count() == Redemption.objects.filter(voucher=shop["voucher"]).count()
    assert (records.aggregate(net=Sum("qty"))["net"] or 0) == live.count()
