"""The enrol buttons of the detail page: one per holder the worker may enrol (themself, or each
of their children for a children's activity; per session for a drop-in course), each with the
answer of activities.eligibility for it and its own idempotency key."""

import uuid
from typing import Any

from django.utils.translation import gettext as _

from zhijia.activities.eligibility import eligibility_check
from zhijia.core.errors import ApplicationError
from zhijia.members.enums import Relation

from . import display


def _children(person) -> list:
    return [f for f in person.family.all() if f.relation == Relation.CHILD]


def _check(activity, person, child) -> str:
    """ "" when eligible, else the reason in plain words."""
    try:
        eligibility_check(activity=activity, person=person, child=child)
    except ApplicationError as exc:
        return " ".join(display.refusal(exc)["reasons"]) or display.refusal(exc)["title"]
    return ""


def holders(*, activity, person, sessions: list, mine: list) -> list[dict[str, Any]]:
    """[{label, child, session, key, reason, enrolled}] for the logged-in worker's person
    (empty without one). `enrolled` is the worker's active enrolment for that holder, if any."""
    if person is None:
        return []
    who = [(None, _("Enrol myself"))]
    if activity.for_children:
        who = [(c, _("Enrol %(name)s") % {"name": c.name}) for c in _children(person)]
    per = sessions if activity.per_session else [None]
    buttons = []
    for child, label in who:
        reason = _check(activity, person, child)
        for session in per:
            enrolled = next(
                (
                    e
                    for e in mine
                    if e.child_id == (child.pk if child else None)
                    and e.session_id == (session.pk if session else None)
                ),
                None,
            )
            buttons.append(
                {
                    "label": label,
                    "child": child,
                    "session": session,
                    "key": uuid.uuid4().hex,
                    "reason": reason,
                    "enrolled": enrolled,
                }
            )
    return buttons
