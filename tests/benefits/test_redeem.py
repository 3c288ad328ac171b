"""Redemption at the till: who may redeem, codes (signed QR and typed), the threshold, outlet and
merchant rules, idempotency, the ledger record, reversal and its window."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from zhijia.benefits.codes import voucher_qr
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Cashier, Outlet, Redemption, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.redeem import redemption_reverse, voucher_preview, voucher_redeem
from zhijia.benefits.services.vouchers import voucher_revoke
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("福田区总")


@pytest.fixture
def setup(org):
    """A 满50减40 campaign, its merchant's outlet and cashier, and a claimed voucher."""
    camp = campaign(org, total=5)
    shop = camp.merchants.get()
    till = outlet_of(shop)
    user, person = claimer(org)
    voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    return {
        "camp": camp,
        "shop": shop,
        "till": till,
        "cashier": cashier(till),
        "voucher": voucher,
        "person": person,
    }


def error(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value


def redeem(s, *, code=None, bill="88.00", key="", outlet=None, actor=None):
    return voucher_redeem(
        actor=actor or s["cashier"],
        outlet=outlet or s["till"],
        code=code if code is not None else voucher_qr(s["voucher"]),
        bill=bill,
        idempotency_key=key,
    )


def test_redeem_with_the_signed_qr(setup, org):
    s = setup
    r = redeem(s)
    v = Voucher.objects.get(pk=s["voucher"].pk)
    assert v.status == VoucherStatus.REDEEMED and v.redeemed_at == r.at
    assert (r.bill, r.face_value, r.outlet_id, r.cashier_id) == (
        Decimal("88.00"),
        Decimal("40.00"),
        s["till"].pk,
        s["cashier"].pk,
    )
    record = ServiceRecord.objects.get(source=RecordSource.VOUCHER, source_id=r.pk)
    assert record.org_id == org.pk and record.person_id == s["person"].pk and record.title == s["camp"].title
    assert AuditEntry.objects.filter(action="voucher.redeem", object_id=str(r.pk)).exists()


def test_typed_code_ignores_case_spaces_and_dashes(setup):
    code = setup["voucher"].code
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    assert redeem(setup, code=typed).voucher_id == setup["voucher"].pk


@pytest.mark.parametrize(
    "mangle",
    [
        lambda qr: qr[:-1] + ("A" if qr[-1] != "A" else "B"),  # signature altered
        lambda qr: ("Z" if qr[0] != "Z" else "Y") + qr[1:],  # code altered, signature kept
        lambda qr: "23456789ABCD",  # well-formed but nobody's
        lambda qr: "hello",
        lambda qr: "",
    ],
)
def test_tampered_or_guessed_codes_are_rejected(setup, mangle):
    err = error(lambda: redeem(setup, code=mangle(voucher_qr(setup["voucher"]))))
    assert err.code == "bad_code" and err.status == 400
    assert Voucher.objects.get(pk=setup["voucher"].pk).status == VoucherStatus.CLAIMED


@override_settings(BENEFITS_BAD_CODE_RATE=2)
def test_guessing_is_rate_limited(setup):
    for _ in range(2):
        assert error(lambda: redeem(setup, code="23456789ABCD")).code == "bad_code"
    assert error(lambda: redeem(setup, code="23456789ABCD")).code == "rate_limited"


def test_bill_below_threshold(setup):
    err = error(lambda: redeem(setup, bill="49.99"))
    assert err.code == "below_threshold" and "bill" in err.fields
    assert error(lambda: redeem(setup, bill="abc")).fields.keys() == {"bill"}
    assert not Redemption.objects.exists()
    assert redeem(setup, bill="50").bill == Decimal("50.00")


def test_redeemed_once(setup):
    redeem(setup)
    err = error(lambda: redeem(setup))
    assert err.code == "not_redeemable" and err.status == 409
    assert Redemption.objects.count() == 1


def test_other_merchant_or_outlet_is_not_redeemable(setup, org):
    other_shop = merchant(org)
    other_till = outlet_of(other_shop)
    other_cashier = cashier(other_till)
    err = error(lambda: redeem(setup, outlet=other_till, actor=other_cashier))
    assert err.code == "not_redeemable"
    # restricted to some outlets of the merchant
    second = Outlet.objects.create(merchant=setup["shop"], name="二号店")
    setup["camp"].outlets.set([second])
    assert error(lambda: redeem(setup)).code == "not_redeemable"
    assert redeem(setup, outlet=second, actor=cashier(second)).outlet_id == second.pk


def test_only_the_outlets_cashiers(setup, org, demo):
    s = setup
    stranger_till = outlet_of(merchant(org))
    foreign_cashier = cashier(stranger_till)
    for actor in (foreign_cashier, demo.user("futian_staff"), s["voucher"].user):
        assert error(lambda actor=actor: redeem(s, actor=actor)).status == 404
    # a Cashier row without the role is not enough either
    no_role = demo.user("baoan_staff")
    Cashier.objects.create(user=no_role, outlet=s["till"])
    assert error(lambda: redeem(s, actor=no_role)).status == 404
    # nor the role without the row (merchant_demo is a cashier at 中山, not at this outlet)
    assert error(lambda: redeem(s, actor=demo.user("merchant_demo"))).status == 404
    assert Voucher.objects.get(pk=s["voucher"].pk).status == VoucherStatus.CLAIMED


def test_inactive_outlet_cannot_redeem(setup):
    Outlet.objects.filter(pk=setup["till"].pk).update(active=False)
    setup["till"].refresh_from_db()
    assert error(lambda: redeem(setup)).status == 404


def test_expired_not_yet_valid_and_revoked(setup, demo):
    s = setup
    v = s["voucher"]
    Voucher.objects.filter(pk=v.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert error(lambda: redeem(s)).code == "not_redeemable"
    Voucher.objects.filter(pk=v.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=3), valid_from=timezone.now() + dt.timedelta(days=1)
    )
    assert error(lambda: redeem(s)).code == "not_redeemable"
    Voucher.objects.filter(pk=v.pk).update(valid_from=timezone.now() - dt.timedelta(days=1))
    voucher_revoke(actor=demo.user("futian_staff"), voucher=v, reason="作废")
    assert error(lambda: redeem(s)).code == "not_redeemable"


def test_preview(setup):
    s = setup
    assert (
        voucher_preview(actor=s["cashier"], outlet=s["till"], code=voucher_qr(s["voucher"])).pk
        == s["voucher"].pk
    )
    assert Voucher.objects.get(pk=s["voucher"].pk).status == VoucherStatus.CLAIMED  # wrote nothing
    redeem(s)
    err = error(lambda: voucher_preview(actor=s["cashier"], outlet=s["till"], code=s["voucher"].code))
    assert err.code == "not_redeemable"


def test_idempotency_key_replays_and_refuses_a_different_body(setup):
    s = setup
    first = redeem(s, key="till-1")
    again = redeem(s, key="till-1", code=s["voucher"].code, bill="88")  # typed this time: same voucher
    assert again.pk == first.pk
    err = error(lambda: redeem(s, key="till-1", bill="90.00"))
    assert err.code == "idempotency_mismatch" and err.status == 422
    assert Redemption.objects.count() == 1


# --- reversal -------------------------------------------------------------------------------------


def test_cashier_reverses_within_the_window(setup, demo):
    s = setup
    r = redeem(s)
    redemption_reverse(actor=s["cashier"], redemption=r, reason="顾客退货")
    r.refresh_from_db()
    assert r.reversed_at and r.reversed_by == s["cashier"] and r.reverse_reason == "顾客退货"
    v = Voucher.objects.get(pk=s["voucher"].pk)
    assert v.status == VoucherStatus.CLAIMED and v.redeemed_at is None
    # the ledger keeps the redemption and cancels it with a reversal row (never a delete)
    rows = ServiceRecord.objects.filter(source=RecordSource.VOUCHER, source_id=r.pk)
    assert sorted((row.leg, row.qty, row.driven) for row in rows) == [
        ("", 1, r.bill),
        ("reversal", -1, -r.bill),
    ]
    assert AuditEntry.objects.filter(action="voucher.reverse", object_id=str(r.pk)).exists()
    assert error(lambda: redemption_reverse(actor=s["cashier"], redemption=r)).code == "invalid_transition"
    # usable again
    again = redeem(s, bill="60")
    assert again.pk != r.pk and Redemption.objects.filter(reversed_at__isnull=True).count() == 1


@override_settings(BENEFITS_REVERSAL_MINUTES=30)
def test_reversal_window(setup, demo):
    s = setup
    r = redeem(s)
    Redemption.objects.filter(pk=r.pk).update(at=timezone.now() - dt.timedelta(minutes=31))
    err = error(lambda: redemption_reverse(actor=s["cashier"], redemption=r))
    assert err.code == "reversal_window" and err.status == 409
    # union staff with benefits.manage may, until the voucher expires
    redemption_reverse(actor=demo.user("futian_staff"), redemption=r, reason="核对有误")
    r2 = redeem(s)
    Voucher.objects.filter(pk=s["voucher"].pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    err = error(lambda: redemption_reverse(actor=demo.user("futian_staff"), redemption=r2))
    assert err.code == "reversal_window"


def test_reversal_by_others_is_refused(setup, demo):
    s = setup
    r = redeem(s)
    assert error(lambda: redemption_reverse(actor=demo.user("baoan_staff"), redemption=r)).status == 404
    other_cashier = cashier(outlet_of(merchant(demo.org("福田区总"))))
    assert error(lambda: redemption_reverse(actor=other_cashier, redemption=r)).status in (403, 404)
    assert Redemption.objects.get(pk=r.pk).reversed_at is None
