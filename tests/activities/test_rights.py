"""Enrolments are the person's data: their own and their children's enrolments, with the answers in
clear, and the sessions attended are in their own export; their anonymisation releases the places
they hold in what has not started, clears what was typed (answers, comment, reason) and keeps the
enrolments and attendances that rosters, ratings and the service ledger counted — an enrolled child
stays as a blank row instead of blocking the anonymisation. Someone else's enrolment is in
neither."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import activity, child, worker
from zhijia.activities.models import Attendance, Enrolment
from zhijia.activities.selectors.activities import activity_rating
from zhijia.activities.services import checkin
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.activities.services.questions import activity_questions_set
from zhijia.members.services.rights import person_anonymise, self_export
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db
ASKED = [{"preset": "guardian", "required": True}, {"preset": "pickup_phone", "required": True}]


@pytest.fixture
def setting(demo):
    org = demo.org("福田区总")
    (user, parent), (other_user, other) = worker(org), worker(org)
    camp = activity_questions_set(
        actor=None, activity=activity(org, for_children=True, title="寒假托管营"), questions=ASKED
    )
    kid = child(parent, at=camp.starts_at, name="王小明")
    answers = {"guardian": "王大力", "pickup_phone": "13812345678"}
    kids = enrolment_create(actor=user, activity=camp, person=parent, child=kid, answers=answers)
    talk = activity(org, title="劳动法讲座")
    own = enrolment_create(actor=user, activity=talk, person=parent)
    theirs = enrolment_create(actor=other_user, activity=talk, person=other)
    code = checkin.session_code(talk.sessions.get())
    assert (own.created_by, checkin.checkin_by_code(user=user, code=code).recorded_by) == (user, user)
    checkin.checkin_by_code(user=other_user, code=code)
    checkin.enrolment_rate(actor=user, enrolment=own, rating=5, comment="老师讲得清楚，我叫王大力")
    checkin.enrolment_rate(actor=other_user, enrolment=theirs, rating=3, comment="一般")
    return {"parent": parent, "kids": kids, "own": own, "theirs": theirs, "talk": talk, "org": org}


def test_the_enrolments_are_in_the_persons_export(setting):
    data = self_export(actor=None, person=setting["parent"])
    enrolments = {e["activity"]: e for e in data["activity_enrolments"]}
    assert set(enrolments) == {"寒假托管营", "劳动法讲座"}  # not the other person's
    camp = enrolments["寒假托管营"]
    assert camp["child"] == "王小明" and camp["status"] == "confirmed"
    assert [a["answer"] for a in camp["answers"]] == ["王大力", "13812345678"]  # in clear
    talk = enrolments["劳动法讲座"]
    assert (talk["child"], talk["rating"], talk["comment"]) == ("", 5, "老师讲得清楚，我叫王大力")
    assert [(a["activity"], a["method"]) for a in data["activity_attendances"]] == [
        ("劳动法讲座", "session_qr")
    ]


def test_anonymisation_clears_what_was_typed_and_keeps_the_counted_rows(demo, setting):
    person_anonymise(actor=demo.user("futian_staff"), person=setting["parent"])
    kids, own = (Enrolment.objects.get(pk=setting[k].pk) for k in ("kids", "own"))
    assert (kids.answers, kids.status, kids.child_id) == ("", "cancelled", setting["kids"].child_id)
    assert (kids.child.name, kids.child.birth_date, kids.child.relation) == ("已注销", None, "child")
    assert (own.comment, own.rating, own.status, own.created_by) == ("", 5, "confirmed", None)
    attended = Attendance.objects.get(enrolment=own)
    assert attended.person_id == setting["parent"].pk and attended.recorded_by is None
    assert ServiceRecord.objects.filter(source="activity", source_id=attended.pk).count() == 1
    assert activity_rating(setting["talk"]) == (4.0, 2)  # the rating still counts
    theirs = Enrolment.objects.get(pk=setting["theirs"].pk)
    assert (theirs.comment, theirs.created_by_id) == ("一般", theirs.person.user_id)  # not theirs


def test_a_deleted_persons_place_passes_to_the_first_waiting(demo):
    org = demo.org("福田区总")
    (user, person), (_, waiting) = worker(org), worker(org)
    course = activity(org, capacity=1, title="插花课")
    held = enrolment_create(actor=user, activity=course, person=person)
    queued = enrolment_create(actor=None, activity=course, person=waiting)
    assert (held.status, queued.status) == ("confirmed", "waitlisted")
    person_anonymise(actor=demo.user("futian_staff"), person=person)
    assert Enrolment.objects.get(pk=held.pk).status == "cancelled"
    assert Enrolment.objects.get(pk=queued.pk).status == "offered"  # the place went on
    course.refresh_from_db()
    assert course.taken == 1


def test_a_place_in_what_has_started_or_was_attended_stays(demo):
    org = demo.org("福田区总")
    user, person = worker(org)
    started = activity(org, title="已开始")
    kept = enrolment_create(actor=user, activity=started, person=person)
    type(started).objects.filter(pk=started.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    person_anonymise(actor=demo.user("futian_staff"), person=person)
    assert Enrolment.objects.get(pk=kept.pk).status == "confirmed"
