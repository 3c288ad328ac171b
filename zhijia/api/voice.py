"""/api/v1/consultations… and /api/v1/opinions…: workers' voice to the legislature (职工心声,
立法信息采集) and the standing opinion box (意见建议箱).

Public: `GET /consultations` (published ones), `GET /consultations/<id>` (the draft's
articles and the opinions given so far — their text, never who wrote them).

Workers: `POST /consultations/<id>/opinions` (on an article or, without `article_id`, on the
whole; 409 `not_open`), `GET /me/opinions` (their own, with the outcome and its reason),
`POST /opinions/box` (to a unit's box), `GET /me/box`.

Staff (voice.manage on the consulting union unless said otherwise): `GET|POST
/consultations/manage`, `POST /consultations/<id>/status` (open / closed), `POST …/sent` (the
report went to the 基层立法联系点 on a date), `GET …/opinions` (real names, masked), `GET
…/report.xlsx`, `POST /consultations/<id>/union-opinions` (voice.opine on the union giving it),
`POST /opinions/<id>/tags|merge|outcome` (outcome: 409 `not_sent`, 400 `reason`);
`GET /opinions/box` (opinions.reply; `overdue=true`), `GET /opinions/box/overdue` (per unit, for
the upper union), `POST /opinions/box/<id>/reply` (409 `already_replied`).

Errors are `{"code","message","fields"}`."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS, Ref
from zhijia.core.errors import field_error
from zhijia.core.masking import mask_name
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_by_id
from zhijia.voice import selectors as sel
from zhijia.voice.enums import Outcome
from zhijia.voice.models import BoxMessage, Consultation, Opinion
from zhijia.voice.permissions import (
    access_box_message,
    access_consultation,
    access_opinion,
    public_consultation,
)
from zhijia.voice.report import report_xlsx
from zhijia.voice.services import box as box_svc
from zhijia.voice.services import consultations as csvc
from zhijia.voice.services import opinions as osvc

router = Router(tags=["voice"])


class ArticleOut(Schema):
    id: UUID
    number: str
    text: str


class ConsultationOut(Schema):
    id: UUID
    org: Ref
    title: str
    draft_title: str
    intro: str
    closes_on: date
    status: str
    sent_to: str
    sent_on: date | None

    @staticmethod
    def resolve_org(obj: Consultation) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}


class PublicOpinionOut(Schema):
    article: str
    text: str
    outcome: str


class ConsultationDetailOut(ConsultationOut):
    articles: list[ArticleOut]
    opinions: list[PublicOpinionOut] = Field(description="Anonymous: the text, never the author.")

    @staticmethod
    def resolve_articles(obj: Consultation) -> list:
        return sel.articles(obj)

    @staticmethod
    def resolve_opinions(obj: Consultation) -> list[dict]:
        return sel.public_opinions(obj)


@router.get("/consultations", response={200: list[ConsultationOut], **ERRORS}, auth=None)
def list_consultations(request: HttpRequest):
    return list(sel.public_consultations()[:200])


@router.get("/consultations/manage", response={200: list[ConsultationOut], **ERRORS})
def manage_consultations(request: HttpRequest):
    """Every consultation (drafts included) of unions where the caller holds voice.manage."""
    return list(sel.consultation_list(actor=request.user)[:500])


class ArticleIn(Schema):
    number: str = Field(..., max_length=40)
    text: str = Field(..., max_length=10000)


class ConsultationIn(Schema):
    org_id: UUID
    title: str = Field(..., max_length=200)
    draft_title: str = Field(..., max_length=200)
    intro: str = Field("", max_length=5000)
    closes_on: date
    articles: list[ArticleIn] = Field(..., min_length=1, max_length=csvc.MAX_ARTICLES)


@router.post("/consultations/manage", response={201: ConsultationDetailOut, **ERRORS})
def create_consultation(request: HttpRequest, payload: ConsultationIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.VOICE_MANAGE)
    consultation = csvc.consultation_create(
        actor=request.user,
        org=org,
        title=payload.title,
        draft_title=payload.draft_title,
        intro=payload.intro,
        closes_on=payload.closes_on,
        articles=[(a.number, a.text) for a in payload.articles],
    )
    return Status(201, consultation)


@router.get("/consultations/{consultation_id}", response={200: ConsultationDetailOut, **ERRORS}, auth=None)
def get_consultation(request: HttpRequest, consultation_id: str):
    """A published consultation with its articles and the anonymous opinions."""
    return public_consultation(id=consultation_id)


class StatusIn(Schema):
    status: Literal["open", "closed"]


@router.post("/consultations/{consultation_id}/status", response={200: ConsultationOut, **ERRORS})
def consultation_status(request: HttpRequest, consultation_id: str, payload: StatusIn):
    """Publish (open) or close the collection (409 `invalid_transition`)."""
    consultation = access_consultation(actor=request.user, id=consultation_id)
    return csvc.consultation_step(actor=request.user, consultation=consultation, to=payload.status)


class SentIn(Schema):
    sent_to: str = Field(..., max_length=200)
    sent_on: date


@router.post("/consultations/{consultation_id}/sent", response={200: ConsultationOut, **ERRORS})
def consultation_sent(request: HttpRequest, consultation_id: str, payload: SentIn):
    """Record that the compiled report went to the 基层立法联系点 on `sent_on`."""
    consultation = access_consultation(actor=request.user, id=consultation_id)
    return csvc.consultation_sent(
        actor=request.user, consultation=consultation, sent_to=payload.sent_to, sent_on=payload.sent_on
    )


class OpinionOut(Schema):
    id: UUID
    article: ArticleOut | None
    source: str
    author: str = Field(description="Masked real name, or the union.")
    text: str
    tags: list[str]
    merged_into_id: UUID | None
    outcome: str
    outcome_label: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Opinion) -> str:
        return sel.author_label(obj)

    @staticmethod
    def resolve_outcome_label(obj: Opinion) -> str:
        return str(obj.get_outcome_display())


@router.get("/consultations/{consultation_id}/opinions", response={200: list[OpinionOut], **ERRORS})
def list_opinions(request: HttpRequest, consultation_id: str):
    consultation = access_consultation(actor=request.user, id=consultation_id)
    return list(sel.opinions(consultation))


@router.get("/consultations/{consultation_id}/report.xlsx", response={200: None, **ERRORS})
def consultation_report(request: HttpRequest, consultation_id: str):
    """The compiled report: one row per opinion, authors masked."""
    consultation = access_consultation(actor=request.user, id=consultation_id)
    response = HttpResponse(
        report_xlsx(consultation),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="consultation-{consultation.pk}.xlsx"'
    return response


class OpinionIn(Schema):
    article_id: UUID | None = None
    text: str = Field(..., max_length=5000)


def _article(consultation: Consultation, article_id: UUID | None):
    if article_id is None:
        return None
    article = next((a for a in sel.articles(consultation) if a.pk == article_id), None)
    if article is None:
        raise field_error("article_id", _("This article is not part of the draft."))
    return article


class MyOpinionOut(Schema):
    id: UUID
    consultation: Ref
    article: str
    text: str
    outcome: str
    outcome_label: str
    reason: str

    @staticmethod
    def resolve_consultation(obj: Opinion) -> dict:
        return {"id": obj.consultation.pk, "name": obj.consultation.title}

    @staticmethod
    def resolve_article(obj: Opinion) -> str:
        return obj.article.number if obj.article_id else ""

    @staticmethod
    def resolve_outcome_label(obj: Opinion) -> str:
        return str(obj.get_outcome_display())


@router.post("/consultations/{consultation_id}/opinions", response={201: MyOpinionOut, **ERRORS})
def submit_opinion(request: HttpRequest, consultation_id: str, payload: OpinionIn):
    """A worker's opinion on an article (or the whole draft): 409 `not_open`."""
    consultation = public_consultation(id=consultation_id)
    opinion = osvc.opinion_submit(
        actor=request.user,
        consultation=consultation,
        article=_article(consultation, payload.article_id),
        body=payload.text,
    )
    return Status(201, opinion)


class UnionOpinionIn(OpinionIn):
    org_id: UUID


@router.post("/consultations/{consultation_id}/union-opinions", response={201: OpinionOut, **ERRORS})
def submit_union_opinion(request: HttpRequest, consultation_id: str, payload: UnionOpinionIn):
    """A union's own opinion (voice.opine on `org_id`, a union in the consulting union's subtree)."""
    union = access_org(actor=request.user, id=payload.org_id, cap=Cap.VOICE_OPINE)
    consultation = public_consultation(id=consultation_id)
    opinion = osvc.union_opinion_submit(
        actor=request.user,
        consultation=consultation,
        union=union,
        article=_article(consultation, payload.article_id),
        body=payload.text,
    )
    return Status(201, opinion)


@router.get("/me/opinions", response={200: list[MyOpinionOut], **ERRORS})
def my_opinions(request: HttpRequest):
    """The caller's own opinions with their outcomes and reasons."""
    return list(sel.my_opinions(user=request.user)[:500])


class TagsIn(Schema):
    tags: list[str] = Field(..., max_length=osvc.MAX_TAGS)


@router.post("/opinions/{opinion_id}/tags", response={200: OpinionOut, **ERRORS})
def tag_opinion(request: HttpRequest, opinion_id: str, payload: TagsIn):
    opinion = access_opinion(actor=request.user, id=opinion_id)
    return osvc.opinion_tag(actor=request.user, opinion=opinion, tags=payload.tags)


class MergeIn(Schema):
    into_id: UUID


@router.post("/opinions/{opinion_id}/merge", response={200: OpinionOut, **ERRORS})
def merge_opinion(request: HttpRequest, opinion_id: str, payload: MergeIn):
    """Merge into another opinion of the same consultation (400 `into_id`)."""
    opinion = access_opinion(actor=request.user, id=opinion_id)
    into = next((o for o in sel.opinions(opinion.consultation) if o.pk == payload.into_id), None)
    if into is None:
        raise field_error("into_id", _("Merge into another, unmerged opinion of the same consultation."))
    return osvc.opinion_merge(actor=request.user, opinion=opinion, into=into)


class OutcomeIn(Schema):
    outcome: Literal[Outcome.ADOPTED, Outcome.PARTLY, Outcome.NOT_ADOPTED]  # type: ignore[valid-type]
    reason: str = Field(..., max_length=2000)


@router.post("/opinions/{opinion_id}/outcome", response={200: OpinionOut, **ERRORS})
def opinion_outcome(request: HttpRequest, opinion_id: str, payload: OutcomeIn):
    """采纳 / 部分采纳 / 未采纳 with a reason (409 `not_sent` before the report was sent); the
    author is told by SMS."""
    opinion = access_opinion(actor=request.user, id=opinion_id)
    return osvc.opinion_outcome(
        actor=request.user, opinion=opinion, outcome=payload.outcome, reason=payload.reason
    )


# --- the opinion box ------------------------------------------------------------------------


class BoxIn(Schema):
    org_id: UUID
    subject: str = Field(..., max_length=200)
    text: str = Field(..., max_length=5000)


class BoxOut(Schema):
    id: UUID
    org: Ref
    subject: str
    text: str
    due_on: date
    status: str
    reply: str
    replied_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_org(obj: BoxMessage) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}


class StaffBoxOut(BoxOut):
    author: str

    @staticmethod
    def resolve_author(obj: BoxMessage) -> str:
        return mask_name(getattr(obj.author, "display_name", "") or "") or "—"


@router.post("/opinions/box", response={201: BoxOut, **ERRORS})
def box_submit(request: HttpRequest, payload: BoxIn):
    """Write to a unit's opinion box (any logged-in account); the unit replies by `due_on`."""
    org = org_by_id(payload.org_id)
    return Status(
        201, box_svc.box_submit(actor=request.user, org=org, subject=payload.subject, body=payload.text)
    )


@router.get("/opinions/box", response={200: list[StaffBoxOut], **ERRORS})
def box_list(request: HttpRequest, overdue: bool = False):
    """Messages to the boxes of units where the caller holds opinions.reply (`overdue`: open
    past their reply date)."""
    return list(sel.box_messages(actor=request.user, overdue=overdue)[:500])


class OverdueOut(Schema):
    org_id: UUID
    name: str
    overdue: int


@router.get("/opinions/box/overdue", response={200: list[OverdueOut], **ERRORS})
def box_overdue(request: HttpRequest):
    """Per unit in the caller's scope: how many messages are past their reply date."""
    return sel.box_overdue_by_unit(actor=request.user)


class ReplyIn(Schema):
    reply: str = Field(..., max_length=5000)


@router.post("/opinions/box/{message_id}/reply", response={200: StaffBoxOut, **ERRORS})
def box_reply(request: HttpRequest, message_id: str, payload: ReplyIn):
    message = access_box_message(actor=request.user, id=message_id)
    return box_svc.box_reply(actor=request.user, message=message, reply=payload.reply)


@router.get("/me/box", response={200: list[BoxOut], **ERRORS})
def my_box(request: HttpRequest):
    return list(sel.my_box_messages(user=request.user)[:200])
