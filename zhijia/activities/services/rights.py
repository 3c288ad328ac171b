"""A person's enrolments and attendances in their own export and their anonymisation
(members.services.rights.register_person_data, called by ActivitiesConfig.ready: members may not
import activities).

The export holds the person's own enrolments and those of their children (Enrolment.person is
the parent), with the answers to the activity's questions in clear — they are the person's own
data — and the sessions they or their children attended.

Anonymised, the places the person or their children hold in sessions that have not started are
released to the waiting list (cancelled, as the person could no longer come or be told); the
enrolments and attendances stay: each attendance is a service record, and the rosters, capacities
and ratings counted the enrolments. What was typed about the person goes: the answers (guardian,
pick-up person and phone, health notes), the rating's comment, the staff's reason, and the links to
the person's own login account (the enrolment's creator, the check-in's recorder, the idempotency
key)."""

from typing import Any

from .. import questions as asked
from ..models import Attendance, Enrolment
from .enrolment import enrolments_release


def _answers(questions: list[dict[str, Any]], stored: str) -> list[dict[str, str]]:
    """[{"question", "answer"}] in clear: the activity's questions in order, then any answer
    whose question was later removed (under its id)."""
    answers = asked.load(stored)
    known = {q["id"]: asked.label(q) for q in questions}
    order = [q["id"] for q in questions] + sorted(set(answers) - set(known))
    return [{"question": known.get(i, i), "answer": answers[i]} for i in order if answers.get(i)]


def _enrolment(e: Enrolment) -> dict[str, Any]:
    return {
        "activity": e.activity.title,
        "organiser": e.activity.org.name,
        "starts_at": e.session.starts_at if e.session else e.activity.starts_at,
        "child": e.child.name if e.child else "",
        "status": e.status,
        "channel": e.channel,
        "enrolled_at": e.created_at,
        "decided_at": e.decided_at,
        "reason": e.reason,
        "answers": _answers(e.activity.questions or [], e.answers),
        "rating": e.rating,
        "comment": e.comment,
        "rated_at": e.rated_at,
    }


def enrolments_export(person: Any) -> dict[str, Any]:
    """The person's and their children's enrolments and attendances."""
    enrolments = (
        Enrolment.objects.filter(person=person)
        .select_related("activity__org", "session", "child")
        .order_by("created_at")
    )
    attendances = (
        Attendance.objects.filter(person=person).select_related("session__activity", "child").order_by("at")
    )
    return {
        "activity_enrolments": [_enrolment(e) for e in enrolments],
        "activity_attendances": [
            {
                "activity": a.session.activity.title,
                "session": a.session.title,
                "starts_at": a.session.starts_at,
                "child": a.child.name if a.child else "",
                "method": a.method,
                "at": a.at,
            }
            for a in attendances
        ],
    }


def enrolments_anonymise(person: Any) -> None:
    """Release the places the person holds in what has not started (enrolments_release), then
    clear what was typed about them; the enrolment and attendance rows stay."""
    enrolments_release(person)
    Enrolment.objects.filter(person=person).update(answers="", comment="", reason="", idempotency_key="")
    if person.user_id:
        Enrolment.objects.filter(person=person, created_by_id=person.user_id).update(created_by=None)
        Attendance.objects.filter(person=person, recorded_by_id=person.user_id).update(recorded_by=None)
