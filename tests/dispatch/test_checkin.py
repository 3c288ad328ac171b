"""Check-in at a delivered service: by member card (the expert scans) or by the rotating order
code (the worker scans); idempotent; one ledger row (source expert) per person."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.activities.support import member, worker
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import OrderAttendance
from zhijia.dispatch.services import checkin
from zhijia.dispatch.services import orders as svc
from zhijia.members.services.card import card_person, card_token_issue
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

from .support import order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


@pytest.fixture
def booked(w):
    return order(w.psy, org=w.unit, status=S.ACCEPTED, expert=w.expert)


def test_the_expert_checks_members_in_and_each_is_one_ledger_row(w, booked):
    people = [member(w.unit) for _ in range(3)]
    for p in people:
        svc.order_checkin(actor=w.expert_user, order=booked, person=p)
    again = svc.order_checkin(actor=w.expert_user, order=booked, person=people[0])  # a repeated scan
    assert OrderAttendance.objects.filter(order=booked).count() == 3
    assert again.person == people[0]
    rows = ServiceRecord.objects.filter(source=RecordSource.EXPERT)
    assert rows.count() == 3
    assert set(rows.values_list("source_id", flat=True)) == set(
        OrderAttendance.objects.filter(order=booked).values_list("pk", flat=True)
    )
    row = rows.first()
    assert (row.org, row.title, row.count) == (w.unit, w.psy.title, 1)
    assert {r.person for r in rows} == set(people)


def test_by_typed_member_number_of_the_ordering_union_only(w, booked, demo):
    person = member(w.unit)
    membership = person.memberships.get()
    membership.member_no = "MN2026001"
    membership.save(update_fields=["member_no"])
    attendance = svc.order_checkin_by_member_no(actor=w.expert_user, order=booked, member_no=" MN2026001 ")
    assert attendance.person == person
    stranger = member(demo.org("东莞市总")).memberships.get()
    stranger.member_no = "MN2026002"
    stranger.save(update_fields=["member_no"])
    for number in ("MN2026002", "NOPE"):
        with pytest.raises(ValidationFailed) as exc:
            svc.order_checkin_by_member_no(actor=w.expert_user, order=booked, member_no=number)
        assert "token" in exc.value.fields
    with pytest.raises(NotFound):
        svc.order_checkin_by_member_no(actor=w.expert2_user, order=booked, member_no="MN2026001")
    assert OrderAttendance.objects.filter(order=booked).count() == 1


def test_by_scanned_member_card(w, booked):
    person = member(w.unit)
    token = card_token_issue(membership=person.memberships.get()).token
    attendance = svc.order_checkin(actor=w.expert_user, order=booked, person=card_person(token=token))
    assert attendance.person == person and attendance.recorded_by == w.expert_user


def test_only_the_assigned_expert_checks_in(w, booked):
    with pytest.raises(NotFound):
        svc.order_checkin(actor=w.expert2_user, order=booked, person=member(w.unit))
    assert not OrderAttendance.objects.exists()


@pytest.mark.parametrize("status", [S.DISPATCHED, S.CONFIRMED, S.SETTLED, S.CANCELLED])
def test_checkin_only_while_accepted_or_delivered(w, status):
    o = order(w.psy, org=w.unit, status=status, expert=w.expert)
    with pytest.raises(Conflict) as exc:
        svc.order_checkin(actor=w.expert_user, order=o, person=member(w.unit))
    assert exc.value.code == error_codes.CHECKIN_CLOSED


def test_delivered_orders_still_take_checkins(w):
    o = order(w.psy, org=w.unit, status=S.DELIVERED, expert=w.expert)
    assert svc.order_checkin(actor=w.expert_user, order=o, person=member(w.unit)).order == o


def test_the_worker_scans_the_rotating_code(w, booked):
    user, person = worker(w.unit)
    code = checkin.order_checkin_code(booked)
    attendance = svc.order_checkin_by_code(user=user, code=code)
    assert attendance.person == person and attendance.order == booked
    assert svc.order_checkin_by_code(user=user, code=code).pk == attendance.pk
    assert ServiceRecord.objects.filter(source=RecordSource.EXPERT, person=person).count() == 1
    assert checkin.order_checkin_url(booked, code=code).endswith(f"{code}/")


def test_codes_expire_within_a_minute_and_cannot_be_forged(w, booked):
    user, _person = worker(w.unit)
    now = timezone.now()
    old = checkin.order_checkin_code(booked, at=now - dt.timedelta(seconds=65))
    for bad in (old, "forged.123.abc", "", checkin.order_checkin_code(booked) + "x"):
        with pytest.raises(ValidationFailed) as exc:
            svc.order_checkin_by_code(user=user, code=bad)
        assert exc.value.code == error_codes.BAD_CHECKIN_CODE
    code = checkin.order_checkin_code(booked)
    with time_machine.travel(now + dt.timedelta(seconds=29)):
        assert svc.order_checkin_by_code(user=user, code=code).order == booked
    assert OrderAttendance.objects.count() == 1


def test_a_worker_without_a_member_record_is_refused(w, booked):
    from tests.activities.support import worker_user

    with pytest.raises(Conflict) as exc:
        svc.order_checkin_by_code(user=worker_user(), code=checkin.order_checkin_code(booked))
    assert exc.value.code == error_codes.NOT_A_MEMBER
