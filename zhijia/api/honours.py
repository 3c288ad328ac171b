"""/api/v1/honours…: honours (劳动模范, 五一劳动奖章, 工匠, 工人先锋号).

Staff (honours.manage on the organiser unless said otherwise): `GET|POST /honours/campaigns`,
`GET /honours/campaigns/<id>` (also unions holding a quota), `POST …/quotas`, `POST …/status`
(open / reviewing / publicity / closed; 409 `no_quota`, `publicity_running`, `objections_open`,
`invalid_transition`), `GET …/nominations` (names masked), `POST …/nominations` and `POST
…/submit` (honours.nominate on the nominating union; 409 `not_open`, `no_quota`,
`quota_exceeded`, `composition_rule`, `duplicate`), `GET /honours/nominations/<id>`, `POST
…/review` (honours.manage on the union whose turn it is: approve / return / reject), `POST
…/edit`, `POST …/withdraw`, `GET /honours/review-queue`, `GET …/objections`, `POST
/honours/objections/<id>/decide` (409 `already_decided`), `GET /honours/register`.

Public: `GET /honours/notices` (nominees on 公示, names masked). Any logged-in account: `POST
/honours/nominations/<id>/objections` (409 `publicity_closed`), `GET /me/honours`.

Errors are `{"code","message","fields"}`."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS, Ref
from zhijia.honours import selectors as sel
from zhijia.honours import services as svc
from zhijia.honours.models import Award, Campaign, Nomination, Objection
from zhijia.honours.permissions import (
    access_campaign,
    access_nomination,
    access_objection,
    public_nomination,
    read_campaign,
)
from zhijia.members.permissions import access_membership
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org

router = Router(tags=["honours"])


class CampaignOut(Schema):
    id: UUID
    org: Ref
    title: str
    kind: str
    year: int
    closes_on: date
    frontline_min_pct: int
    managers_max_pct: int
    publicity_days: int
    publicity_from: date | None
    publicity_until: date | None
    status: str

    @staticmethod
    def resolve_org(obj: Campaign) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}


class QuotaOut(Schema):
    org_id: UUID
    name: str
    quota: int
    used: int


class CampaignDetailOut(CampaignOut):
    quotas: list[QuotaOut]

    @staticmethod
    def resolve_quotas(obj: Campaign) -> list[dict]:
        return sel.quotas(obj)


class CampaignIn(Schema):
    org_id: UUID
    title: str = Field(..., max_length=200)
    kind: Literal["model_worker", "may_day_medal", "craftsman", "pioneer"]
    year: int
    closes_on: date
    frontline_min_pct: int = 0
    managers_max_pct: int = 100
    publicity_days: int = 5


@router.get("/honours/campaigns", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request: HttpRequest):
    return list(sel.campaign_list(actor=request.user)[:500])


@router.post("/honours/campaigns", response={201: CampaignDetailOut, **ERRORS})
def create_campaign(request: HttpRequest, payload: CampaignIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_MANAGE)
    campaign = svc.campaign_create(
        actor=request.user,
        org=org,
        title=payload.title,
        kind=payload.kind,
        year=payload.year,
        closes_on=payload.closes_on,
        frontline_min_pct=payload.frontline_min_pct,
        managers_max_pct=payload.managers_max_pct,
        publicity_days=payload.publicity_days,
    )
    return Status(201, campaign)


@router.get("/honours/campaigns/{hcampaign_id}", response={200: CampaignDetailOut, **ERRORS})
def get_campaign(request: HttpRequest, hcampaign_id: str):
    return read_campaign(actor=request.user, id=hcampaign_id)


class QuotaIn(Schema):
    org_id: UUID
    quota: int


@router.post("/honours/campaigns/{hcampaign_id}/quotas", response={200: CampaignDetailOut, **ERRORS})
def set_quota(request: HttpRequest, hcampaign_id: str, payload: QuotaIn):
    campaign = access_campaign(actor=request.user, id=hcampaign_id)
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_MANAGE)
    svc.quota_set(actor=request.user, campaign=campaign, org=org, quota=payload.quota)
    return campaign


class StatusIn(Schema):
    status: Literal["open", "reviewing", "publicity", "closed"]


@router.post("/honours/campaigns/{hcampaign_id}/status", response={200: CampaignDetailOut, **ERRORS})
def campaign_status(request: HttpRequest, hcampaign_id: str, payload: StatusIn):
    campaign = access_campaign(actor=request.user, id=hcampaign_id)
    return svc.campaign_step(actor=request.user, campaign=campaign, to=payload.status)


class ReviewOut(Schema):
    org: str
    decision: str
    note: str
    at: datetime


class NominationOut(Schema):
    id: UUID
    campaign_id: UUID
    org: Ref
    at_org: Ref | None
    nominee: str = Field(description="A person's name masked, or the team / unit.")
    category: str
    job_title: str
    deeds: str
    status: str

    @staticmethod
    def resolve_org(obj: Nomination) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}

    @staticmethod
    def resolve_at_org(obj: Nomination) -> dict | None:
        return {"id": obj.at_org.pk, "name": obj.at_org.name} if obj.at_org else None

    @staticmethod
    def resolve_nominee(obj: Nomination) -> str:
        return sel.nominee_label(obj)


class NominationDetailOut(NominationOut):
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(obj: Nomination) -> list[dict]:
        return [
            {"org": r.org.name, "decision": r.decision, "note": r.note, "at": r.at} for r in sel.reviews(obj)
        ]


@router.get("/honours/campaigns/{hcampaign_id}/nominations", response={200: list[NominationOut], **ERRORS})
def list_nominations(request: HttpRequest, hcampaign_id: str):
    campaign = read_campaign(actor=request.user, id=hcampaign_id)
    return list(sel.nominations(campaign, actor=request.user)[:1000])


class NominationIn(Schema):
    org_id: UUID
    membership_id: UUID | None = None
    team_title: str = Field("", max_length=200)
    category: Literal["frontline", "technical", "manager", "other"]
    job_title: str = Field("", max_length=100)
    deeds: str = Field(..., max_length=20000)


@router.post("/honours/campaigns/{hcampaign_id}/nominations", response={201: NominationOut, **ERRORS})
def create_nomination(request: HttpRequest, hcampaign_id: str, payload: NominationIn):
    campaign = read_campaign(actor=request.user, id=hcampaign_id)
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_NOMINATE)
    membership = None
    if payload.membership_id is not None:
        membership = access_membership(actor=request.user, id=payload.membership_id, cap=Cap.HONOURS_NOMINATE)
    nomination = svc.nomination_create(
        actor=request.user,
        campaign=campaign,
        org=org,
        membership=membership,
        team_title=payload.team_title,
        category=payload.category,
        job_title=payload.job_title,
        deeds=payload.deeds,
    )
    return Status(201, nomination)


class SubmitIn(Schema):
    org_id: UUID


class SubmitOut(Schema):
    submitted: int


@router.post("/honours/campaigns/{hcampaign_id}/submit", response={200: SubmitOut, **ERRORS})
def submit_nominations(request: HttpRequest, hcampaign_id: str, payload: SubmitIn):
    campaign = read_campaign(actor=request.user, id=hcampaign_id)
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_NOMINATE)
    return {"submitted": svc.nominations_submit(actor=request.user, campaign=campaign, org=org)}


@router.get("/honours/review-queue", response={200: list[NominationOut], **ERRORS})
def review_queue(request: HttpRequest):
    return list(sel.review_queue(actor=request.user)[:500])


@router.get("/honours/nominations/{hnomination_id}", response={200: NominationDetailOut, **ERRORS})
def get_nomination(request: HttpRequest, hnomination_id: str):
    return access_nomination(actor=request.user, id=hnomination_id)


class ReviewIn(Schema):
    decision: Literal["approve", "return", "reject"]
    note: str = Field("", max_length=2000)


@router.post("/honours/nominations/{hnomination_id}/review", response={200: NominationDetailOut, **ERRORS})
def review_nomination(request: HttpRequest, hnomination_id: str, payload: ReviewIn):
    nomination = access_nomination(actor=request.user, id=hnomination_id, cap=Cap.HONOURS_MANAGE)
    return svc.nomination_review(
        actor=request.user, nomination=nomination, decision=payload.decision, note=payload.note
    )


class EditIn(Schema):
    category: Literal["frontline", "technical", "manager", "other"]
    job_title: str = Field("", max_length=100)
    deeds: str = Field(..., max_length=20000)


@router.post("/honours/nominations/{hnomination_id}/edit", response={200: NominationDetailOut, **ERRORS})
def edit_nomination(request: HttpRequest, hnomination_id: str, payload: EditIn):
    nomination = access_nomination(actor=request.user, id=hnomination_id, cap=Cap.HONOURS_NOMINATE)
    return svc.nomination_edit(
        actor=request.user,
        nomination=nomination,
        category=payload.category,
        job_title=payload.job_title,
        deeds=payload.deeds,
    )


@router.post("/honours/nominations/{hnomination_id}/withdraw", response={200: NominationDetailOut, **ERRORS})
def withdraw_nomination(request: HttpRequest, hnomination_id: str):
    nomination = access_nomination(actor=request.user, id=hnomination_id, cap=Cap.HONOURS_NOMINATE)
    return svc.nomination_withdraw(actor=request.user, nomination=nomination)


class NomineeOut(Schema):
    id: UUID
    name: str
    unit: str
    job_title: str
    category: str
    deeds: str


class NoticeOut(Schema):
    campaign: CampaignOut
    nominees: list[NomineeOut]


@router.get("/honours/notices", response={200: list[NoticeOut], **ERRORS}, auth=None)
def public_notices(request: HttpRequest):
    """Campaigns on public notice (公示) with their nominees; names masked."""
    return sel.public_notices()


class ObjectionIn(Schema):
    text: str = Field(..., max_length=5000)


class ObjectionOut(Schema):
    id: UUID
    nomination_id: UUID
    nominee: str
    text: str
    status: str
    resolution: str
    created_at: datetime

    @staticmethod
    def resolve_nominee(obj: Objection) -> str:
        return sel.nominee_label(obj.nomination)


@router.post("/honours/nominations/{hnomination_id}/objections", response={201: ObjectionOut, **ERRORS})
def submit_objection(request: HttpRequest, hnomination_id: str, payload: ObjectionIn):
    nomination = public_nomination(id=hnomination_id)
    return Status(201, svc.objection_submit(actor=request.user, nomination=nomination, body=payload.text))


@router.get("/honours/campaigns/{hcampaign_id}/objections", response={200: list[ObjectionOut], **ERRORS})
def list_objections(request: HttpRequest, hcampaign_id: str):
    campaign = access_campaign(actor=request.user, id=hcampaign_id)
    return list(sel.objections(campaign)[:1000])


class DecideIn(Schema):
    upheld: bool
    resolution: str = Field(..., max_length=2000)


@router.post("/honours/objections/{hobjection_id}/decide", response={200: ObjectionOut, **ERRORS})
def decide_objection(request: HttpRequest, hobjection_id: str, payload: DecideIn):
    objection = access_objection(actor=request.user, id=hobjection_id)
    return svc.objection_decide(
        actor=request.user, objection=objection, upheld=payload.upheld, resolution=payload.resolution
    )


class AwardOut(Schema):
    id: UUID
    name: str
    unit: Ref
    kind: str
    title: str
    year: int
    awarded_on: date
    awarded_by: Ref

    @staticmethod
    def resolve_name(obj: Award) -> str:
        return sel.nominee_label(obj)

    @staticmethod
    def resolve_unit(obj: Award) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}

    @staticmethod
    def resolve_awarded_by(obj: Award) -> dict:
        return {"id": obj.awarded_by.pk, "name": obj.awarded_by.name}


@router.get("/honours/register", response={200: list[AwardOut], **ERRORS})
def honours_register(request: HttpRequest, org_id: UUID | None = None):
    """The honours register of the units in scope (a unit's subtree with `org_id`)."""
    org = None
    if org_id is not None:
        org = access_org(actor=request.user, id=org_id, cap=Cap.HONOURS_NOMINATE)
    return list(sel.register(actor=request.user, org=org)[:2000])


@router.get("/me/honours", response={200: list[AwardOut], **ERRORS})
def my_honours(request: HttpRequest):
    return list(sel.my_honours(user=request.user)[:200])
