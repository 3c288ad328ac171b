"""/api/v1/join-applications, /api/v1/transfers and /api/v1/unions/search: joining the union
online (网上入会), its review, and transfers (会籍转接).

Applying needs a logged-in worker (bearer token or session from the SMS login), who applies as
themself with the account's verified phone; a staff account gets 403 `worker_only`, no login
401. It is rate-limited per account. An anonymous form would let anyone test a stranger's ID
number against the membership rolls (`already_member`), so there is none. The union search is
public (union names are public). Reviews need members.review on the application's union (404
outside the caller's scope, 403 inside without it). Person data is always masked. Errors are
`{"code", "message", "fields"}`.
"""

import time
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from zhijia.api.pagination import offset_query, page_of
from zhijia.api.schemas import ErrorOut
from zhijia.core import ratelimit
from zhijia.core.errors import NotFound, RateLimited
from zhijia.core.masking import mask_name, mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.members.enums import ApplicationSource, ApplicationStatus, TransferStatus
from zhijia.members.models import JoinApplication, Transfer
from zhijia.members.permissions import (
    access_application,
    access_membership,
    access_own_transfer,
    access_transfer,
)
from zhijia.members.selectors.joining import (
    active_membership_of_worker,
    application_get_for_applicant,
    application_list,
    joinable_unions,
    transfer_list,
    transfer_reloaded,
    with_days_left,
)
from zhijia.members.services import joining, transfers
from zhijia.members.services.joining import is_worker
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["join"])
MAX_PAGE = 200
DEFAULT_APPLY_PER_MINUTE = 10


def _throttle(request: HttpRequest, name: str, setting: str, default: int, who: str = "") -> None:
    """At most `setting` calls a minute per `who` (default: the client address)."""
    limit = getattr(settings, setting, default)
    key = f"{name}:{who or request.META.get('REMOTE_ADDR')}:{int(time.time() // 60)}"
    if ratelimit.hit(key, 120) > limit:
        raise RateLimited()


class JoinIn(Schema):
    name: str = Field(..., max_length=100)
    id_type: str = Field("cn_resident", max_length=32)
    id_number: str = Field(..., max_length=64)
    gender: str = Field("", max_length=8)
    birth_date: date | None = None
    ethnicity: str = Field("", max_length=2)
    education: str = Field("", max_length=20)
    political_status: str = Field("", max_length=20)
    hukou_place: str = Field("", max_length=200)
    residence: str = Field("", max_length=200)
    employer: str = Field("", max_length=200)
    job_title: str = Field("", max_length=100)
    occupation: str = Field("", max_length=20)
    migrant_worker: bool = False
    skill_level: str = Field("", max_length=10)
    workplace_org_id: UUID | None = Field(None, description="The workplace's grassroots union, if any.")
    work_org_id: UUID | None = Field(None, description="Else: the street/town or park union where you work.")
    notify_employer: bool = Field(False, description="Joining never requires telling the employer.")
    consent_version: str = Field("", max_length=20, description="Version of the privacy notice agreed to.")


class ApplyOut(Schema):
    id: UUID
    status: ApplicationStatus
    org_id: UUID
    org_name: str
    due_on: date
    routed: bool


class PersonOut(Schema):
    name: str = Field(description="Masked (张*).")
    id_type: str
    id_number: str = Field(description="Masked (4403**********123X).")
    phone: str = Field(description="Masked (138****1234).")
    occupation: str


class ApplicationOut(ApplyOut):
    person: PersonOut
    workplace_org_id: UUID | None
    forwarded_from_id: UUID | None
    notify_employer: bool
    source: str
    submitted_at: datetime
    decided_at: datetime | None
    reason: str
    member_no: str | None
    working_days_left: int | None = Field(description="Negative when overdue; null once decided.")


def _person(p: Any) -> dict[str, Any]:
    return {
        "name": mask_name(p.name),
        "id_type": p.id_type,
        "id_number": mask_identity(p.id_type, p.id_number),
        "phone": mask_phone(p.phone),
        "occupation": p.occupation,
    }


def _application(app: JoinApplication) -> dict[str, Any]:
    return {
        "id": app.pk,
        "status": app.status,
        "org_id": app.org_id,
        "org_name": app.org.name,
        "due_on": app.due_on,
        "routed": app.routed,
        "person": _person(app.person),
        "workplace_org_id": app.workplace_org_id,
        "forwarded_from_id": app.forwarded_from_id,
        "notify_employer": app.notify_employer,
        "source": app.source,
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "reason": app.reason,
        "member_no": app.membership.member_no if app.membership_id else None,
        "working_days_left": getattr(app, "days_left", None),
    }


def _one(app: JoinApplication) -> dict[str, Any]:
    return _application(with_days_left([app])[0])


@router.post(
    "/join-applications",
    response={201: ApplyOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut},
)
def apply(request: HttpRequest, payload: JoinIn):
    """Apply to join as the logged-in worker (the account's verified phone is used). Routed to
    the workplace union when `workplace_org_id` is given, else to the street/park union
    `work_org_id` (`routed: true`). 400 field errors, `not_a_union_to_join`, `union_required`,
    `consent_required`; 401 not logged in; 403 `worker_only` (staff accounts); 409
    `already_member`, `application_open`, `identity_in_use`, `person_mismatch`; 429
    `rate_limited` (per account)."""
    user = request.user  # join_apply refuses anyone but a worker (403 worker_only)
    _throttle(request, "join-apply", "JOIN_APPLY_PER_MINUTE", DEFAULT_APPLY_PER_MINUTE, who=f"u{user.pk}")
    data = payload.dict(exclude={"workplace_org_id", "work_org_id", "notify_employer", "consent_version"})
    app = joining.join_apply(
        actor=user,
        data={key: value for key, value in data.items() if value not in ("", None)},
        workplace_org_id=payload.workplace_org_id,
        work_org_id=payload.work_org_id,
        notify_employer=payload.notify_employer,
        consent_version=payload.consent_version,
        source=ApplicationSource.API,
    )
    out = {"id": app.pk, "status": app.status, "org_id": app.org_id, "org_name": app.org.name}
    return Status(201, out | {"due_on": app.due_on, "routed": app.routed})


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    count: int


@router.get("/join-applications", response=ApplicationPage)
def list_applications(
    request: HttpRequest,
    status: ApplicationStatus | None = None,
    overdue: bool | None = None,
    q: str = "",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = offset_query(),
):
    """Applications to unions in the caller's members.review scope, open ones first and the
    earliest deadline first: `{"items": [...], "count": n}`. `overdue=true`: still submitted
    past the deadline. 403 without members.review anywhere."""
    require_cap(request.user, Cap.MEMBERS_REVIEW)
    apps = application_list(actor=request.user, status=status, overdue=overdue, q=q[:100])
    page = with_days_left(list(page_of(apps, offset=offset, limit=limit)))
    return {"items": [_application(a) for a in page], "count": apps.count()}


@router.get("/join-applications/{app_id}", response=ApplicationOut)
def get_application(request: HttpRequest, app_id: UUID):
    """The applicant's own application, or (staff) one in the members.review scope; 404 else."""
    actor = request.user
    if is_worker(actor):
        return _one(application_get_for_applicant(actor=actor, id=app_id))
    return _one(access_application(actor=actor, id=app_id))


@router.post("/join-applications/{app_id}/approve", response=ApplicationOut)
def approve(request: HttpRequest, app_id: UUID):
    """Approve: a member number is issued. 409 `invalid_transition`, `already_member`."""
    app = access_application(actor=request.user, id=app_id)
    return _one(joining.application_approve(actor=request.user, application=app))


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


@router.post("/join-applications/{app_id}/reject", response=ApplicationOut)
def reject(request: HttpRequest, app_id: UUID, payload: ReasonIn):
    """Reject with a reason (400 `reason_required`). 409 `invalid_transition`."""
    app = access_application(actor=request.user, id=app_id)
    return _one(joining.application_reject(actor=request.user, application=app, reason=payload.reason))


class ForwardIn(Schema):
    org_id: UUID


@router.post("/join-applications/{app_id}/forward", response=ApplicationOut)
def forward(request: HttpRequest, app_id: UUID, payload: ForwardIn):
    """Forward to a union in your scope, or to the street/park union above; the 15-working-day
    deadline restarts. 400 `not_a_union_to_join`, `same_union`; 404 unknown union."""
    app = access_application(actor=request.user, id=app_id)
    target = org_by_id(payload.org_id)
    return _one(joining.application_forward(actor=request.user, application=app, to_org=target))


@router.post("/join-applications/{app_id}/withdraw", response=ApplicationOut)
def withdraw(request: HttpRequest, app_id: UUID):
    """The applicant (logged-in worker) withdraws a submitted application; others 404."""
    app = application_get_for_applicant(actor=request.user, id=app_id)
    return _one(joining.application_withdraw(actor=request.user, application=app))


class UnionOut(Schema):
    id: UUID
    name: str
    short_name: str
    level: str
    parent_name: str | None


@router.get("/unions/search", auth=None, response={200: list[UnionOut], 429: ErrorOut})
def search_unions(request: HttpRequest, q: str = "", kind: Literal["workplace", "area"] = "workplace"):
    """Unions a worker can pick when joining (public): `workplace` = grassroots unions, `area`
    = street/town and park unions; by name, short name or pinyin initials; at most 20."""
    _throttle(request, "union-search", "UNION_SEARCH_PER_MINUTE", 120)
    return [
        {
            "id": o.pk,
            "name": o.name,
            "short_name": o.short_name,
            "level": o.level,
            "parent_name": o.parent.display_name if o.parent else None,
        }
        for o in joinable_unions(q[:50], kind)
    ]


class TransferIn(Schema):
    membership_id: UUID
    to_org_id: UUID
    reason: str = Field("", max_length=500)


class TransferOut(Schema):
    id: UUID
    status: TransferStatus
    membership_id: UUID
    member_no: str | None
    person_name: str = Field(description="Masked.")
    from_org_id: UUID
    from_org_name: str
    to_org_id: UUID
    to_org_name: str
    reason: str
    rejection_reason: str
    new_member_no: str | None
    created_at: datetime
    decided_at: datetime | None


def _transfer(tr: Transfer) -> dict[str, Any]:
    return {
        "id": tr.pk,
        "status": tr.status,
        "membership_id": tr.membership_id,
        "member_no": tr.membership.member_no,
        "person_name": mask_name(tr.membership.person.name),
        "from_org_id": tr.from_org_id,
        "from_org_name": tr.from_org.name,
        "to_org_id": tr.to_org_id,
        "to_org_name": tr.to_org.name,
        "reason": tr.reason,
        "rejection_reason": tr.rejection_reason,
        "new_member_no": tr.new_membership.member_no if tr.new_membership_id else None,
        "created_at": tr.created_at,
        "decided_at": tr.decided_at,
    }


@router.post("/transfers", response={201: TransferOut})
def request_transfer(request: HttpRequest, payload: TransferIn):
    """Ask to move a membership to `to_org_id`: the member themself (worker), or staff with
    members.manage on the membership's union. 409 `transfer_open`, `not_active_member`; 400
    `same_union`, `not_a_union_to_join`; 404 unknown membership or union."""
    user = request.user
    if is_worker(user):
        membership = active_membership_of_worker(actor=user)
        if membership is None or membership.pk != payload.membership_id:
            raise NotFound()
    else:
        membership = access_membership(actor=user, id=payload.membership_id, cap=Cap.MEMBERS_MANAGE)
    target = org_by_id(payload.to_org_id)
    tr = transfers.transfer_request(actor=user, membership=membership, to_org=target, reason=payload.reason)
    return Status(201, _transfer(_reloaded(tr)))


def _reloaded(tr: Transfer) -> Transfer:
    return transfer_reloaded(tr)


class TransferPage(Schema):
    items: list[TransferOut]
    count: int


@router.get("/transfers", response=TransferPage)
def list_transfers(
    request: HttpRequest,
    direction: Literal["in", "out"] | None = None,
    status: TransferStatus | None = None,
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = offset_query(),
):
    """Transfers into or out of unions in the caller's members.review scope, newest first:
    `{"items": [...], "count": n}`. 403 without members.review anywhere."""
    require_cap(request.user, Cap.MEMBERS_REVIEW)
    qs = transfer_list(actor=request.user, direction=direction, status=status)
    return {"items": [_transfer(t) for t in page_of(qs, offset=offset, limit=limit)], "count": qs.count()}


@router.post("/transfers/{transfer_id}/accept", response=TransferOut)
def accept_transfer(request: HttpRequest, transfer_id: UUID):
    """The receiving union (members.review on it) accepts. 409 `invalid_transition`."""
    tr = access_transfer(actor=request.user, id=transfer_id, cap=Cap.MEMBERS_REVIEW, side="to")
    return _transfer(_reloaded(transfers.transfer_accept(actor=request.user, transfer=tr)))


@router.post("/transfers/{transfer_id}/reject", response=TransferOut)
def reject_transfer(request: HttpRequest, transfer_id: UUID, payload: ReasonIn):
    """The receiving union refuses, with a reason. 400 `reason_required`; 409 `invalid_transition`."""
    tr = access_transfer(actor=request.user, id=transfer_id, cap=Cap.MEMBERS_REVIEW, side="to")
    done = transfers.transfer_reject(actor=request.user, transfer=tr, reason=payload.reason)
    return _transfer(_reloaded(done))


@router.post("/transfers/{transfer_id}/cancel", response=TransferOut)
def cancel_transfer(request: HttpRequest, transfer_id: UUID):
    """Whoever requested the transfer (member or staff) cancels it; anyone else 404."""
    tr = _own_or_visible_transfer(request.user, transfer_id)
    done = transfers.transfer_cancel(actor=request.user, transfer=tr)
    return _transfer(_reloaded(done))


def _own_or_visible_transfer(user: Any, transfer_id: UUID) -> Transfer:
    """A worker's own transfer, or (staff) one touching their scope; else 404."""
    if not is_worker(user):
        return access_transfer(actor=user, id=transfer_id)
    return access_own_transfer(actor=user, id=transfer_id)
