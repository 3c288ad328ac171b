"""The enrolment engine's rules (services; both databases)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from zhijia.accounts import sms
from zhijia.activities.enums import HOLDING, ActivityStatus, EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.selectors.enrolments import activity_counts, my_enrolments, waitlist_position
from zhijia.activities.services.enrolment import (
    capacity_set,
    enrolment_approve,
    enrolment_bulk,
    enrolment_cancel,
    enrolment_create,
    enrolment_reject,
    offer_accept,
    offer_decline,
    offers_expire,
)
from zhijia.core.errors import ApplicationError, Conflict, ValidationFailed

from .support import activity, child, member, members, worker

S = EnrolmentStatus


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.fixture
def staff(demo):
    return demo.user("futian_staff")


@pytest.fixture(autouse=True)
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(fn, **kw): call fn and run the on-commit callbacks (SMS) it registered."""

    def run(fn, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kw)

    return run


def enrol(actor, act, person, **kw):
    return enrolment_create(actor=actor, activity=act, person=person, **kw)


def check_invariants(act):
    act.refresh_from_db()
    held = Enrolment.objects.filter(activity=act, status__in=HOLDING).count()
    assert act.taken == held <= act.capacity
    if Enrolment.objects.filter(activity=act, status=S.WAITLISTED).exists():
        assert act.taken == act.capacity


def test_places_then_waitlist_in_arrival_order(futian, staff):
    act = activity(futian, capacity=2)
    people = members(futian, 4)
    got = [enrol(staff, act, p) for p in people]
    assert [e.status for e in got] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert [e.arrival for e in got] == [1, 2, 3, 4]
    assert [waitlist_position(e) for e in got] == [None, None, 1, 2]
    counts = activity_counts(Activity.objects.get(pk=act.pk))
    assert counts == {"capacity": 2, "taken": 2, "confirmed_count": 2, "waitlist_count": 2,
                      "pending_count": 0, "offered_count": 0}  # fmt: skip
    check_invariants(act)


def test_full_without_waitlist_leaves_counters_untouched(futian, staff):
    act = activity(futian, capacity=1, waitlist_enabled=False)
    a, b = members(futian, 2)
    enrol(staff, act, a)
    with pytest.raises(Conflict) as exc:
        enrol(staff, act, b)
    assert exc.value.code == "full"
    act.refresh_from_db()
    assert (act.taken, act.arrivals, act.last_placed) == (1, 1, 1)
    assert not Enrolment.objects.filter(person=b).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ActivityStatus.DRAFT},
        {"status": ActivityStatus.CANCELLED},
        {"registration_opens_at": dt.timedelta(days=1)},  # from now, when the test runs
        {"registration_closes_at": -dt.timedelta(minutes=1)},
    ],
    ids=["draft", "cancelled", "not yet open", "closed"],
)
def test_closed_outside_window_or_unpublished(futian, staff, fields):
    now = timezone.now()
    fields = {k: now + v if isinstance(v, dt.timedelta) else v for k, v in fields.items()}
    act = activity(futian, **fields)
    with pytest.raises(Conflict) as exc:
        enrol(staff, act, member(futian))
    assert exc.value.code == "closed"


def test_window_follows_the_clock(futian, staff):
    act = activity(futian)
    person = member(futian)
    with (
        time_machine.travel(act.registration_closes_at + dt.timedelta(seconds=1)),
        pytest.raises(Conflict) as exc,
    ):
        enrol(staff, act, person)
    assert exc.value.code == "closed"
    assert enrol(staff, act, person).status == S.CONFIRMED


def test_drop_in_course_needs_a_session_and_counts_per_session(futian, staff):
    act = activity(futian, sessions=2, per_session=True, session_capacity=1)
    s1, s2 = act.sessions.all()
    a, b = members(futian, 2)
    with pytest.raises(ValidationFailed) as exc:
        enrol(staff, act, a)
    assert exc.value.code == "session_required"
    assert enrol(staff, act, a, session=s1).status == S.CONFIRMED
    assert enrol(staff, act, a, session=s2).status == S.CONFIRMED  # another session: another holder
    assert enrol(staff, act, b, session=s1).status == S.WAITLISTED
    s1.refresh_from_db()
    act.refresh_from_db()
    assert (s1.taken, s1.arrivals, act.taken) == (1, 2, 0)
    assert activity_counts(act, s1)["waitlist_count"] == 1


def test_already_enrolled_for_the_same_holder_but_a_child_is_another(futian, staff):
    act = activity(futian, capacity=5)
    person = member(futian)
    enrol(staff, act, person)
    with pytest.raises(Conflict) as exc:
        enrol(staff, act, person)
    assert exc.value.code == "already_enrolled"
    act.refresh_from_db()
    assert (act.taken, act.arrivals) == (1, 1)
    camp = activity(futian, for_children=True)
    enrol(staff, camp, person, child=child(person))
    enrol(staff, camp, person, child=child(person))
    assert Enrolment.objects.filter(activity=camp).count() == 2


def test_after_cancelling_one_may_enrol_again(futian, staff):
    act = activity(futian, capacity=1)
    person = member(futian)
    first = enrol(staff, act, person)
    enrolment_cancel(actor=staff, enrolment=first)
    again = enrol(staff, act, person)
    assert again.status == S.CONFIRMED and again.arrival == 2
    check_invariants(act)


def test_idempotency_key_replays_the_first_enrolment(futian):
    user, person = worker(futian)
    act = activity(futian, capacity=1)
    first = enrol(user, act, person, idempotency_key="abc")
    again = enrol(user, act, person, idempotency_key="abc")
    assert again.pk == first.pk and again.status == first.status
    act.refresh_from_db()
    assert act.arrivals == 1
    with pytest.raises(Conflict):
        enrol(user, act, person, idempotency_key="other")


def test_approval_flow(futian, staff, outbox, committed):
    act = activity(futian, capacity=1, requires_approval=True)
    (u1, p1), (u2, p2) = worker(futian), worker(futian)
    first = enrol(u1, act, p1)
    second = enrol(u2, act, p2)
    assert (first.status, second.status) == (S.PENDING_APPROVAL, S.WAITLISTED)
    rejected = committed(enrolment_reject, actor=staff, enrolment=first, reason="名额调整")
    assert rejected.status == S.REJECTED
    second.refresh_from_db()
    assert second.status == S.OFFERED and second.offer_expires_at is not None
    accepted = offer_accept(actor=u2, enrolment=second)
    assert accepted.status == S.PENDING_APPROVAL  # approval still needed
    assert committed(enrolment_approve, actor=staff, enrolment=accepted).status == S.CONFIRMED
    assert [(m["template"], m["phone"]) for m in outbox] == [
        ("activity_place_offered", u2.phone),
        ("activity_enrolment_rejected", u1.phone),
        ("activity_enrolment_approved", u2.phone),
    ]
    with pytest.raises(Conflict) as exc:
        enrolment_approve(actor=staff, enrolment=accepted)
    assert exc.value.code == "invalid_transition"
    check_invariants(act)


def test_cancellation_offers_the_head_of_the_list_and_decline_passes_it_on(futian, staff, outbox, committed):
    act = activity(futian, capacity=1, offer_hold_minutes=60)
    (u1, p1), (u2, p2), (u3, p3) = worker(futian), worker(futian), worker(futian)
    e1, e2, e3 = enrol(u1, act, p1), enrol(u2, act, p2), enrol(u3, act, p3)
    committed(enrolment_cancel, actor=u1, enrolment=e1)
    e2.refresh_from_db()
    e3.refresh_from_db()
    assert (e2.status, e3.status) == (S.OFFERED, S.WAITLISTED)
    assert [m["template"] for m in outbox] == ["activity_place_offered"]  # own cancel: no notice
    offer_decline(actor=u2, enrolment=e2)
    e3.refresh_from_db()
    assert e3.status == S.OFFERED
    assert offer_accept(actor=u3, enrolment=e3).status == S.CONFIRMED
    check_invariants(act)


def test_offer_expires_and_passes_on(futian, staff):
    act = activity(futian, capacity=1, offer_hold_minutes=30)
    a, b, c = members(futian, 3)
    e1, e2, e3 = enrol(staff, act, a), enrol(staff, act, b), enrol(staff, act, c)
    enrolment_cancel(actor=staff, enrolment=e1)
    e2.refresh_from_db()
    assert e2.status == S.OFFERED
    assert offers_expire() == 0
    with time_machine.travel(e2.offer_expires_at + dt.timedelta(seconds=1)):
        with pytest.raises(Conflict) as exc:
            offer_accept(actor=staff, enrolment=e2)
        assert exc.value.code == "offer_expired"
        e2.refresh_from_db()
        e3.refresh_from_db()
        assert (e2.status, e3.status) == (S.OFFER_EXPIRED, S.OFFERED)  # the expiry was processed
    with time_machine.travel(e3.offer_expires_at + dt.timedelta(seconds=1)):
        assert offers_expire() == 1
        assert offers_expire() == 0  # safe to run again
    e3.refresh_from_db()
    assert e3.status == S.OFFER_EXPIRED
    act.refresh_from_db()
    assert act.taken == 0  # nobody left waiting
    check_invariants(act)


def test_capacity_raise_offers_new_places_and_cannot_drop_below_taken(futian, staff):
    act = activity(futian, capacity=1)
    people = members(futian, 4)
    got = [enrol(staff, act, p) for p in people]
    capacity_set(actor=staff, activity=act, capacity=3)
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in got]
    assert statuses == [S.CONFIRMED, S.OFFERED, S.OFFERED, S.WAITLISTED]
    check_invariants(act)
    with pytest.raises(ValidationFailed) as exc:
        capacity_set(actor=staff, activity=act, capacity=2)
    assert exc.value.code == "capacity_below_taken"
    capacity_set(actor=staff, activity=act, capacity=10)
    act.refresh_from_db()
    assert act.taken == 4
    assert enrol(staff, act, member(futian)).status == S.CONFIRMED  # nobody waits: placed directly
    check_invariants(act)


def test_cancel_by_staff_notifies_and_inactive_cannot_be_cancelled(futian, staff, outbox, committed):
    user, person = worker(futian)
    act = activity(futian)
    e = enrol(user, act, person)
    committed(enrolment_cancel, actor=staff, enrolment=e, reason="场地调整")
    assert [m["template"] for m in outbox] == ["activity_enrolment_cancelled"]
    assert str(outbox[0]["phone"]) == str(user.phone)
    with pytest.raises(Conflict) as exc:
        enrolment_cancel(actor=staff, enrolment=e)
    assert exc.value.code == "invalid_transition"
    assert list(my_enrolments(user=user)) == [e]


def test_bulk_partial_keeps_successes(futian, staff):
    act = activity(futian, capacity=5, waitlist_enabled=False)
    people = members(futian, 3)
    enrol(staff, act, people[1])
    result = enrolment_bulk(actor=staff, activity=act, people=people, all_or_nothing=False)
    assert [(r["status"], r["code"]) for r in result.results] == [
        (S.CONFIRMED, None),
        (None, "already_enrolled"),
        (S.CONFIRMED, None),
    ]
    assert result.enrolled == 2 and not result.all_or_nothing
    check_invariants(act)


def test_bulk_all_or_nothing_rolls_back_and_names_the_refused(futian, staff):
    act = activity(futian, capacity=2, waitlist_enabled=False)
    people = members(futian, 3)
    result = enrolment_bulk(actor=staff, activity=act, people=people, all_or_nothing=True)
    assert [(r["person_id"], r["status"], r["code"]) for r in result.results] == [
        (people[0].pk, None, None),
        (people[1].pk, None, None),
        (people[2].pk, None, "full"),
    ]
    assert result.enrolled == 0 and result.all_or_nothing
    act.refresh_from_db()
    assert (act.taken, act.arrivals) == (0, 0)
    assert not Enrolment.objects.filter(activity=act).exists()
    ok = enrolment_bulk(actor=staff, activity=act, people=people[:2], all_or_nothing=True)
    assert [r["status"] for r in ok.results] == [S.CONFIRMED, S.CONFIRMED]
    assert set(Enrolment.objects.filter(activity=act).values_list("channel", flat=True)) == {"bulk"}


def test_all_refusals_are_application_errors(futian, staff):
    act = activity(futian, capacity=0, waitlist_enabled=False)
    with pytest.raises(ApplicationError):
        enrol(staff, act, member(futian))
