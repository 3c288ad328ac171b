"""Ratings: own enrolment, only after attending, 1–5; the average for organisers."""

import pytest

from tests.activities.support import activity, worker
from zhijia.activities.selectors.activities import activity_rating
from zhijia.activities.services import checkin
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.core.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def test_rating_needs_attendance_and_own_enrolment(demo):
    org = demo.org("福田区总")
    act = activity(org)
    (u1, p1), (u2, p2) = worker(org), worker(org)
    e1 = enrolment_create(actor=u1, activity=act, person=p1)
    e2 = enrolment_create(actor=u2, activity=act, person=p2)
    with pytest.raises(Conflict) as exc:
        checkin.enrolment_rate(actor=u1, enrolment=e1, rating=5)
    assert exc.value.code == "not_attended"
    code = checkin.session_code(act.sessions.get())
    checkin.checkin_by_code(user=u1, code=code)
    checkin.checkin_by_code(user=u2, code=code)
    with pytest.raises(NotFound):
        checkin.enrolment_rate(actor=u2, enrolment=e1, rating=1)
    for bad in (0, 6, "x"):
        with pytest.raises(ValidationFailed):
            checkin.enrolment_rate(actor=u1, enrolment=e1, rating=bad)
    checkin.enrolment_rate(actor=u1, enrolment=e1, rating=5, comment="很实用")
    checkin.enrolment_rate(actor=u2, enrolment=e2, rating=2)
    assert activity_rating(act) == (3.5, 2)
    checkin.enrolment_rate(actor=u2, enrolment=e2, rating=4)  # rating again replaces it
    assert activity_rating(act) == (4.5, 2)
    e1.refresh_from_db()
    assert e1.comment == "很实用" and e1.rated_at


def test_no_ratings(demo):
    assert activity_rating(activity(demo.org("福田区总"))) == (None, 0)
