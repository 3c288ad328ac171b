"""Consultations on a draft law or regulation: created with their articles, published,
closed, the compiled report recorded as sent to the 基层立法联系点."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..enums import TRANSITIONS, ConsultationStatus
from ..models import Article, Consultation
from .common import move, require, text

MAX_ARTICLES = 300


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    draft_title: str,
    closes_on: dt.date,
    articles: list[tuple[str, str]],
    intro: str = "",
) -> Consultation:
    """A draft consultation with its articles ((number, text) pairs, in order)."""
    require(actor, Cap.VOICE_MANAGE, org)
    if not isinstance(closes_on, dt.date) or closes_on < timezone.localdate():
        raise field_error("closes_on", _("Choose a date from today on."))
    if not articles or len(articles) > MAX_ARTICLES:
        raise field_error("articles", _("Give from 1 to %(n)d articles.") % {"n": MAX_ARTICLES})
    consultation = Consultation.objects.create(
        org=org,
        title=text("title", title, 200),
        draft_title=text("draft_title", draft_title, 200),
        intro=text("intro", intro, 5000, required=False),
        closes_on=closes_on,
    )
    Article.objects.bulk_create(
        [
            Article(
                consultation=consultation,
                number=text("articles", number, 40),
                text=text("articles", body, 10000),
                order=i,
            )
            for i, (number, body) in enumerate(articles)
        ]
    )
    audit_log(actor=actor, action="voice.consultation_create", obj=consultation)
    return consultation


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related("org").get(pk=consultation.pk)


@transaction.atomic
def consultation_step(*, actor: Any, consultation: Consultation, to: str) -> Consultation:
    """Publish (open) or close the collection (409 invalid_transition)."""
    require(actor, Cap.VOICE_MANAGE, consultation.org)
    consultation = _lock(consultation)
    if to not in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED):
        raise field_error("status", _("Choose a valid status."))
    move(consultation, to, TRANSITIONS)
    consultation.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action=f"voice.consultation_{to}", obj=consultation)
    return consultation


@transaction.atomic
def consultation_sent(
    *, actor: Any, consultation: Consultation, sent_to: str, sent_on: dt.date
) -> Consultation:
    """Record that the compiled report went to the 基层立法联系点 (name) on `sent_on`."""
    require(actor, Cap.VOICE_MANAGE, consultation.org)
    consultation = _lock(consultation)
    if not isinstance(sent_on, dt.date) or sent_on > timezone.localdate():
        raise field_error("sent_on", _("The date cannot be in the future."))
    move(consultation, ConsultationStatus.SENT, TRANSITIONS)
    consultation.sent_to = text("sent_to", sent_to, 200)
    consultation.sent_on = sent_on
    consultation.save(update_fields=["status", "sent_to", "sent_on", "updated_at"])
    audit_log(
        actor=actor,
        action="voice.consultation_sent",
        obj=consultation,
        data={"sent_to": consultation.sent_to, "sent_on": sent_on.isoformat()},
    )
    return consultation
