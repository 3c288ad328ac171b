"""/api/v1/members, the e-member card and the worker's personal-data rights.

Staff reads need members.view (404 outside scope, 403 without it); every personal value is
masked. A worker's own data (`/me/...`) is theirs: `/me/data` answers in clear and carries the
`X-Zhijia-Reveal` header (audited as member.self_export). Errors are `{"code","message","fields"}`.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhijia.api.pagination import Pagination
from zhijia.core.errors import NotFound
from zhijia.core.masking import mask_name, mask_phone, mask_text
from zhijia.core.validators.identity import mask_identity
from zhijia.members.enums import DataRequestKind, MemberStatus
from zhijia.members.models import Membership
from zhijia.members.selectors.registry import member_get, member_list, member_org
from zhijia.members.services import card, rights
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap

router = Router(tags=["members"])
MAX_PAGE = 500


class MemberOut(Schema):
    id: UUID
    member_no: str | None
    status: MemberStatus
    joined_on: date | None
    ended_on: date | None
    org_id: UUID
    org_name: str
    name: str = Field(description="Masked (张*).")
    id_type: str
    id_number: str = Field(description="Masked (4403**********123X).")
    phone: str = Field(description="Masked (138****1234).")

    @staticmethod
    def resolve_org_name(obj: Membership) -> str:
        return obj.org.name

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return mask_name(obj.person.name)

    @staticmethod
    def resolve_id_type(obj: Membership) -> str:
        return obj.person.id_type

    @staticmethod
    def resolve_id_number(obj: Membership) -> str:
        return mask_identity(obj.person.id_type, obj.person.id_number) if obj.person.id_number else ""

    @staticmethod
    def resolve_phone(obj: Membership) -> str:
        return mask_phone(obj.person.phone)


class EventOut(Schema):
    at: datetime
    kind: str
    from_org: str
    to_org: str
    note: str


class FamilyOut(Schema):
    relation: str
    name: str
    birth_year: int | None


class MemberDetailOut(MemberOut):
    history: list[EventOut]
    family: list[FamilyOut]

    @staticmethod
    def resolve_history(obj: Membership) -> list[dict[str, Any]]:
        return [
            {
                "at": e.created_at,
                "kind": e.kind,
                "from_org": e.from_org.name if e.from_org else "",
                "to_org": e.to_org.name if e.to_org else "",
                "note": mask_text(e.note),
            }
            for e in obj.events.all()
        ]

    @staticmethod
    def resolve_family(obj: Membership) -> list[dict[str, Any]]:
        return [
            {
                "relation": f.relation,
                "name": mask_name(f.name),
                "birth_year": f.birth_date.year if f.birth_date else None,
            }
            for f in obj.person.family.all()
        ]


@router.get("/members", response=list[MemberOut])
@paginate(Pagination, max_limit=MAX_PAGE)
def list_members(
    request: HttpRequest, q: str | None = None, org: UUID | None = None, status: MemberStatus | None = None
):
    """Memberships the caller may view, masked: `{"items": [...], "count": n}`. `q`: name,
    pinyin or initials (`zs`), last 4 phone digits, member number, or an exact identity number.
    `org`: that union's subtree (404 outside your scope). 403 without members.view anywhere."""
    require_cap(request.user, Cap.MEMBERS_VIEW)
    within = member_org(actor=request.user, id=org) if org else None
    return member_list(actor=request.user, q=(q or "")[:100], org=within, status=status)


@router.get("/members/{uuid:membership_id}", response=MemberDetailOut)
def get_member(request: HttpRequest, membership_id: UUID):
    """One membership, masked, with its history and family (404 outside your scope)."""
    return member_get(actor=request.user, id=membership_id)


class CardOut(Schema):
    token: str
    expires_at: datetime
    member_no: str
    org_name: str
    status: MemberStatus


@router.get("/me/member-card", response=CardOut)
def my_member_card(request: HttpRequest):
    """The logged-in worker's e-member card: a signed token valid for 5 minutes (fetch a new one
    every minute). 404 `not_a_member` without an active membership."""
    membership = card.card_membership(user=request.user)
    issued = card.card_token_issue(membership=membership)
    return {
        "token": issued.token,
        "expires_at": issued.expires_at,
        "member_no": membership.member_no or "",
        "org_name": membership.org.name,
        "status": membership.status,
    }


class VerifyIn(Schema):
    token: str = Field(..., max_length=500)


class VerifyOut(Schema):
    valid: bool
    name: str = Field(description="Masked (张*).")
    org_name: str
    member_no: str
    status: MemberStatus
    joined_on: date | None


@router.post("/member-cards/verify", response=VerifyOut)
def verify_member_card(request: HttpRequest, payload: VerifyIn):
    """Identify a member from a scanned card code. Staff with members.view anywhere (a station
    serves members of every union). 400 `card_invalid`, `card_expired`. Audited."""
    result = card.card_verify(actor=request.user, token=payload.token)
    return {
        "valid": result.valid,
        "name": result.masked_name,
        "org_name": result.org_name,
        "member_no": result.member_no,
        "status": result.status,
        "joined_on": result.joined_on,
    }


def _my_person(request: HttpRequest):
    person = card.person_of(request.user)
    if person is None:
        raise NotFound(code="not_found")
    return person


@router.get("/me/data")
def my_data(request: HttpRequest):
    """Everything held about the logged-in worker, in clear, as JSON (PIPL Art. 45). Audited as
    member.self_export; the response is marked `X-Zhijia-Reveal: 1` and never cached."""
    person = _my_person(request)
    data = rights.self_export(actor=request.user, person=person)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
    response["X-Zhijia-Reveal"] = "1"
    response["Cache-Control"] = "no-store"
    return response


class DataRequestIn(Schema):
    kind: DataRequestKind
    detail: str = Field("", max_length=2000)


class DataRequestOut(Schema):
    id: UUID
    kind: DataRequestKind
    status: str
    created_at: datetime


@router.post("/me/data-requests", response={201: DataRequestOut})
def create_data_request(request: HttpRequest, payload: DataRequestIn):
    """Ask for a correction (say what is wrong in `detail`) or the deletion of one's data.
    409 `request_open` while one of the same kind is open."""
    person = _my_person(request)
    created = rights.data_request_create(
        actor=request.user, person=person, kind=payload.kind, detail=payload.detail
    )
    return Status(201, created)
