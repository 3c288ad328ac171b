"""/api/v1/star-ratings…: star-rated unions (星级工会, 模范职工之家).

Staff: `POST /star-ratings/criteria` (honours.manage on the issuing union; items with points,
pass lines and an evidence source), `POST …/criteria/<id>/publish`; `POST
/star-ratings/assessments` (honours.nominate on the assessed union, below the issuing one; 409
`not_published`, `already_assessed`), `GET …/assessments/<id>` (the evidence pulled in, the
points), `POST …/self` (the union's self-assessment), `POST …/score` (honours.manage on the
issuing union; the stars, valid for the set's days). 409 `invalid_transition` out of order.

Public: `GET /star-ratings/criteria/<id>` (published), `GET /star-ratings/public?area_id=` (the
unions of an area holding stars today)."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS
from zhijia.honours import stars as svc
from zhijia.honours.models import Assessment, CriteriaSet
from zhijia.honours.permissions import access_assessment, access_criteria, public_criteria
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["star-ratings"])


class CriterionIn(Schema):
    title: str = Field(..., max_length=200)
    points: Decimal = Field(..., max_digits=6, decimal_places=2)
    pass_line: Decimal = Field(Decimal(0), max_digits=6, decimal_places=2)
    evidence: str = Field("", max_length=24)


class CriteriaIn(Schema):
    org_id: UUID
    title: str = Field(..., max_length=200)
    year: int
    thresholds: list[Decimal] = Field(..., min_length=1, max_length=svc.MAX_STARS)
    items: list[CriterionIn] = Field(..., min_length=1, max_length=svc.MAX_ITEMS)
    valid_days: int = 365


class CriterionOut(Schema):
    id: UUID
    title: str
    weight: Decimal
    pass_line: Decimal
    evidence: str


class CriteriaOut(Schema):
    id: UUID
    org_id: UUID
    title: str
    year: int
    thresholds: list[str]
    valid_days: int
    published: bool
    items: list[CriterionOut]

    @staticmethod
    def resolve_items(obj: CriteriaSet) -> list:
        return list(obj.items.all())


@router.post("/star-ratings/criteria", response={201: CriteriaOut, **ERRORS})
def create_criteria(request: HttpRequest, payload: CriteriaIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_MANAGE)
    criteria = svc.criteria_create(
        actor=request.user,
        org=org,
        title=payload.title,
        year=payload.year,
        thresholds=payload.thresholds,
        items=[(i.title, i.points, i.pass_line, i.evidence) for i in payload.items],
        valid_days=payload.valid_days,
    )
    return Status(201, criteria)


@router.get("/star-ratings/criteria/{scriteria_id}", response={200: CriteriaOut, **ERRORS}, auth=None)
def get_criteria(request: HttpRequest, scriteria_id: str):
    return public_criteria(id=scriteria_id)


@router.post("/star-ratings/criteria/{scriteria_id}/publish", response={200: CriteriaOut, **ERRORS})
def publish_criteria(request: HttpRequest, scriteria_id: str):
    criteria = access_criteria(actor=request.user, id=scriteria_id)
    return svc.criteria_publish(actor=request.user, criteria=criteria)


class AssessmentIn(Schema):
    criteria_id: UUID
    org_id: UUID


class ItemOut(Schema):
    criterion_id: UUID
    title: str
    weight: Decimal
    pass_line: Decimal
    evidence: str
    self_points: Decimal | None
    points: Decimal | None
    note: str


class AssessmentOut(Schema):
    id: UUID
    criteria_id: UUID
    org_id: UUID
    org_name: str
    status: str
    evidence: dict[str, Any] = Field(description="What Zhijia holds for the year, pulled in.")
    self_total: Decimal | None
    total: Decimal | None
    stars: int | None
    items: list[ItemOut]

    @staticmethod
    def resolve_org_name(obj: Assessment) -> str:
        return obj.org.name

    @staticmethod
    def resolve_items(obj: Assessment) -> list[dict]:
        return [
            {
                "criterion_id": i.criterion_id,
                "title": i.criterion.title,
                "weight": i.criterion.weight,
                "pass_line": i.criterion.pass_line,
                "evidence": i.criterion.evidence,
                "self_points": i.self_points,
                "points": i.points,
                "note": i.note,
            }
            for i in obj.items.select_related("criterion").order_by("criterion__order")
        ]


@router.post("/star-ratings/assessments", response={201: AssessmentOut, **ERRORS})
def start_assessment(request: HttpRequest, payload: AssessmentIn):
    criteria = public_criteria(id=payload.criteria_id)
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.HONOURS_NOMINATE)
    return Status(201, svc.assessment_start(actor=request.user, criteria=criteria, org=org))


@router.get("/star-ratings/assessments/{sassessment_id}", response={200: AssessmentOut, **ERRORS})
def get_assessment(request: HttpRequest, sassessment_id: str):
    return access_assessment(actor=request.user, id=sassessment_id)


class PointsIn(Schema):
    criterion_id: UUID
    points: Decimal = Field(..., max_digits=6, decimal_places=2)
    note: str = Field("", max_length=2000)


class PointsListIn(Schema):
    items: list[PointsIn] = Field(..., min_length=1, max_length=svc.MAX_ITEMS)


@router.post("/star-ratings/assessments/{sassessment_id}/self", response={200: AssessmentOut, **ERRORS})
def self_assess(request: HttpRequest, sassessment_id: str, payload: PointsListIn):
    assessment = access_assessment(actor=request.user, id=sassessment_id, cap=Cap.HONOURS_NOMINATE)
    return svc.assessment_self(
        actor=request.user,
        assessment=assessment,
        points={str(i.criterion_id): i.points for i in payload.items},
        notes={str(i.criterion_id): i.note for i in payload.items},
    )


@router.post("/star-ratings/assessments/{sassessment_id}/score", response={200: AssessmentOut, **ERRORS})
def score_assessment(request: HttpRequest, sassessment_id: str, payload: PointsListIn):
    assessment = access_assessment(actor=request.user, id=sassessment_id)
    return svc.assessment_score(
        actor=request.user,
        assessment=assessment,
        points={str(i.criterion_id): i.points for i in payload.items},
    )


class StarUnitOut(Schema):
    org_id: UUID
    name: str
    stars: int
    year: int
    valid_until: date


@router.get("/star-ratings/public", response={200: list[StarUnitOut], **ERRORS}, auth=None)
def star_unions(request: HttpRequest, area_id: UUID):
    """The unions of an area (its whole tree) holding stars today, most stars first."""
    return svc.public_star_unions(org_by_id(area_id))
