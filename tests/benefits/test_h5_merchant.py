"""The merchant till H5: outlet choice, scan/type → preview (masked holder) → bill → confirm →
"to pay", double submits replayed, refusals per code, today's list with reversal within the
window, and nothing for anyone who is not a cashier of the outlet."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.benefits.support import campaign, cashier, claimer, merchant, outlet_of
from zhijia.benefits import codes
from zhijia.benefits.enums import VoucherStatus
from zhijia.benefits.models import Redemption, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.redeem import voucher_redeem
from zhijia.members.services.rights import consent_give

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("中山市总")


@pytest.fixture
def till(org):
    camp = campaign(org, total=5, title="中山消费券")
    outlet = outlet_of(camp.merchants.get())
    worker, person = claimer(org, name="王快递", occupation="courier")
    consent_give(actor=worker, person=person, purpose="merchant_sharing", notice_version="2026-11")
    voucher = voucher_claim(user=worker, campaign_id=camp.pk).voucher
    user = cashier(outlet)
    client = Client()
    client.force_login(user)
    return {"campaign": camp, "outlet": outlet, "user": user, "client": client, "voucher": voucher}


def step(response) -> str:
    return re.search(r'data-testid="till" data-step="([^"]+)"', response.content.decode()).group(1)


def refusal_code(response) -> str:
    return re.search(r'data-testid="till-refusal" data-code="([^"]+)"', response.content.decode()).group(1)


def test_home_goes_straight_to_the_only_outlet_and_lists_several(till, org):
    client = till["client"]
    response = client.get(reverse("h5:merchant_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("h5:merchant_redeem", args=[till["outlet"].pk])
    second = outlet_of(merchant(org, name="第二家店"))
    cashier(second, user=till["user"])
    listing = client.get(reverse("h5:merchant_home"))
    assert listing.status_code == 200
    assert listing.content.decode().count('data-testid="till-outlet-choice"') == 2


def test_scan_page_offers_the_camera_and_the_typed_code(till):
    response = till["client"].get(reverse("h5:merchant_redeem", args=[till["outlet"].pk]))
    html = response.content.decode()
    assert response.status_code == 200 and step(response) == "scan"
    assert "h5/merchant/scan.js" in html and 'data-testid="till-code-input"' in html  # BarcodeDetector there
    assert till["outlet"].name in html


def test_preview_confirm_and_to_pay(till):
    client, outlet, voucher = till["client"], till["outlet"], till["voucher"]
    url = reverse("h5:merchant_redeem", args=[outlet.pk])
    preview = client.post(url, {"action": "preview", "code": codes.voucher_qr(voucher)})
    html = preview.content.decode()
    assert step(preview) == "preview"
    assert "王*递" in html and "王快递" not in html
    assert "中山消费券" in html and 'data-testid="till-threshold">50' in html
    key = re.search(r'name="key" value="([0-9a-f]{32})"', html).group(1)
    body = {"action": "confirm", "code": codes.voucher_qr(voucher), "key": key, "bill": "88"}
    done = client.post(url, body)
    assert step(done) == "done"
    assert 'data-amount="48"' in done.content.decode()
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED
    again = client.post(url, body)  # a double tap on "confirm"
    assert step(again) == "done" and 'data-amount="48"' in again.content.decode()
    assert Redemption.objects.count() == 1


def test_typed_code_bill_below_threshold_shows_the_preview_again(till):
    client, outlet, voucher = till["client"], till["outlet"], till["voucher"]
    url = reverse("h5:merchant_redeem", args=[outlet.pk])
    low = client.post(url, {"action": "confirm", "code": voucher.code.lower(), "key": "k", "bill": "30"})
    assert step(low) == "preview" and 'data-testid="till-bill-error"' in low.content.decode()
    nonsense = client.post(url, {"action": "confirm", "code": voucher.code, "key": "k", "bill": "abc"})
    assert step(nonsense) == "preview" and 'data-testid="till-bill-error"' in nonsense.content.decode()
    assert not Redemption.objects.exists()


def test_refusals_per_code(till, org):
    client, outlet, voucher = till["client"], till["outlet"], till["voucher"]
    url = reverse("h5:merchant_redeem", args=[outlet.pk])
    forged = "2" * 12 + codes.voucher_qr(voucher)[12:]
    bad = client.post(url, {"action": "preview", "code": forged})
    assert step(bad) == "scan" and refusal_code(bad) == "bad_code"
    voucher_redeem(actor=till["user"], outlet=outlet, code=voucher.code, bill="60")
    used = client.post(url, {"action": "preview", "code": voucher.code})
    assert refusal_code(used) == "not_redeemable"
    assert voucher.code in used.content.decode()  # the typed code stays in the box
    other, _p = claimer(org)
    elsewhere = campaign(org)  # a voucher of another merchant's campaign
    foreign = voucher_claim(user=other, campaign_id=elsewhere.pk).voucher
    assert refusal_code(client.post(url, {"action": "preview", "code": foreign.code})) == "not_redeemable"


def test_not_a_cashier_of_this_outlet(till, org, demo):
    url = reverse("h5:merchant_redeem", args=[till["outlet"].pk])
    stranger = cashier(outlet_of(merchant(org)))
    client = Client()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    body = {"action": "confirm", "code": till["voucher"].code, "key": "x", "bill": "60"}
    assert client.post(url, body).status_code == 404
    assert client.get(reverse("h5:merchant_today", args=[till["outlet"].pk])).status_code == 404
    staff = Client()
    staff.force_login(demo.user("futian_staff"))
    assert staff.get(reverse("h5:merchant_home")).status_code == 403
    worker, _p = claimer(org)
    phone = Client()
    phone.force_login(worker)
    assert phone.get(url).status_code == 302
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("staff:login"))
    assert not Redemption.objects.exists()


def test_today_lists_redemptions_and_reverses_within_the_window(till):
    client, outlet, voucher = till["client"], till["outlet"], till["voucher"]
    redemption = voucher_redeem(actor=till["user"], outlet=outlet, code=voucher.code, bill="60")
    page = client.get(reverse("h5:merchant_today", args=[outlet.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="till-redemption"') == 1
    assert 'data-testid="till-reverse"' in html and 'data-testid="till-count">1<' in html
    assert "王*递" in html and voucher.code not in html  # code masked in the list
    done = client.post(reverse("h5:merchant_reverse", args=[redemption.pk]), {"reason": "顾客退货"})
    assert done.status_code == 302 and done["Location"] == reverse("h5:merchant_today", args=[outlet.pk])
    redemption.refresh_from_db()
    assert redemption.reversed_at is not None and redemption.reverse_reason == "顾客退货"
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.CLAIMED
    html = client.get(reverse("h5:merchant_today", args=[outlet.pk])).content.decode()
    assert 'data-state="reversed"' in html and 'data-testid="till-count">0<' in html


def test_after_the_window_no_reverse_button_and_a_late_post_is_refused(till):
    client, outlet, voucher = till["client"], till["outlet"], till["voucher"]
    redemption = voucher_redeem(actor=till["user"], outlet=outlet, code=voucher.code, bill="60")
    Redemption.objects.filter(pk=redemption.pk).update(at=redemption.at - dt.timedelta(hours=1))
    html = client.get(reverse("h5:merchant_today", args=[outlet.pk])).content.decode()
    assert 'data-testid="till-reverse"' not in html
    late = client.post(reverse("h5:merchant_reverse", args=[redemption.pk]), {"reason": "x"}, follow=True)
    assert "alert-danger" in late.content.decode()
    redemption.refresh_from_db()
    assert redemption.reversed_at is None
