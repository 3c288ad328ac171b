"""What an activity asks each enrolment (activities.questions): the console's "Questions" page
and `PUT /api/v1/activities/<id>/questions` both call `activity_questions_set`. Callers have
checked activities.manage on the organiser."""

from typing import Any

from django.db import transaction

from zhijia.core.audit import audit_log

from ..models import Activity
from ..questions import clean_questions
from .activities import EDITABLE, _ensure, _lock


@transaction.atomic
def activity_questions_set(*, actor: Any, activity: Activity, questions: Any) -> Activity:
    """Replace the activity's questions (draft or published: 409 `invalid_transition` once it
    is cancelled or finished). Answers already given stay with their question ids; a question
    made required later is not asked again of earlier enrolments. Audited `activity.questions`
    with the question ids and kinds."""
    activity = _lock(activity)
    _ensure(activity, *EDITABLE)
    activity.questions = clean_questions(questions)
    activity.save(update_fields=["questions", "updated_at"])
    audit_log(
        actor=actor,
        action="activity.questions",
        obj=activity,
        data={
            "questions": [f"{q['id']}:{q['kind']}{'*' if q['required'] else ''}" for q in activity.questions]
        },
    )
    return activity
