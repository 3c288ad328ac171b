"""Access to consultations, opinions and box messages: 404 for a missing / malformed id or one
outside every grant, 403 inside without the capability (on the consulting union / the box's
unit). Workers reach published consultations and their own opinions and messages only."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .enums import ConsultationStatus
from .models import BoxMessage, Consultation, Opinion


def _get(qs, id: Any):
    pk = parse_uuid(id)
    obj = qs.filter(pk=pk).first() if pk else None
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def access_consultation(*, actor: Any, id: Any, cap: str = Cap.VOICE_MANAGE) -> Consultation:
    consultation = _get(Consultation.objects.select_related("org"), id)
    check(actor, cap, consultation.org)
    return consultation


def public_consultation(*, id: Any) -> Consultation:
    """A consultation anyone may read: published (collecting, closed, sent or answered)."""
    return _get(Consultation.objects.select_related("org").exclude(status=ConsultationStatus.DRAFT), id)


def access_opinion(*, actor: Any, id: Any, cap: str = Cap.VOICE_MANAGE) -> Opinion:
    opinion = _get(
        Opinion.objects.select_related("consultation__org", "article", "author", "person", "union"), id
    )
    check(actor, cap, opinion.consultation.org)
    return opinion


def access_box_message(*, actor: Any, id: Any, cap: str = Cap.OPINIONS_REPLY) -> BoxMessage:
    message = _get(BoxMessage.objects.select_related("org", "author"), id)
    check(actor, cap, message.org)
    return message
