"""Claims racing on PostgreSQL: threads with their own connections, released together by a
barrier. Exactly the stock is given out, nobody twice, idempotent retries make one voucher;
every refusal is a clean ApplicationError (no IntegrityError or lock error leaking out)."""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from tests.benefits.support import campaign, claimer
from zhijia.benefits.models import Round, Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.core.audit_chain import seal_pending
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.demo.seed import seed
from zhijia.orgs.models import Org

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def org(transactional_db, monkeypatch, settings):
    """The demo tree, committed so the threads see it. The audit chain is sealed once at the end
    instead of inline after every commit (in production a Celery worker seals)."""
    seed(password="Demo-pass-2026")
    monkeypatch.setattr("zhijia.core.audit._seal_after_commit", lambda: None)
    settings.BENEFITS_CLAIM_RATE = 10_000
    yield Org.objects.get(short_name="福田区总")
    seal_pending()


def race(calls: list[tuple]) -> list[tuple[bool, object]]:
    """Run each (function, kwargs) in its own thread, released together: [(ok, result)]."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, function, kwargs):
        try:
            barrier.wait()
            results[i] = (True, function(**kwargs))
        except BaseException as exc:  # judged by the caller
            results[i] = (False, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert None not in results, "a thread did not finish"
    return results


def refusals(results, allowed: set[str]) -> Tally:
    errors = [value for ok, value in results if not ok]
    leaked = [repr(e) for e in errors if not isinstance(e, ApplicationError)]
    assert leaked == [], leaked[:3]
    codes = Tally(e.code for e in errors)
    assert set(codes) <= allowed, codes
    return codes


def test_many_claimers_small_stock(org):
    camp = campaign(org, total=10)
    users = [claimer(org)[0] for _ in range(48)]
    results = race([(voucher_claim, {"user": u, "campaign_id": camp.pk}) for u in users])
    codes = refusals(results, {"sold_out"})
    won = [r.voucher for ok, r in results if ok]
    assert len(won) == 10 and codes["sold_out"] == 38
    vouchers = Voucher.objects.filter(campaign=camp)
    assert vouchers.count() == 10
    assert len(set(vouchers.values_list("person_id", flat=True))) == 10
    assert len(set(vouchers.values_list("code", flat=True))) == 10
    assert Round.objects.get(campaign=camp).claimed == 10
    assert AuditEntry.objects.filter(action="voucher.claim").count() == 10


def test_one_person_from_many_threads(org):
    camp = campaign(org, total=10)
    user, person = claimer(org)
    results = race([(voucher_claim, {"user": user, "campaign_id": camp.pk}) for _ in range(10)])
    codes = refusals(results, {"already_claimed"})
    assert sum(ok for ok, _r in results) == 1 and codes["already_claimed"] == 9
    assert Voucher.objects.filter(campaign=camp, person=person).count() == 1
    assert Round.objects.get(campaign=camp).claimed == 1


def test_per_person_limit_holds_under_concurrency(org):
    camp = campaign(org, total=10, per_person=2)
    user, person = claimer(org)
    results = race([(voucher_claim, {"user": user, "campaign_id": camp.pk}) for _ in range(10)])
    refusals(results, {"already_claimed"})
    held = Voucher.objects.filter(campaign=camp, person=person).count()
    assert 1 <= held <= 2
    assert Round.objects.get(campaign=camp).claimed == held


def test_idempotent_retries_make_one_voucher(org):
    camp = campaign(org, total=10)
    user, _p = claimer(org)
    results = race(
        [
            (voucher_claim, {"user": user, "campaign_id": camp.pk, "idempotency_key": "tap-1"})
            for _ in range(10)
        ]
    )
    refusals(results, set())
    ids = {r.voucher.pk for ok, r in results if ok}
    assert len(ids) == 1
    assert sum(not r.replayed for ok, r in results if ok) == 1
    assert Voucher.objects.filter(campaign=camp).count() == 1
    assert Round.objects.get(campaign=camp).claimed == 1


def test_two_rounds_each_hold_their_stock(org):
    """Stock is per round: the open round gives out exactly its own stock."""
    camp = campaign(org, total=6, rounds=2)  # round 1 (open now) 3, round 2 (tomorrow) 3
    users = [claimer(org)[0] for _ in range(20)]
    results = race([(voucher_claim, {"user": u, "campaign_id": camp.pk}) for u in users])
    refusals(results, {"sold_out"})
    rounds = list(Round.objects.filter(campaign=camp).order_by("number").values_list("claimed", flat=True))
    assert rounds == [3, 0]
    assert Voucher.objects.filter(campaign=camp).count() == 3
