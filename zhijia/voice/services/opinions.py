"""Opinions: a worker's (on the phone) or a union's, on an article or the whole draft; staff
tag and merge them; after the report was sent each gets 采纳 / 部分采纳 / 未采纳 with a reason,
and its author an SMS notice once that commits (opinions merged into it get the same)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.members.models import Person
from zhijia.members.notices import notify
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import is_within

from ..enums import ConsultationStatus, OpinionSource, Outcome
from ..models import Article, Consultation, Opinion
from .common import require, text, user_or_none

MAX_TAGS = 10


def _open(consultation: Consultation, article: Article | None) -> None:
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict(_("This consultation is not collecting opinions."), code="not_open")
    if article is not None and article.consultation_id != consultation.pk:
        raise field_error("article_id", _("This article is not part of the draft."))


@transaction.atomic
def opinion_submit(*, actor: Any, consultation: Consultation, article: Article | None, body: str) -> Opinion:
    """A worker's opinion (real name kept inside: their account and member record)."""
    _open(consultation, article)
    user = user_or_none(actor)
    if user is None:
        raise field_error("author", _("Please log in."))
    opinion = Opinion.objects.create(
        consultation=consultation,
        article=article,
        source=OpinionSource.WORKER,
        author=user,
        person=Person.objects.filter(user=user).first(),
        text=text("text", body, 5000),
    )
    audit_log(actor=actor, action="voice.opinion_submit", obj=opinion, org=consultation.org)
    return opinion


@transaction.atomic
def union_opinion_submit(
    *, actor: Any, consultation: Consultation, union: Org, article: Article | None, body: str
) -> Opinion:
    """A union's own opinion (voice.opine on that union, which lies in the consultation's
    union's subtree)."""
    require(actor, Cap.VOICE_OPINE, union)
    _open(consultation, article)
    if not is_within(union.path, consultation.org.path):
        raise field_error(
            "org_id", _("Only the consulting union and the unions below it give opinions here.")
        )
    opinion = Opinion.objects.create(
        consultation=consultation,
        article=article,
        source=OpinionSource.UNION,
        author=user_or_none(actor),
        union=union,
        text=text("text", body, 5000),
    )
    audit_log(actor=actor, action="voice.union_opinion_submit", obj=opinion, org=union)
    return opinion


def _lock(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().select_related("consultation__org").get(pk=opinion.pk)


@transaction.atomic
def opinion_tag(*, actor: Any, opinion: Opinion, tags: list[str]) -> Opinion:
    require(actor, Cap.VOICE_MANAGE, opinion.consultation.org)
    opinion = _lock(opinion)
    if not isinstance(tags, list | tuple) or len(tags) > MAX_TAGS:
        raise field_error("tags", _("At most %(n)d tags.") % {"n": MAX_TAGS})
    opinion.tags = sorted({text("tags", t, 20) for t in tags})
    opinion.save(update_fields=["tags", "updated_at"])
    audit_log(actor=actor, action="voice.opinion_tag", obj=opinion, org=opinion.consultation.org)
    return opinion


@transaction.atomic
def opinion_merge(*, actor: Any, opinion: Opinion, into: Opinion) -> Opinion:
    """Merge a like opinion into another of the same consultation (the report lists it once;
    the outcome given to `into` reaches this one's author too)."""
    require(actor, Cap.VOICE_MANAGE, opinion.consultation.org)
    opinion = _lock(opinion)
    if into.pk == opinion.pk or into.consultation_id != opinion.consultation_id or into.merged_into_id:
        raise field_error(
            "into_id", _("Merge into another, unmerged opinion of the same consultation."), "merge_loop"
        )
    opinion.merged_into = into
    opinion.save(update_fields=["merged_into", "updated_at"])
    Opinion.objects.filter(merged_into=opinion).update(merged_into=into)
    audit_log(
        actor=actor,
        action="voice.opinion_merge",
        obj=opinion,
        org=opinion.consultation.org,
        data={"into": str(into.pk)},
    )
    return opinion


@transaction.atomic
def opinion_outcome(*, actor: Any, opinion: Opinion, outcome: str, reason: str) -> Opinion:
    """采纳 / 部分采纳 / 未采纳 with the reason its author sees, once the report was sent; the
    author (and the authors of opinions merged into it) get an SMS notice on commit. When
    every opinion has an outcome the consultation is answered."""
    consultation = opinion.consultation
    require(actor, Cap.VOICE_MANAGE, consultation.org)
    opinion = _lock(opinion)
    if opinion.consultation.status not in (ConsultationStatus.SENT, ConsultationStatus.ANSWERED):
        raise Conflict(_("Outcomes are given after the report was sent."), code="not_sent")
    if outcome not in (Outcome.ADOPTED, Outcome.PARTLY, Outcome.NOT_ADOPTED):
        raise field_error("outcome", _("Choose adopted, partly adopted or not adopted."))
    reason = text("reason", reason, 2000)
    now = timezone.now()
    targets = [opinion, *Opinion.objects.select_for_update().filter(merged_into=opinion)]
    for item in targets:
        item.outcome, item.reason, item.decided_at = outcome, reason, now
        item.save(update_fields=["outcome", "reason", "decided_at", "updated_at"])
        phone = getattr(item.author, "phone", "") if item.source == OpinionSource.WORKER else ""
        notify(
            str(phone or ""),
            "opinion_outcome",
            {"consultation": consultation.title[:40], "outcome": str(Outcome(outcome).label)[:10]},
        )
    audit_log(
        actor=actor,
        action="voice.opinion_outcome",
        obj=opinion,
        org=consultation.org,
        data={"outcome": outcome, "opinions": len(targets)},
    )
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if (
        locked.status == ConsultationStatus.SENT
        and not Opinion.objects.filter(consultation=locked, outcome=Outcome.PENDING).exists()
    ):
        locked.status = ConsultationStatus.ANSWERED
        locked.save(update_fields=["status", "updated_at"])
    return opinion
