"""The till API (GET /redemptions/check, POST /redemptions, POST /redemptions/<id>/reverse): a
cashier sees only their own outlets, codes are checked for tampering, a redemption happens once
(idempotent retries, 422 on a reused key), reversal within the window."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from tests.benefits.support import campaign, cashier, claimer, outlet_of
from zhijia.accounts.tokens import token_issue
from zhijia.benefits import codes
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Redemption, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.members.services.rights import consent_give
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db
R = "/api/v1/redemptions"


@pytest.fixture
def org(demo):
    return demo.org("中山市总")


@pytest.fixture
def till(org):
    """A campaign (满50减40) with one merchant outlet and its cashier, and a claimed voucher."""
    camp = campaign(org, total=5)
    outlet = outlet_of(camp.merchants.get())
    worker, _person = claimer(org, name="王快递")
    voucher = voucher_claim(user=worker, campaign_id=camp.pk).voucher
    return {"campaign": camp, "outlet": outlet, "cashier": cashier(outlet), "voucher": voucher}


def api(user) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_issue(user=user)[0]}"
    return client


def check(client, code, outlet):
    return client.get(f"{R}/check", {"code": code, "outlet_id": str(outlet.pk)})


def redeem(client, code, outlet, bill, key=""):
    headers = {"Idempotency-Key": key} if key else {}
    body = {"code": code, "outlet_id": str(outlet.pk), "bill": bill}
    return client.post(R, body, content_type="application/json", headers=headers)


def test_check_shows_the_voucher_with_a_masked_holder(till):
    v = till["voucher"]
    consent_give(actor=None, person=v.person, purpose="merchant_sharing", notice_version="2026-11")
    response = check(api(till["cashier"]), codes.voucher_qr(v), till["outlet"])
    assert response.status_code == 200
    body = response.json()
    assert body["voucher_id"] == str(v.pk) and body["code"] == v.code
    assert body["holder"] == "王*递" and "王快递" not in response.content.decode()
    assert (body["face_value"], body["threshold"]) == ("40.00", "50.00")
    assert body["campaign"] == till["campaign"].title and body["status"] == "claimed"
    typed = check(api(till["cashier"]), v.code.lower(), till["outlet"])
    assert typed.status_code == 200 and typed.json()["voucher_id"] == str(v.pk)


def test_tampered_or_unknown_codes_are_400_bad_code(till):
    payload = codes.voucher_qr(till["voucher"])
    other = "2" * 12 if not till["voucher"].code.startswith("2") else "3" * 12
    tampered = other + payload[12:]  # another code with the first one's signature
    client = api(till["cashier"])
    for code in (tampered, other, "not-a-code"):
        response = check(client, code, till["outlet"])
        assert response.status_code == 400, code
        assert response.json()["code"] == "bad_code" and "code" in response.json()["fields"]
        redeemed = redeem(client, code, till["outlet"], "60")
        assert redeemed.status_code == 400 and redeemed.json()["code"] == "bad_code"
    assert not Redemption.objects.exists()


def test_cashier_of_another_outlet_or_merchant_gets_404(till, org):
    elsewhere = campaign(org)
    stranger = cashier(outlet_of(elsewhere.merchants.get()))
    client = api(stranger)
    assert check(client, till["voucher"].code, till["outlet"]).status_code == 404
    assert redeem(client, till["voucher"].code, till["outlet"], "60").status_code == 404
    worker, _p = claimer(org)
    assert check(api(worker), till["voucher"].code, till["outlet"]).status_code == 404
    assert Client().get(f"{R}/check", {"code": "x", "outlet_id": str(till["outlet"].pk)}).status_code == 401
    assert not Redemption.objects.exists()


def test_a_voucher_for_another_merchant_is_not_redeemable_here(till, org):
    elsewhere = campaign(org)
    their_till = outlet_of(elsewhere.merchants.get())
    cashier(their_till, user=till["cashier"])  # the same person works at both shops
    response = check(api(till["cashier"]), till["voucher"].code, their_till)
    assert response.status_code == 409 and response.json()["code"] == "not_redeemable"


def test_redeem_answers_what_the_customer_pays_and_writes_the_ledger(till):
    v = till["voucher"]
    response = redeem(api(till["cashier"]), codes.voucher_qr(v), till["outlet"], "68.50", key="k1")
    assert response.status_code == 201, response.content
    body = response.json()
    redemption = Redemption.objects.get()
    assert body["id"] == str(redemption.pk) and body["voucher_id"] == str(v.pk)
    assert (body["bill"], body["face_value"], body["to_pay"]) == ("68.50", "40.00", "28.50")
    assert Voucher.objects.get(pk=v.pk).status == VoucherStatus.REDEEMED
    assert ServiceRecord.objects.filter(source=RecordSource.VOUCHER, source_id=redemption.pk).count() == 1


def test_to_pay_never_goes_below_zero(org):
    camp = campaign(org, threshold=Decimal("0"), face_value=Decimal("30"))
    outlet = outlet_of(camp.merchants.get())
    worker, _p = claimer(org)
    v = voucher_claim(user=worker, campaign_id=camp.pk).voucher
    body = redeem(api(cashier(outlet)), v.code, outlet, "12").json()
    assert body["to_pay"] == "0.00"


def test_retry_with_the_same_key_replays_and_another_body_is_422(till):
    client = api(till["cashier"])
    code = till["voucher"].code
    first = redeem(client, code, till["outlet"], "60", key="till-7")
    again = redeem(client, code, till["outlet"], "60", key="till-7")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    mismatch = redeem(client, code, till["outlet"], "61", key="till-7")
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "idempotency_mismatch"
    second_scan = redeem(client, code, till["outlet"], "60", key="till-8")
    assert second_scan.status_code == 409 and second_scan.json()["code"] == "not_redeemable"
    assert Redemption.objects.count() == 1


def test_bill_below_the_threshold_is_400_naming_the_bill(till):
    response = redeem(api(till["cashier"]), till["voucher"].code, till["outlet"], "49.99")
    assert response.status_code == 400
    assert response.json()["code"] == "below_threshold" and list(response.json()["fields"]) == ["bill"]
    garbage = redeem(api(till["cashier"]), till["voucher"].code, till["outlet"], "abc")
    assert garbage.status_code == 400 and "bill" in garbage.json()["fields"]
    assert Voucher.objects.get(pk=till["voucher"].pk).status == VoucherStatus.CLAIMED


def test_reverse_within_the_window_then_not_twice(till):
    client = api(till["cashier"])
    rid = redeem(client, till["voucher"].code, till["outlet"], "60").json()["id"]
    response = client.post(f"{R}/{rid}/reverse", {"reason": "顾客退货"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["reversed_at"] and response.json()["reverse_reason"] == "顾客退货"
    assert Voucher.objects.get(pk=till["voucher"].pk).status == VoucherStatus.CLAIMED
    twice = client.post(f"{R}/{rid}/reverse", {"reason": "x"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"


def test_reverse_after_the_window_is_for_union_staff_only(till, demo, org):
    client = api(till["cashier"])
    rid = redeem(client, till["voucher"].code, till["outlet"], "60").json()["id"]
    Redemption.objects.filter(pk=rid).update(at=Redemption.objects.get(pk=rid).at - dt.timedelta(hours=2))
    late = client.post(f"{R}/{rid}/reverse", {"reason": "x"}, content_type="application/json")
    assert late.status_code == 409 and late.json()["code"] == "reversal_window"
    # Another shop's cashier: their role lies on the funding union, without benefits.manage (403).
    stranger = cashier(outlet_of(campaign(org).merchants.get()))
    assert api(stranger).post(f"{R}/{rid}/reverse", {}, content_type="application/json").status_code == 403
    outside = api(demo.user("futian_staff")).post(f"{R}/{rid}/reverse", {}, content_type="application/json")
    assert outside.status_code == 404
    assert Redemption.objects.get(pk=rid).reversed_at is None
    staff = api(demo.user("province_admin"))
    ok = staff.post(f"{R}/{rid}/reverse", {"reason": "核实误核销"}, content_type="application/json")
    assert ok.status_code == 200
    assert Redemption.objects.get(pk=rid).reversed_at is not None
