"""POST /api/v1/voucher-campaigns/<id>/claims — the contract phones and the flash-sale bench rely
on: exact shapes and codes, idempotent replays, and the order of the cheap answers (cached
sold_out / not_open before authentication, without a query)."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from tests.benefits.support import campaign, claimer
from zhijia.accounts.tokens import token_issue
from zhijia.benefits.models import Round, Voucher
from zhijia.benefits.services import claim as claim_service

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture
def org(demo):
    return demo.org("中山市总")


def url(camp) -> str:
    return f"/api/v1/voucher-campaigns/{camp.pk}/claims"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_issue(user=user)[0]}"}


def post(client, camp, headers=None):
    return client.post(url(camp), content_type="application/json", headers=headers or {})


def test_claim_answers_201_with_the_voucher_and_a_retry_with_the_same_key_replays_it(org):
    camp = campaign(org, total=5)
    user, person = claimer(org)
    client = Client()
    auth = bearer(user)
    first = post(client, camp, {**auth, "Idempotency-Key": "tap-1"})
    assert first.status_code == 201, first.content
    voucher = Voucher.objects.get(campaign=camp)
    assert voucher.person_id == person.pk
    assert first.json() == {
        "voucher_id": str(voucher.pk),
        "code": voucher.code,
        "expires_at": first.json()["expires_at"],
    }
    sent = dt.datetime.fromisoformat(first.json()["expires_at"])
    assert abs(sent - voucher.expires_at) < dt.timedelta(milliseconds=1)  # JSON keeps milliseconds
    again = post(client, camp, {**auth, "Idempotency-Key": "tap-1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert Voucher.objects.filter(campaign=camp).count() == 1
    assert Round.objects.get(campaign=camp).claimed == 1


def test_another_key_is_already_claimed(org):
    camp = campaign(org, total=5)
    user, _person = claimer(org)
    auth = bearer(user)
    assert post(Client(), camp, {**auth, "Idempotency-Key": "a"}).status_code == 201
    for _ in range(2):  # from the database, then from the cached flag
        second = post(Client(), camp, {**auth, "Idempotency-Key": "b"})
        assert second.status_code == 409
        assert second.json()["code"] == "already_claimed"
        assert set(second.json()) == ERROR_KEYS
    without_key = post(Client(), camp, auth)
    assert without_key.status_code == 409 and without_key.json()["code"] == "already_claimed"
    assert Voucher.objects.filter(campaign=camp).count() == 1


def test_sold_out_then_answered_from_cache_even_without_login_and_without_a_query(
    org, django_assert_num_queries
):
    camp = campaign(org, total=1)
    (first, _p1), (second, _p2) = claimer(org), claimer(org)
    assert post(Client(), camp, {**bearer(first), "Idempotency-Key": "1"}).status_code == 201
    lost = post(Client(), camp, {**bearer(second), "Idempotency-Key": "2"})
    assert lost.status_code == 409 and lost.json()["code"] == "sold_out"
    assert set(lost.json()) == ERROR_KEYS
    anonymous = Client()
    with django_assert_num_queries(0):
        cheap = post(anonymous, camp, {"Idempotency-Key": "3"})
    assert cheap.status_code == 409 and cheap.json()["code"] == "sold_out"
    assert Voucher.objects.filter(campaign=camp).count() == 1


def test_the_winners_retry_after_sell_out_still_gets_its_voucher(org):
    """A flaky network: the first answer was lost, the round sold out meanwhile; the retry with
    the same key passes the cached sold_out and is answered with the first voucher."""
    camp = campaign(org, total=1)
    (winner, _p1), (loser, _p2) = claimer(org), claimer(org)
    first = post(Client(), camp, {**bearer(winner), "Idempotency-Key": "w"})
    assert post(Client(), camp, {**bearer(loser), "Idempotency-Key": "l"}).json()["code"] == "sold_out"
    retry = post(Client(), camp, {**bearer(winner), "Idempotency-Key": "w"})
    assert retry.status_code == 201 and retry.json() == first.json()
    # The key alone proves nothing: without a login the retry is 401, never the voucher.
    assert post(Client(), camp, {"Idempotency-Key": "w"}).status_code == 401


def test_not_open_then_cached_for_everyone(org, django_assert_num_queries):
    later = timezone.now() + dt.timedelta(hours=3)
    camp = campaign(org, total=5)
    Round.objects.filter(campaign=camp).update(opens_at=later, closes_at=later + dt.timedelta(hours=1))
    user, _person = claimer(org)
    early = post(Client(), camp, {**bearer(user), "Idempotency-Key": "early"})
    assert early.status_code == 409 and early.json()["code"] == "not_open"
    with django_assert_num_queries(0):
        cheap = post(Client(), camp)
    assert cheap.status_code == 409 and cheap.json()["code"] == "not_open"
    assert not Voucher.objects.filter(campaign=camp).exists()


def test_unauthenticated_is_401_when_nothing_is_cached(org):
    camp = campaign(org, total=5)
    response = post(Client(), camp, {"Idempotency-Key": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated" and set(response.json()) == ERROR_KEYS
    bad_token = post(Client(), camp, {"Authorization": "Bearer nonsense"})
    assert bad_token.status_code == 401
    assert not Voucher.objects.exists()


def test_session_login_needs_the_csrf_token(org):
    camp = campaign(org, total=5)
    user, _person = claimer(org)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/h5/login/")  # any page with a form sets the CSRF cookie
    refused = post(browser, camp, {"Idempotency-Key": "s"})
    assert refused.status_code == 403
    assert not Voucher.objects.exists()
    token = browser.cookies["csrftoken"].value
    ok = post(browser, camp, {"Idempotency-Key": "s", "X-CSRFToken": token})
    assert ok.status_code == 201
    assert Voucher.objects.get().user_id == user.pk


def test_not_eligible_names_the_rule(org, demo):
    camp = campaign(org, total=5, occupations=["courier"])
    rider, _p = claimer(org, occupation="delivery_rider")
    response = post(Client(), camp, bearer(rider))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_eligible" and list(body["fields"]) == ["occupations"]
    elsewhere, _p = claimer(demo.org("福田区总"), occupation="courier")  # outside 中山's subtree
    outside = post(Client(), camp, bearer(elsewhere))
    assert outside.status_code == 403 and list(outside.json()["fields"]) == ["eligible_org"]
    staff = post(Client(), camp, bearer(demo.user("merchant_demo")))  # no membership at all
    assert staff.status_code == 403 and staff.json()["code"] == "not_eligible"
    assert not Voucher.objects.exists()


def test_rate_limited_past_the_setting(org, settings, frozen_clock):
    settings.BENEFITS_CLAIM_RATE = 2
    camp = campaign(org, total=5, occupations=["courier"])
    user, _p = claimer(org)  # not a courier: each attempt reaches the database
    auth = bearer(user)
    assert [post(Client(), camp, auth).status_code for _ in range(3)] == [403, 403, 429]
    assert post(Client(), camp, auth).json()["code"] == "rate_limited"


def test_lock_wait_is_409_busy(org, monkeypatch):
    camp = campaign(org, total=5)
    user, _p = claimer(org)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(claim_service, "_take", locked)
    response = post(Client(), camp, bearer(user))
    assert response.status_code == 409 and response.json()["code"] == "busy"
    assert not Voucher.objects.exists()
    assert Round.objects.get(campaign=camp).claimed == 0


def test_unknown_or_malformed_campaign_is_404(org):
    user, _p = claimer(org)
    auth = bearer(user)
    missing = Client().post(
        "/api/v1/voucher-campaigns/00000000-0000-0000-0000-000000000000/claims",
        content_type="application/json",
        headers=auth,
    )
    assert missing.status_code == 404
    garbage = Client().post("/api/v1/voucher-campaigns/nope/claims", content_type="application/json")
    assert garbage.status_code == 404


def test_a_lottery_cannot_be_claimed(org):
    camp = campaign(org, total=2, allocation="lottery")
    user, _p = claimer(org)
    response = post(Client(), camp, bearer(user))
    assert response.status_code == 409 and response.json()["code"] == "not_open"


def test_redis_down_claims_still_work_and_stay_correct(org, redis_down):
    camp = campaign(org, total=1)
    (first, _p1), (second, _p2) = claimer(org), claimer(org)
    assert post(Client(), camp, {**bearer(first), "Idempotency-Key": "1"}).status_code == 201
    assert post(Client(), camp, {**bearer(second), "Idempotency-Key": "2"}).json()["code"] == "sold_out"
    assert post(Client(), camp, {"Idempotency-Key": "3"}).status_code == 401  # nothing cached
    assert Voucher.objects.filter(campaign=camp).count() == 1
