"""A random walk over enrol / cancel / approve / reject / accept / decline / expire / capacity
change (hypothesis RuleBasedStateMachine). After every step: taken == count(holding) <=
capacity; anyone waiting ⇒ taken == capacity; every holder arrived before everyone still waiting
(never offered); nobody twice active; a refused step changes nothing."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.hypothesis_profiles import examples
from zhijia.activities.enums import ACTIVE, HOLDING, EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.services import enrolment as engine
from zhijia.core.errors import ApplicationError

from .support import activity, members

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
PEOPLE = 6


def rows(act):
    return list(Enrolment.objects.filter(activity=act).values_list("pk", "status", "arrival", "holder"))


def make_machine(demo):
    org, staff = demo.org("福田区总"), demo.user("futian_staff")

    class Enrolments(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.tx = transaction.atomic()
            self.tx.__enter__()
            self.act = activity(org, capacity=2, offer_hold_minutes=10, requires_approval=False)
            self.people = members(org, PEOPLE)
            self.clock = timezone.now()

        def teardown(self):
            transaction.set_rollback(True)
            self.tx.__exit__(None, None, None)

        def _pick(self, i, statuses):
            found = list(Enrolment.objects.filter(activity=self.act, status__in=statuses).order_by("arrival"))
            return found[i % len(found)] if found else None

        def _try(self, fn, allowed, **kw):
            before = (
                rows(self.act),
                Activity.objects.values("taken", "arrivals", "capacity").get(pk=self.act.pk),
            )
            try:
                fn(**kw)
            except ApplicationError as exc:
                assert exc.code in allowed, exc.code
                after = (
                    rows(self.act),
                    Activity.objects.values("taken", "arrivals", "capacity").get(pk=self.act.pk),
                )
                assert after == before  # a refusal changes nothing
                return False
            return True

        @rule(who=st.integers(0, PEOPLE - 1))
        def enrol(self, who):
            self._try(engine.enrolment_create, {"already_enrolled"}, actor=staff, activity=self.act,
                      person=self.people[who])  # fmt: skip

        @rule(i=st.integers(0, 9))
        def cancel(self, i):
            if e := self._pick(i, ACTIVE):
                assert self._try(engine.enrolment_cancel, set(), actor=staff, enrolment=e)

        @rule(i=st.integers(0, 9), on=st.booleans())
        def toggle_approval(self, i, on):
            Activity.objects.filter(pk=self.act.pk).update(requires_approval=on)

        @rule(i=st.integers(0, 9))
        def approve(self, i):
            if e := self._pick(i, [S.PENDING_APPROVAL]):
                assert self._try(engine.enrolment_approve, set(), actor=staff, enrolment=e)

        @rule(i=st.integers(0, 9))
        def reject(self, i):
            if e := self._pick(i, [S.PENDING_APPROVAL, S.WAITLISTED]):
                assert self._try(engine.enrolment_reject, set(), actor=staff, enrolment=e, reason="x")

        @rule(i=st.integers(0, 9), accept=st.booleans())
        def answer_offer(self, i, accept):
            if e := self._pick(i, [S.OFFERED]):
                fn = engine.offer_accept if accept else engine.offer_decline
                assert self._try(fn, set(), actor=staff, enrolment=e)

        @rule()
        def expire(self):
            far = timezone.now() + dt.timedelta(minutes=11)
            engine.offers_expire(now=far)
            assert not Enrolment.objects.filter(
                activity=self.act, status=S.OFFERED, offer_expires_at__lte=far
            ).exists()

        @rule(delta=st.integers(-2, 2))
        def capacity(self, delta):
            self.act.refresh_from_db()
            new = max(0, self.act.capacity + delta)
            self._try(
                engine.capacity_set, {"capacity_below_taken"}, actor=staff, activity=self.act, capacity=new
            )

        @invariant()
        def fair_and_never_overbooked(self):
            act = Activity.objects.get(pk=self.act.pk)
            data = rows(act)
            held = [a for _, s, a, _ in data if s in HOLDING]
            waiting = [a for _, s, a, _ in data if s == S.WAITLISTED]
            assert act.taken == len(held) <= act.capacity
            assert not waiting or act.taken == act.capacity
            assert not waiting or not held or max(held) < min(waiting)
            active = [h for _, s, _, h in data if s in ACTIVE]
            assert len(active) == len(set(active))

    return Enrolments


def test_random_enrolment_walks_keep_the_invariants(demo):
    run_state_machine_as_test(
        make_machine(demo),
        settings=settings(
            max_examples=examples(30), stateful_step_count=25,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )  # fmt: skip
