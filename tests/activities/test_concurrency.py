"""Enrolment racing on PostgreSQL: threads with their own connections, released together by a
barrier. Afterwards: never more places held than capacity, nobody twice, arrival order decides
(every confirmed arrived before every waitlisted), promotions go to the head of the list. Every
refusal is a clean ApplicationError (no IntegrityError or lock error leaking out)."""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from zhijia.accounts.models import User
from zhijia.activities.enums import HOLDING, EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.services.enrolment import enrolment_cancel, enrolment_create
from zhijia.core.audit_chain import seal_pending
from zhijia.core.errors import ApplicationError
from zhijia.demo.seed import seed
from zhijia.orgs.models import Org

from .support import activity, members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = EnrolmentStatus


@pytest.fixture
def futian(transactional_db, monkeypatch):
    """The demo tree, committed so the threads see it. The audit chain is sealed once at the
    end rather than inline after each of hundreds of commits: with a connection pool of 10,
    two hundred inline sealers queueing on the sealer lock exhaust the pool's 10-second wait
    (in production a Celery worker seals, see core.audit)."""
    seed(password="Demo-pass-2026")
    monkeypatch.setattr("zhijia.core.audit._seal_after_commit", lambda: None)
    yield Org.objects.get(short_name="福田区总")
    seal_pending()


def race(calls: list[tuple], *, workers: int | None = None) -> list[tuple[bool, object]]:
    """Run each (function, kwargs) in its own thread, released together: [(ok, result)]."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, function, kwargs: dict) -> None:
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


def assert_fair(act: Activity) -> None:
    act.refresh_from_db()
    rows = list(Enrolment.objects.filter(activity=act).values_list("status", "arrival", "holder"))
    held = [a for s, a, _ in rows if s in HOLDING]
    waiting = [a for s, a, _ in rows if s == S.WAITLISTED]
    assert act.taken == len(held) <= act.capacity
    assert not waiting or act.taken == act.capacity
    assert not waiting or not held or max(held) < min(waiting)
    active = [h for s, _, h in rows if s in (*HOLDING, S.WAITLISTED)]
    assert len(active) == len(set(active))
    arrivals = sorted(a for _, a, _ in rows)
    assert arrivals == list(range(1, act.arrivals + 1))  # every arrival number used once


def test_200_people_for_55_places(futian):
    act = activity(futian, capacity=55)
    staff = User.objects.get(username="futian_staff")
    people = members(futian, 200)
    results = race([(enrolment_create, {"actor": staff, "activity": act, "person": p}) for p in people])
    refusals(results, {"busy"})
    assert_fair(act)
    statuses = Tally(Enrolment.objects.filter(activity=act).values_list("status", flat=True))
    assert statuses[S.CONFIRMED] == 55
    assert statuses[S.CONFIRMED] + statuses[S.WAITLISTED] == sum(ok for ok, _ in results)


def test_200_people_without_waitlist_never_overbook(futian):
    act = activity(futian, capacity=55, waitlist_enabled=False)
    people = members(futian, 200)
    results = race([(enrolment_create, {"actor": None, "activity": act, "person": p}) for p in people])
    codes = refusals(results, {"full", "busy"})
    act.refresh_from_db()
    assert act.taken == Enrolment.objects.filter(activity=act, status=S.CONFIRMED).count() == 55
    assert codes["full"] + codes["busy"] == 145
    assert act.arrivals == 55  # refused requests rolled their numbers back


def test_same_person_twenty_times_at_once_is_enrolled_once(futian):
    act = activity(futian, capacity=5)
    (person,) = members(futian, 1)
    results = race([(enrolment_create, {"actor": None, "activity": act, "person": person})] * 20)
    codes = refusals(results, {"already_enrolled", "busy"})
    assert sum(ok for ok, _ in results) == 1 and codes["already_enrolled"] >= 1
    assert Enrolment.objects.filter(activity=act).count() == 1
    assert_fair(act)


def test_promotions_follow_arrival_order_after_concurrent_cancellations(futian):
    act = activity(futian, capacity=10, offer_hold_minutes=60)
    people = members(futian, 25)
    enrolled = [enrolment_create(actor=None, activity=act, person=p) for p in people]
    holders = [e for e in enrolled if e.status == S.CONFIRMED]
    assert len(holders) == 10
    results = race([(enrolment_cancel, {"actor": None, "enrolment": e}) for e in holders[:8]])
    refusals(results, {"busy"})
    cancelled = sum(ok for ok, _ in results)
    offered = list(Enrolment.objects.filter(activity=act, status=S.OFFERED).values_list("arrival", flat=True))
    assert sorted(offered) == list(range(11, 11 + cancelled))  # the head of the list, in order
    assert_fair(act)
