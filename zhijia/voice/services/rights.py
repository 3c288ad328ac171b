"""A worker's opinions and box messages in their own export and their anonymisation
(members.services.rights register_person_data, called by VoiceConfig.ready: members may not
import voice).

Theirs are the opinions they gave as a worker (their member record or their account; a union's
opinion is the union's, even when a person typed it) and the messages they wrote to an opinion
box. Exported with what they see of them: the outcome and its reason, the union's reply.

Anonymised, the opinions lose their author (account and member record), so nothing shown to
staff or in the compiled report names them, but keep their text, outcome and reason: the text is
about the draft law, not about the person, belongs to a consultation record that may already have
gone to the legislature, and other opinions may be merged into it. A box message is about the
writer's own situation: its author, subject, text and reply are cleared, while its unit, dates
and status stay for the reply-on-time figures."""

from typing import Any

from django.db.models import Q, QuerySet

from ..enums import OpinionSource
from ..models import BoxMessage, Opinion


def _opinions(person: Any) -> QuerySet[Opinion]:
    mine = Q(person=person)
    if person.user_id:
        mine |= Q(author_id=person.user_id)
    return Opinion.objects.filter(mine, source=OpinionSource.WORKER)


def _messages(person: Any) -> QuerySet[BoxMessage]:
    return (
        BoxMessage.objects.filter(author_id=person.user_id) if person.user_id else BoxMessage.objects.none()
    )


def voice_export(person: Any) -> dict[str, Any]:
    opinions = _opinions(person).select_related("consultation__org", "article").order_by("created_at")
    messages = _messages(person).select_related("org").order_by("created_at")
    return {
        "voice": {
            "opinions": [
                {
                    "consultation": o.consultation.title,
                    "draft": o.consultation.draft_title,
                    "union": o.consultation.org.name,
                    "article": o.article.number if o.article else "",
                    "text": o.text,
                    "submitted_at": o.created_at,
                    "outcome": o.outcome,
                    "reason": o.reason,
                    "decided_at": o.decided_at,
                }
                for o in opinions
            ],
            "box_messages": [
                {
                    "union": m.org.name,
                    "subject": m.subject,
                    "text": m.text,
                    "sent_at": m.created_at,
                    "due_on": m.due_on,
                    "status": m.status,
                    "reply": m.reply,
                    "replied_at": m.replied_at,
                }
                for m in messages
            ],
        }
    }


def voice_anonymise(person: Any) -> None:
    _opinions(person).update(author=None, person=None)
    _messages(person).update(author=None, subject="", text="", reply="")
