"""Worker H5 voucher pages: the list by state, a campaign page (countdown, remaining, claim
button that replays on a second submit, refusals per code), lottery registration and the draw
list, my vouchers with QR codes, one voucher."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.benefits.support import campaign, claimer
from zhijia.benefits import codes
from zhijia.benefits.enums import CampaignStatus, VoucherStatus
from zhijia.benefits.models import LotteryEntry, Round, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.lottery import entry_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("中山市总")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def result(response) -> str:
    return re.search(r'data-testid="claim-result" data-status="([^"]*)"', response.content.decode()).group(1)


def later(camp, minutes=30):
    opens = timezone.now() + dt.timedelta(minutes=minutes)
    Round.objects.filter(campaign=camp, number=1).update(
        opens_at=opens, closes_at=opens + dt.timedelta(hours=1)
    )
    return opens


def test_list_sorts_campaigns_into_open_and_coming_up(org, django_assert_max_num_queries):
    campaign(org, title="开放中的券")
    coming = campaign(org, title="即将开抢的券")
    later(coming)
    campaign(org, title="草稿券", status=CampaignStatus.DRAFT)
    with django_assert_max_num_queries(3 + 2):  # page, rounds, merchants; remaining per campaign
        response = Client().get(reverse("h5:vouchers_list"))
    with django_assert_max_num_queries(3):  # remaining cached for a second
        Client().get(reverse("h5:vouchers_list"))
    html = response.content.decode()
    assert response.status_code == 200
    open_part, upcoming_part = html.split('data-testid="section-upcoming"')
    assert "开放中的券" in open_part and "即将开抢的券" in upcoming_part
    assert "草稿券" not in html
    assert open_part.count('data-testid="campaign-card"') == 1
    assert upcoming_part.count('data-testid="campaign-card"') == 1


def test_campaign_page_anonymous_sees_the_login_button_and_the_remaining_stock(org):
    camp = campaign(org, total=7)
    response = Client().get(reverse("h5:vouchers_campaign", args=[camp.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="login-to-claim"' in html and 'data-testid="claim-form"' not in html
    assert 'data-testid="remaining">7<' in html
    assert f'data-url="/api/v1/voucher-campaigns/{camp.pk}/state"' in html
    assert 'data-pane="open"' in html


def test_campaign_page_before_the_release_counts_down_with_a_disabled_button(org):
    camp = campaign(org, total=5)
    opens = later(camp, minutes=5)
    user, _p = claimer(org)
    html = logged_in(user).get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert 'data-pane="wait"' in html
    target = re.search(r'data-target="([^"]+)"', html).group(1)
    assert abs(dt.datetime.fromisoformat(target) - opens) < dt.timedelta(seconds=1)
    button = re.search(r'<button[^>]*data-testid="claim"[^>]*>', html).group(0)
    assert "disabled" in button
    key = re.search(r'name="key" value="([0-9a-f]{32})"', html)
    assert key  # drawn at render: a second submit of this form replays


def test_claim_then_a_second_submit_of_the_same_form_shows_the_same_voucher(org):
    camp = campaign(org, total=5)
    user, _p = claimer(org, occupation="courier")
    client = logged_in(user)
    url = reverse("h5:vouchers_claim", args=[camp.pk])
    first = client.post(url, {"key": "form-key-1"})
    assert first.status_code == 200 and result(first) == "claimed"
    voucher = Voucher.objects.get(campaign=camp)
    assert voucher.code in first.content.decode()
    again = client.post(url, {"key": "form-key-1"})  # the double tap that got through
    assert result(again) == "claimed" and voucher.code in again.content.decode()
    assert Voucher.objects.filter(campaign=camp).count() == 1
    other = client.post(url, {"key": "form-key-2"})
    assert result(other) == "already_claimed"
    page = client.get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert 'data-testid="already-mine"' in page and 'data-testid="holds-enough"' in page


def test_claim_refusals_are_explained(org, demo):
    sold = campaign(org, total=1)
    winner, _p = claimer(org)
    voucher_claim(user=winner, campaign_id=sold.pk)
    user, _p = claimer(org)
    client = logged_in(user)
    response = client.post(reverse("h5:vouchers_claim", args=[sold.pk]), {"key": "a"})
    assert result(response) == "sold_out"
    assert 'data-testid="result-title"' in response.content.decode()
    closed = campaign(org)
    later(closed)
    assert result(client.post(reverse("h5:vouchers_claim", args=[closed.pk]), {"key": "b"})) == "not_open"
    couriers = campaign(org, occupations=["courier"])
    refused = client.post(reverse("h5:vouchers_claim", args=[couriers.pk]), {"key": "c"})
    assert result(refused) == "not_eligible"
    assert 'data-testid="result-reason"' in refused.content.decode()
    assert Voucher.objects.filter(person__user=user).count() == 0


def test_claim_needs_a_worker_login(org, demo):
    camp = campaign(org)
    url = reverse("h5:vouchers_claim", args=[camp.pk])
    anonymous = Client().post(url, {"key": "x"})
    assert anonymous.status_code == 302 and "/h5/login/" in anonymous["Location"]
    staff = logged_in(demo.user("province_admin")).post(url, {"key": "x"})
    assert staff.status_code == 302
    user, _p = claimer(org)
    back = logged_in(user).get(url)  # after the login an anonymous tap led to
    assert back.status_code == 302 and back["Location"] == reverse("h5:vouchers_campaign", args=[camp.pk])
    assert not Voucher.objects.exists()


def test_a_worker_without_membership_is_sent_to_join(org):
    from tests.activities.support import worker_user

    camp = campaign(org)
    html = logged_in(worker_user()).get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert reverse("h5:join") in html and 'data-testid="claim-form"' not in html


def test_lottery_page_registers_once_and_links_the_draw(org):
    lottery = campaign(org, total=1, allocation="lottery")
    user, _p = claimer(org)
    client = logged_in(user)
    page = client.get(reverse("h5:vouchers_campaign", args=[lottery.pk])).content.decode()
    assert lottery.seed_hash in page and 'data-testid="register"' in page
    assert reverse("h5:vouchers_draw", args=[lottery.pk]) in page
    done = client.post(reverse("h5:vouchers_register", args=[lottery.pk]))
    assert result(done) == "registered" and 'data-testid="entry-number">1<' in done.content.decode()
    again = client.post(reverse("h5:vouchers_register", args=[lottery.pk]))
    assert result(again) == "already_registered"
    assert LotteryEntry.objects.filter(campaign=lottery).count() == 1
    page = client.get(reverse("h5:vouchers_campaign", args=[lottery.pk])).content.decode()
    assert 'data-testid="my-entry"' in page and 'data-testid="register"' not in page


def test_draw_page_lists_entries_with_masked_names(org):
    lottery = campaign(org, total=1, allocation="lottery")
    for n in range(3):
        user, _p = claimer(org, name=f"李{n}娜")
        entry_register(user=user, campaign=lottery)
    response = Client().get(reverse("h5:vouchers_draw", args=[lottery.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="draw-entry"') == 3
    assert "李*娜" in html and "李0娜" not in html
    assert lottery.seed_hash in html and lottery.seed not in html  # the seed stays secret until the draw


def test_my_vouchers_show_a_qr_of_the_signed_code_and_the_plain_code(org):
    camp = campaign(org, total=3)
    user, _p = claimer(org)
    voucher = voucher_claim(user=user, campaign_id=camp.pk).voucher
    used = campaign(org)
    spent = voucher_claim(user=user, campaign_id=used.pk).voucher
    Voucher.objects.filter(pk=spent.pk).update(status=VoucherStatus.REDEEMED)
    client = logged_in(user)
    html = client.get(reverse("h5:vouchers_mine")).content.decode()
    assert voucher.code in html and "<svg" in html
    assert f'data-id="{voucher.pk}" data-status="claimed"' in html
    assert f'data-id="{spent.pk}" data-status="redeemed"' in html
    one = client.get(reverse("h5:vouchers_voucher", args=[voucher.pk]))
    assert one.status_code == 200
    assert voucher.code in one.content.decode() and "<svg" in one.content.decode()
    assert codes.parse(codes.voucher_qr(voucher)) == voucher.code


def test_someone_elses_voucher_is_404(org):
    camp = campaign(org, total=3)
    owner, _p = claimer(org)
    voucher = voucher_claim(user=owner, campaign_id=camp.pk).voucher
    stranger, _p = claimer(org)
    response = logged_in(stranger).get(reverse("h5:vouchers_voucher", args=[voucher.pk]))
    assert response.status_code == 404
    assert voucher.code not in response.content.decode()


def test_a_sold_out_round_counts_down_to_the_next_one(org):
    camp = campaign(org, total=2, rounds=2)  # one voucher in today's round, one tomorrow
    winner, _p = claimer(org)
    voucher_claim(user=winner, campaign_id=camp.pk)
    html = Client().get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert 'data-pane="wait"' in html
    note = re.search(r'<div[^>]*data-testid="round-sold-out"[^>]*>', html).group(0)
    assert "hidden" not in note
    tomorrow = Round.objects.get(campaign=camp, number=2).opens_at
    target = re.search(r'data-target="([^"]+)"', html).group(1)
    assert abs(dt.datetime.fromisoformat(target) - tomorrow) < dt.timedelta(seconds=1)


def test_phone_claim_goes_through_the_api_gate_before_any_database_work(org, api_client):
    """One entry point (benefits.services.claim.voucher_claim_request): with a cached sold_out
    the phone's claim reads no benefits table (the snapshot for the page is primed), and the API
    and the phone answer the same code."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijia.benefits import cache
    from zhijia.benefits.services.claim import snapshot

    camp = campaign(org, total=5)
    user, _p = claimer(org)
    client = logged_in(user)
    client.get(reverse("h5:vouchers_campaign", args=[camp.pk]))
    snapshot(camp.pk)
    cache.mark_sold_out(camp.pk, next_opens_at=None, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("h5:vouchers_claim", args=[camp.pk]), {"key": "g"})
    assert result(response) == "sold_out"
    touched = [q["sql"] for q in queries.captured_queries if "benefits_" in q["sql"]]
    assert touched == []
    from zhijia.accounts.tokens import token_issue

    api_client.token, _ = token_issue(user=user)
    api = api_client.post(f"/api/v1/voucher-campaigns/{camp.pk}/claims", headers={"Idempotency-Key": "g"})
    assert (api.status_code, api.json()["code"]) == (409, "sold_out")


def test_campaign_page_says_why_a_member_may_not_claim_before_the_tap(org, demo):
    """The page runs the claim's own eligibility rules: a member outside the funded subtree or
    of another occupation sees the reason instead of the claim button; an eligible one sees
    the button; the lottery box follows the same rule."""
    outsider, _p = claimer(demo.org("福田区总"))
    camp = campaign(org)
    html = logged_in(outsider).get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert 'data-testid="ineligible" data-code="not_eligible"' in html
    assert "中山市总工会" in html.split('data-testid="ineligible"')[1]
    assert 'data-testid="claim-form"' not in html

    clerk, _p = claimer(org, occupation="clerk")
    couriers = campaign(org, occupations=["courier"])
    html = logged_in(clerk).get(reverse("h5:vouchers_campaign", args=[couriers.pk])).content.decode()
    assert 'data-testid="ineligible"' in html and 'data-testid="claim-form"' not in html

    courier, _p = claimer(org, occupation="courier")
    html = logged_in(courier).get(reverse("h5:vouchers_campaign", args=[couriers.pk])).content.decode()
    assert 'data-testid="ineligible"' not in html and 'data-testid="claim-form"' in html

    draw = campaign(org, allocation="lottery")
    html = logged_in(outsider).get(reverse("h5:vouchers_campaign", args=[draw.pk])).content.decode()
    assert 'data-testid="ineligible"' in html and 'data-testid="register"' not in html


def test_a_lapsed_member_is_shown_the_way_to_join(org):
    from zhijia.members.enums import MemberStatus
    from zhijia.members.models import Membership

    user, person = claimer(org)
    Membership.objects.filter(person=person).update(status=MemberStatus.WITHDRAWN)
    camp = campaign(org)
    html = logged_in(user).get(reverse("h5:vouchers_campaign", args=[camp.pk])).content.decode()
    assert 'data-testid="claim-form"' not in html
    assert 'data-testid="ineligible-join"' in html
