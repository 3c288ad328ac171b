"""Check-in: the rotating signed session code, card scans, roster ticks, walk-ins; idempotent,
one service record each."""

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from tests.activities.support import activity, child, member, worker
from zhijia.activities.enums import ActivityStatus, CheckInMethod
from zhijia.activities.models import Attendance
from zhijia.activities.services import checkin
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.members.models import Membership
from zhijia.members.services.card import card_token_issue
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(demo):
    org = demo.org("福田区总")
    act = activity(org, sessions=2, capacity=5)
    user, person = worker(org)
    enrolment = enrolment_create(actor=user, activity=act, person=person)
    return act, list(act.sessions.all()), user, person, enrolment


def _bad(fn):
    with pytest.raises(ValidationFailed) as exc:
        fn()
    assert exc.value.code == "bad_checkin_code" and "code" in exc.value.fields


def test_code_checks_in_once_and_writes_one_record(setting):
    act, sessions, user, person, enrolment = setting
    code = checkin.session_code(sessions[0])
    first = checkin.checkin_by_code(user=user, code=code)
    again = checkin.checkin_by_code(user=user, code=code)
    assert first.pk == again.pk and first.enrolment_id == enrolment.pk
    assert first.method == CheckInMethod.SESSION_QR and first.person_id == person.pk
    records = ServiceRecord.objects.filter(source="activity")
    assert records.count() == 1
    record = records.get()
    assert (record.source_id, record.org_id, record.person_id, record.title) == (
        first.pk,
        act.org_id,
        person.pk,
        act.title,
    )
    assert AuditEntry.objects.filter(action="activity.checkin").count() == 1


def test_previous_window_is_accepted_older_ones_are_not(setting, frozen_clock):  # windows of 30 s
    _act, sessions, user, _p, _e = setting
    now = timezone.now()
    previous = checkin.session_code(sessions[0], at=now - dt.timedelta(seconds=checkin.WINDOW_SECONDS))
    assert checkin.checkin_by_code(user=user, code=previous).session_id == sessions[0].pk
    stale = checkin.session_code(sessions[1], at=now - dt.timedelta(seconds=3 * checkin.WINDOW_SECONDS))
    _bad(lambda: checkin.checkin_by_code(user=user, code=stale))
    future = checkin.session_code(sessions[1], at=now + dt.timedelta(seconds=3 * checkin.WINDOW_SECONDS))
    _bad(lambda: checkin.checkin_by_code(user=user, code=future))


def test_codes_rotate_and_name_their_session(setting):
    _act, sessions, user, _p, _e = setting
    now = timezone.now()
    assert checkin.session_code(sessions[0], at=now) != checkin.session_code(
        sessions[0], at=now + dt.timedelta(seconds=checkin.WINDOW_SECONDS)
    )
    assert checkin.session_code(sessions[0], at=now) != checkin.session_code(sessions[1], at=now)
    other = checkin.session_code(sessions[1])
    assert checkin.checkin_by_code(user=user, code=other).session_id == sessions[1].pk


def test_tampered_and_forged_codes_are_refused(setting):
    _act, sessions, user, _p, _e = setting
    code = checkin.session_code(sessions[0])
    value, sig = code.rsplit(".", 1)
    hex_id, window = value.split(".")
    swapped = f"{sessions[1].pk.hex}.{window}.{sig}"
    _bad(lambda: checkin.checkin_by_code(user=user, code=swapped))
    _bad(lambda: checkin.checkin_by_code(user=user, code=code[:-2] + "xx"))
    forged = signing.Signer(salt="another.salt", sep=".").sign(f"{hex_id}.{window}")
    _bad(lambda: checkin.checkin_by_code(user=user, code=forged))
    _bad(lambda: checkin.checkin_by_code(user=user, code=""))
    assert not Attendance.objects.exists()


def test_not_enrolled_is_refused_unless_walk_ins(demo, setting):
    act, sessions, _u, _p, _e = setting
    stranger, _person = worker(demo.org("福田区总"))
    code = checkin.session_code(sessions[0])
    with pytest.raises(Conflict) as exc:
        checkin.checkin_by_code(user=stranger, code=code)
    assert exc.value.code == "not_enrolled"
    act.allow_walk_ins = True
    act.save()
    attendance = checkin.checkin_by_code(user=stranger, code=code)
    assert attendance.enrolment_id is None and attendance.person_id == _person.pk


def test_draft_or_cancelled_activity_takes_no_checkins(setting):
    act, sessions, user, _p, _e = setting
    act.status = ActivityStatus.CANCELLED
    act.save()
    with pytest.raises(Conflict) as exc:
        checkin.checkin_by_code(user=user, code=checkin.session_code(sessions[0]))
    assert exc.value.code == "closed"


def test_card_scan_checks_in_the_member_and_their_children(demo):
    org = demo.org("福田区总")
    camp = activity(org, kind="camp", for_children=True, child_age_min=6, child_age_max=12)
    user, parent = worker(org)
    kid = child(parent, age=8, at=camp.starts_at)
    enrolment_create(actor=user, activity=camp, person=parent, child=kid)
    token = card_token_issue(membership=Membership.objects.get(person=parent)).token
    session = camp.sessions.get()
    staff = demo.user("futian_staff")
    first = checkin.checkin_by_card(actor=staff, session=session, card_token=token)
    assert first.child_id == kid.pk and first.method == CheckInMethod.MEMBER_CARD
    assert checkin.checkin_by_card(actor=staff, session=session, card_token=token).pk == first.pk
    with pytest.raises(ValidationFailed) as exc:
        checkin.checkin_by_card(actor=staff, session=session, card_token=token + "x")
    assert exc.value.code == "card_invalid"


def test_mark_and_cross_method_idempotence(demo, setting):
    act, sessions, user, _person, enrolment = setting
    staff = demo.user("futian_staff")
    marked = checkin.checkin_mark(actor=staff, session=sessions[0], enrolment=enrolment)
    scanned = checkin.checkin_by_code(user=user, code=checkin.session_code(sessions[0]))
    assert marked.pk == scanned.pk and marked.recorded_by_id == staff.pk
    assert ServiceRecord.objects.count() == 1
    foreign = enrolment_create(
        actor=staff, activity=activity(act.org), person=member(act.org), channel="staff"
    )
    with pytest.raises(Conflict):
        checkin.checkin_mark(actor=staff, session=sessions[0], enrolment=foreign)


def test_walk_ins_are_anonymous_and_counted_each(demo, setting):
    act, sessions, _u, _p, _e = setting
    staff = demo.user("futian_staff")
    with pytest.raises(Conflict):
        checkin.checkin_walk_in(actor=staff, session=sessions[0], visitor_group="courier")
    act.allow_walk_ins = True
    act.save()
    with pytest.raises(ValidationFailed):
        checkin.checkin_walk_in(actor=staff, session=sessions[0], visitor_group="martian")
    a = checkin.checkin_walk_in(actor=staff, session=sessions[0], visitor_group="courier")
    b = checkin.checkin_walk_in(actor=staff, session=sessions[0], visitor_group="courier")
    assert a.pk != b.pk and a.person_id is None
    assert ServiceRecord.objects.filter(visitor_group="courier", person__isnull=True).count() == 2


def test_checkin_url_carries_a_current_code(setting):
    _act, sessions, _u, _p, _e = setting
    url = checkin.checkin_url(sessions[0])
    code = url.rstrip("/").rsplit("/", 1)[-1]
    assert checkin.session_from_code(code).pk == sessions[0].pk
