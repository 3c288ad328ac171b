"""voucher_claim, the first-come hot path: answers, idempotency, limits per person, the cache
gate (which only sheds losers, and is optional), query count."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from tests.activities.support import worker_user
from tests.benefits.support import campaign, claimer
from zhijia.benefits import cache
from zhijia.benefits.enums import CampaignStatus, VoucherStatus
from zhijia.benefits.models import Round, Voucher
from zhijia.benefits.services.claim import snapshot, voucher_claim
from zhijia.benefits.services.vouchers import voucher_revoke
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.members.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(demo):
    return demo.org("福田区总")


def refused(code, **kwargs):
    with pytest.raises(ApplicationError) as info:
        voucher_claim(**kwargs)
    assert info.value.code == code, info.value.as_dict()
    return info.value


def claimed(camp):
    return Round.objects.filter(campaign=camp).values_list("claimed", flat=True)


def test_claim_gives_a_voucher_bound_to_the_person(org):
    camp = campaign(org, total=5)
    user, person = claimer(org)
    result = voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="k1")
    v = result.voucher
    assert result.replayed is False
    assert v.person_id == person.pk and v.user_id == user.pk
    assert v.status == VoucherStatus.CLAIMED
    assert v.claim_key == f"{person.pk}:1"
    assert len(v.code) == 12 and v.code.isalnum() and v.code.upper() == v.code
    assert v.expires_at == camp.valid_until
    assert (v.face_value, v.threshold) == (camp.face_value, camp.threshold)
    assert list(claimed(camp)) == [1]
    entry = AuditEntry.objects.get(action="voucher.claim", object_id=str(v.pk))
    assert entry.org_id == org.pk and entry.actor_id == user.pk


def test_valid_days_shortens_expiry(org):
    camp = campaign(org, valid_days=3)
    user, _p = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert v.expires_at - v.claimed_at == dt.timedelta(days=3)


def test_second_claim_is_already_claimed_and_changes_nothing(org):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="a")
    refused("already_claimed", user=user, campaign_id=camp.pk, idempotency_key="b")
    assert Voucher.objects.filter(campaign=camp).count() == 1
    assert list(claimed(camp)) == [1]
    assert AuditEntry.objects.filter(action="voucher.claim").count() == 1


def test_replay_returns_the_first_voucher(org):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    first = voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="same")
    again = voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="same")
    assert again.replayed is True and again.voucher.pk == first.voucher.pk
    assert list(claimed(camp)) == [1]


def test_replay_still_answers_after_the_round_sold_out_and_closed(org, monkeypatch):
    camp = campaign(org, total=1)
    user, _p = claimer(org)
    other, _q = claimer(org)
    first = voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="k")
    refused("sold_out", user=other, campaign_id=camp.pk)
    assert cache.gate(camp.pk) == "sold_out"
    # the retry of the winner passes the gate (before and after authentication) …
    assert cache.gate(camp.pk, idempotency_key="k") is None
    assert cache.gate(camp.pk, user.pk, "k") is None
    # … and is answered with its voucher, even once the round has closed
    later = timezone.now() + dt.timedelta(hours=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="k")
    assert again.replayed and again.voucher.pk == first.voucher.pk


def test_sold_out_rolls_back_the_loser(org):
    camp = campaign(org, total=1)
    winner, _p = claimer(org)
    loser, _q = claimer(org)
    voucher_claim(user=winner, campaign_id=camp.pk)
    refused("sold_out", user=loser, campaign_id=camp.pk)
    assert Voucher.objects.filter(campaign=camp).count() == 1
    assert AuditEntry.objects.filter(action="voucher.claim").count() == 1
    assert list(claimed(camp)) == [1]


def test_not_open_before_between_and_after_rounds(org, monkeypatch):
    camp = campaign(org, total=4, rounds=2)  # round 1: -1h..+1h, round 2: +23h..+25h
    user, _p = claimer(org)
    base = timezone.now()
    for offset in (dt.timedelta(hours=-2), dt.timedelta(hours=5), dt.timedelta(days=3)):
        cache.local_clear()
        monkeypatch.setattr(timezone, "now", lambda offset=offset: base + offset)
        refused("not_open", user=user, campaign_id=camp.pk)
    monkeypatch.setattr(timezone, "now", lambda: base + dt.timedelta(hours=23, minutes=30))
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert v.round.number == 2


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.ENDED])
def test_not_open_unless_published_or_running(org, status):
    camp = campaign(org, status=status)
    user, _p = claimer(org)
    refused("not_open", user=user, campaign_id=camp.pk)


def test_a_draft_leaves_no_shared_flag(org):
    """A draft may be published any moment: its not_open must not linger in the shared cache."""
    camp = campaign(org, status=CampaignStatus.DRAFT)
    user, _p = claimer(org)
    refused("not_open", user=user, campaign_id=camp.pk)
    assert cache.gate(camp.pk) is None


def test_published_campaign_with_an_open_round_already_claims(org):
    camp = campaign(org, status=CampaignStatus.PUBLISHED)
    user, _p = claimer(org)
    assert voucher_claim(user=user, campaign_id=camp.pk).voucher.campaign_id == camp.pk


def test_lottery_campaign_cannot_be_claimed(org):
    camp = campaign(org, allocation="lottery")
    user, _p = claimer(org)
    refused("not_open", user=user, campaign_id=camp.pk)


def test_unknown_campaign_is_404(org):
    user, _p = claimer(org)
    refused("not_found", user=user, campaign_id="not-a-uuid")
    refused("not_found", user=user, campaign_id="01890000-0000-7000-8000-000000000000")


def test_anonymous_is_401(org):
    from django.contrib.auth.models import AnonymousUser

    camp = campaign(org)
    refused("not_authenticated", user=AnonymousUser(), campaign_id=camp.pk)


def test_account_without_a_person_is_not_eligible(org):
    camp = campaign(org)
    err = refused("not_eligible", user=worker_user(), campaign_id=camp.pk)
    assert err.status == 403 and "membership" in err.fields


def test_ended_early_is_seen_by_the_guarded_update_despite_a_stale_snapshot(org):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    snapshot(camp.pk)  # cached as running
    type(camp).objects.filter(pk=camp.pk).update(status=CampaignStatus.ENDED)  # another process
    refused("not_open", user=user, campaign_id=camp.pk)
    assert Voucher.objects.filter(campaign=camp).count() == 0 and list(claimed(camp)) == [0]


def test_at_most_n_per_person(org):
    camp = campaign(org, total=5, per_person=2)
    user, person = claimer(org)
    keys = {voucher_claim(user=user, campaign_id=camp.pk).voucher.claim_key for _ in range(2)}
    assert keys == {f"{person.pk}:1", f"{person.pk}:2"}
    refused("already_claimed", user=user, campaign_id=camp.pk)
    assert list(claimed(camp)) == [2]


def test_one_per_day(org, monkeypatch):
    camp = campaign(org, total=5, per_day=True, round_hours=60)
    user, person = claimer(org)
    first = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert first.claim_key == f"{person.pk}:{timezone.localdate().isoformat()}"
    refused("already_claimed", user=user, campaign_id=camp.pk)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    cache.local_clear()
    from django.core.cache import cache as django_cache

    django_cache.clear()  # the "held" flag lasts until local midnight
    second = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert second.claim_key == f"{person.pk}:{timezone.localdate(tomorrow).isoformat()}"


def test_revoking_frees_the_persons_claim(org, demo):
    camp = campaign(org, total=3)
    user, _p = claimer(org)
    v = voucher_claim(user=user, campaign_id=camp.pk).voucher
    refused("already_claimed", user=user, campaign_id=camp.pk)
    voucher_revoke(actor=demo.user("futian_staff"), voucher=v, reason="误领")
    again = voucher_claim(user=user, campaign_id=camp.pk).voucher
    assert again.pk != v.pk and again.claim_key == v.claim_key
    v.refresh_from_db()
    assert v.status == VoucherStatus.REVOKED and v.claim_key != again.claim_key


def test_a_second_account_of_the_same_person_cannot_claim_again(org):
    """One Person per normalised ID number (the blind index is unique), one account per Person
    (Person.user is one-to-one): a person who registers a new account reaches the same Person,
    and the claim key is the Person's — so the second account gets already_claimed."""
    camp = campaign(org, total=5)
    first_account, person = claimer(org)
    voucher_claim(user=first_account, campaign_id=camp.pk)
    second_account = worker_user()
    Person.objects.filter(pk=person.pk).update(user=second_account)  # the person's new account
    err = refused("already_claimed", user=second_account, campaign_id=camp.pk)
    assert err.status == 409
    assert Voucher.objects.filter(campaign=camp, person=person).count() == 1


def test_the_blind_index_admits_one_person_per_id_number(org):
    _u, person = claimer(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="冒名", id_type="cn_resident", id_number="x", id_index=person.id_index)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            name="两个账号", id_type="cn_resident", id_number="y", id_index="other", user=person.user
        )


@override_settings(BENEFITS_CLAIM_RATE=2)
def test_claims_are_rate_limited_per_user(org, frozen_clock):
    camp = campaign(org, status=CampaignStatus.DRAFT)
    user, _p = claimer(org)
    other, _q = claimer(org)
    refused("not_open", user=user, campaign_id=camp.pk)
    refused("not_open", user=user, campaign_id=camp.pk)
    err = refused("rate_limited", user=user, campaign_id=camp.pk)
    assert err.status == 429
    refused("not_open", user=other, campaign_id=camp.pk)


# --- the cache gate ----------------------------------------------------------------------------


def test_gate_flags_follow_the_answers(org):
    camp = campaign(org, total=1)
    winner, _p = claimer(org)
    loser, _q = claimer(org)
    assert cache.gate(camp.pk) is None
    voucher_claim(user=winner, campaign_id=camp.pk, idempotency_key="w")
    assert cache.gate(camp.pk, winner.pk) == "already_claimed"  # no key: a new request
    assert cache.gate(camp.pk, winner.pk, "other-key") == "already_claimed"
    assert cache.gate(camp.pk, winner.pk, "w") is None  # its retry goes to the replay
    refused("sold_out", user=loser, campaign_id=camp.pk)
    assert cache.gate(camp.pk) == "sold_out"
    assert cache.gate(camp.pk, loser.pk) == "sold_out"


def test_not_open_flag_lasts_until_the_round_opens(org, monkeypatch):
    camp = campaign(org, total=2, rounds=2)
    user, _p = claimer(org)
    base = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: base + dt.timedelta(hours=5))
    refused("not_open", user=user, campaign_id=camp.pk)
    assert cache.gate(camp.pk) == "not_open"
    seen = {}
    real_set = cache._cache.set

    def spy(key, value, timeout=None):
        seen[key] = timeout
        return real_set(key, value, timeout)

    monkeypatch.setattr(cache._cache, "set", spy)
    refused("not_open", user=user, campaign_id=camp.pk)
    (ttl,) = seen.values()
    opens = Round.objects.get(campaign=camp, number=2).opens_at
    assert 0 < ttl <= (opens - (base + dt.timedelta(hours=5))).total_seconds()


def test_flags_never_grant(org):
    """A cache that says nothing (or lets a key through) cannot make a loser win."""
    camp = campaign(org, total=1)
    winner, _p = claimer(org)
    loser, _q = claimer(org)
    voucher_claim(user=winner, campaign_id=camp.pk)
    from django.core.cache import cache as django_cache

    django_cache.clear()
    assert cache.gate(camp.pk, loser.pk) is None
    refused("sold_out", user=loser, campaign_id=camp.pk)
    django_cache.clear()
    refused("already_claimed", user=winner, campaign_id=camp.pk)
    assert Voucher.objects.filter(campaign=camp).count() == 1


def test_redis_down_claims_stay_correct(org, redis_down):
    camp = campaign(org, total=1)
    winner, _p = claimer(org)
    loser, _q = claimer(org)
    assert cache.gate(camp.pk, winner.pk, "k") is None
    first = voucher_claim(user=winner, campaign_id=camp.pk, idempotency_key="k")
    assert voucher_claim(user=winner, campaign_id=camp.pk, idempotency_key="k").voucher.pk == first.voucher.pk
    refused("already_claimed", user=winner, campaign_id=camp.pk, idempotency_key="k2")
    refused("sold_out", user=loser, campaign_id=camp.pk)
    assert cache.gate(camp.pk) is None
    assert list(claimed(camp)) == [1]


def test_claim_query_count(org, django_assert_max_num_queries):
    camp = campaign(org, total=5)
    user, _p = claimer(org)
    snapshot(camp.pk)  # warm, as on a busy server
    # membership (1) + savepoint, INSERT voucher, INSERT audit, guarded UPDATE, release (5)
    with django_assert_max_num_queries(6):
        voucher_claim(user=user, campaign_id=camp.pk, idempotency_key="q")
