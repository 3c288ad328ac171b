"""A random walk over apply / approve / reject / forward / withdraw: only submitted applications
move, a refused step changes nothing, and nobody ever holds two active memberships or two open
applications."""

import itertools

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_profiles import examples
from zhijia.accounts.services import worker_for_phone
from zhijia.core.errors import ApplicationError
from zhijia.members.enums import ACTIVE_STATUSES, ApplicationStatus
from zhijia.members.models import JoinApplication, Membership
from zhijia.members.services import joining

from .joining_support import apply_to

pytestmark = pytest.mark.django_db
UNIONS = ("河套科创工会", "福保精密工会", "福保街道")
OPS = st.lists(
    st.tuples(
        st.sampled_from(["apply", "approve", "reject", "forward", "withdraw"]),
        st.integers(0, 2),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=12,
)
_seq = itertools.count(100)
LEGAL = {
    "approve": ApplicationStatus.APPROVED,
    "reject": ApplicationStatus.REJECTED,
    "withdraw": ApplicationStatus.WITHDRAWN,
    "forward": ApplicationStatus.SUBMITTED,
}


def _step(demo, op, app, unit, workers):
    staff = demo.user("futian_staff")
    if op == "approve":
        joining.application_approve(actor=staff, application=app)
    elif op == "reject":
        joining.application_reject(actor=staff, application=app, reason="核实不符")
    elif op == "forward":
        joining.application_forward(actor=staff, application=app, to_org=demo.org(UNIONS[unit]))
    else:
        joining.application_withdraw(actor=workers[app.person_id], application=app)


def _invariants():
    assert (
        not Membership.objects.filter(status__in=ACTIVE_STATUSES)
        .values("person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert (
        not JoinApplication.objects.filter(status=ApplicationStatus.SUBMITTED)
        .values("person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for app in JoinApplication.objects.filter(status=ApplicationStatus.APPROVED):
        assert app.membership is not None and app.membership.person_id == app.person_id


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_review_walks_keep_the_rules(demo, ops):
    with transaction.atomic():
        people = [next(_seq) for _ in range(3)]
        accounts = [worker_for_phone(phone=f"1370000{seq:04d}") for seq in people]
        workers, latest = {}, {}
        for op, who, unit in ops:
            if op == "apply":
                try:
                    app = apply_to(demo.org(UNIONS[unit]), people[who], actor=accounts[who], routed=unit == 2)
                except ApplicationError as exc:
                    assert exc.code in {"already_member", "application_open"}
                else:
                    workers[app.person_id], latest[who] = accounts[who], app
            elif who in latest:
                app = JoinApplication.objects.get(pk=latest[who].pk)
                before = JoinApplication.objects.values().get(pk=app.pk)
                try:
                    _step(demo, op, app, unit, workers)
                except ApplicationError as exc:
                    was_open = before["status"] == ApplicationStatus.SUBMITTED
                    assert exc.code in ({"same_union"} if was_open else {"invalid_transition"})
                    assert JoinApplication.objects.values().get(pk=app.pk) == before
                else:
                    assert before["status"] == ApplicationStatus.SUBMITTED
                    assert JoinApplication.objects.get(pk=app.pk).status == LEGAL[op]
            _invariants()
        transaction.set_rollback(True)
