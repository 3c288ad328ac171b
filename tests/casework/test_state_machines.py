"""A hypothesis state machine per kind of case: any sequence of steps (valid data each time)
either moves the case exactly as casework.kinds declares, or answers 409 invalid_transition and
changes nothing. Invariants after every step: the timeline's last event is the state, the
ledger holds one row per help record and session, the hardship file is open exactly while the
case is in an open state."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from zhijia.casework.enums import CaseKind
from zhijia.casework.kinds import KINDS, allowed, step_target
from zhijia.casework.models import Case
from zhijia.core.errors import Conflict, PermissionDenied
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

from .support import counselling, expert_login, fund, hardship, legal, step

pytestmark = pytest.mark.django_db


def step_data(kind, name, world):
    data = {
        "assign": {"expert_id": str(world["expert"].pk)},
        "screen": {"grade": "deep"},
        "visit": {"visit_record": "入户核查：家中二人患病", "income_check_signed": True},
        "publicise": {},
        "approve": {"reason": "同意建档"},
        "reject": {"reason": "收入超标"},
        "help": {"kind": "warmth", "amount": "100", "fund_id": str(world["fund"].pk)},
        "review": {},
        "close": {"reason": "recovered", "outcome": "已结案"},
        "reopen": {"reason": "返困"},
        "session": {"both_parties": True},
        "agree": {"terms": "用人单位于十日内支付工资 5000 元"},
        "fail": {"reason": "单位拒绝调解"},
        "award": {"received_on": dt.date.today().isoformat()},
        "refer": {"to": "arbitration", "detail": "转仲裁"},
        "screening": {"consent": True, "gad7": [1, 1, 0, 0, 1, 0, 0]},
        "cancel": {},
        "answer": {"objection_id": "", "answer": "x"},
    }
    return dict(data[name])


def make_machine(demo, kind):
    org = demo.org("福保街道")
    staff, approver = demo.user("fubao_staff"), demo.user("shenzhen_admin")
    _user, expert = expert_login(demo.org("福田区总"), name="调解员")
    world = {"expert": expert, "fund": fund(org, amount="100000")}
    steps = sorted(KINDS[kind].steps)
    maker = {CaseKind.HARDSHIP: hardship, CaseKind.LEGAL: legal, CaseKind.COUNSELLING: counselling}[kind]

    class Walk(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.tx = transaction.atomic()
            self.tx.__enter__()
            self.case = maker(org, actor=staff)
            self.status = self.case.status
            self.helps = 0
            self.sessions = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.tx.__exit__(None, None, None)

        def actor_for(self, name):
            who = KINDS[kind].steps[name].who
            if who == "approver":
                return approver
            if who == "handler" or (who == "either" and self.case.handler_id):
                return self.case.handler if self.case.handler_id else staff
            if who == "owner":
                return None  # the system stands in for the worker here
            return staff

        @rule(name=st.sampled_from(steps))
        def take(self, name):
            if name == "approve" and self.status == "publicised":  # the 公示 has run its course
                Case.objects.get(pk=self.case.pk).hardship.__class__.objects.filter(case=self.case).update(
                    publicity_until=dt.date.today() - dt.timedelta(days=1)
                )
            expected_ok = allowed(kind, name, self.status, self.case.handler_id is not None)
            if name == "answer":
                expected_ok = False  # there is never an open objection in this walk
            actor = self.actor_for(name)
            try:
                with transaction.atomic():
                    step(Case.objects.get(pk=self.case.pk), name, actor, **step_data(kind, name, world))
            except Conflict as exc:
                assert not expected_ok, (name, self.status, exc.code)
                assert exc.code == "invalid_transition"
            except PermissionDenied:  # a counsellor's step while no counsellor is assigned
                assert KINDS[kind].steps[name].who == "handler" and self.case.handler_id is None
            except Exception as exc:
                if name == "answer" and getattr(exc, "fields", None):
                    return
                raise
            else:
                assert expected_ok, (name, self.status)
                self.status = step_target(kind, name, self.status, self.case.handler_id is not None)
                self.helps += name == "help"
                self.sessions += name == "session"
            self.case = Case.objects.get(pk=self.case.pk)

        @invariant()
        def consistent(self):
            case = Case.objects.get(pk=self.case.pk)
            assert case.status == self.status
            last = case.events.order_by("-at", "-created_at").first()
            assert last.to_status == case.status
            ledger = ServiceRecord.objects.filter(
                source__in=[RecordSource.HARDSHIP, RecordSource.LEGAL, RecordSource.COUNSELLING],
                source_id__in=[
                    *case.help_records.values_list("pk", flat=True),
                    *case.sessions.values_list("pk", flat=True),
                ],
            ).count()
            assert ledger == self.helps + self.sessions
            if kind == CaseKind.HARDSHIP:
                assert case.hardship.is_open == (case.status in KINDS[kind].open_states)

    return Walk


@pytest.mark.parametrize("kind", [CaseKind.HARDSHIP, CaseKind.LEGAL, CaseKind.COUNSELLING])
def test_random_walks_follow_the_transitions(demo, kind):
    run_state_machine_as_test(
        make_machine(demo, kind),
        settings=settings(
            max_examples=25, stateful_step_count=20, deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )  # fmt: skip
