"""Reads of the workers' voice, limited to the actor's scope."""

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from zhijia.core.masking import mask_name
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from .enums import BoxStatus, ConsultationStatus
from .models import Article, BoxMessage, Consultation, Opinion


def consultation_list(*, actor: Any) -> QuerySet[Consultation]:
    return Consultation.objects.select_related("org").filter(scope_for(actor, Cap.VOICE_MANAGE).q("org"))


def public_consultations() -> QuerySet[Consultation]:
    """Collecting ones first, then the rest that were published."""
    return (
        Consultation.objects.select_related("org")
        .exclude(status=ConsultationStatus.DRAFT)
        .annotate(opinion_count=Count("opinions"))
        .order_by("-closes_on")
    )


def articles(consultation: Consultation) -> list[Article]:
    return list(Article.objects.filter(consultation=consultation))


def opinions(consultation: Consultation, *, article: Any = None) -> QuerySet[Opinion]:
    qs = Opinion.objects.filter(consultation=consultation).select_related(
        "article", "author", "person", "union"
    )
    if article is not None:
        qs = qs.filter(article=article)
    return qs


def public_opinions(consultation: Consultation) -> list[dict]:
    """What other workers see: the text, the article, the outcome — never who wrote it."""
    return [
        {"article": o.article.number if o.article else "", "text": o.text, "outcome": o.outcome}
        for o in Opinion.objects.filter(consultation=consultation).select_related("article")
    ]


def author_label(opinion: Opinion) -> str:
    """Inside (staff): the real name, masked; a union's opinion names the union."""
    if opinion.union:
        return opinion.union.name
    if opinion.person:
        return mask_name(opinion.person.name)
    return mask_name(getattr(opinion.author, "display_name", "") or "") or "—"


def my_opinions(*, user: Any) -> QuerySet[Opinion]:
    if not getattr(user, "is_authenticated", False):
        return Opinion.objects.none()
    return Opinion.objects.filter(author=user, source="worker").select_related("consultation", "article")


def box_messages(*, actor: Any, overdue: bool = False) -> QuerySet[BoxMessage]:
    qs = BoxMessage.objects.select_related("org").filter(scope_for(actor, Cap.OPINIONS_REPLY).q("org"))
    if overdue:
        qs = qs.filter(status=BoxStatus.OPEN, due_on__lt=timezone.localdate())
    return qs


def box_overdue_by_unit(*, actor: Any) -> list[dict]:
    """For the upper union: the units below it with overdue messages, most first."""
    rows = (
        box_messages(actor=actor, overdue=True)
        .values("org__id", "org__name")
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "org__name")
    )
    return [{"org_id": r["org__id"], "name": r["org__name"], "overdue": r["overdue"]} for r in rows]


def my_box_messages(*, user: Any) -> QuerySet[BoxMessage]:
    if not getattr(user, "is_authenticated", False):
        return BoxMessage.objects.none()
    return BoxMessage.objects.filter(author=user).select_related("org")


def box_membership(*, user: Any) -> Any:
    """The worker's active membership (its union is the box they write to), or None."""
    from zhijia.members.enums import ACTIVE_STATUSES
    from zhijia.members.models import Membership

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(
            person__user=user, person__anonymised_at__isnull=True, status__in=ACTIVE_STATUSES
        )
        .select_related("org")
        .first()
    )
