"""/api/v1 enrolments: POST /activities/<id>/enrolments, DELETE /enrolments/<id>, /me/enrolments…

A worker enrols themself or their child (person defaults to their own; someone else's person_id
answers 404); staff enrol someone on their behalf with activities.enrol on the organiser (404
outside scope, 403 inside without it). Errors are `{"code","message","fields"}`: 409
`already_enrolled`, `closed`, `full` (waiting list off), `offer_expired`, `invalid_transition`,
`busy`; 403/422 `not_eligible`; 400 `session_required`, and 400 naming `answers.<question id>`
for a missing or bad answer to the activity's own questions (activities.questions).
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhijia.activities.models import Enrolment
from zhijia.activities.permissions import access_activity, access_enrolment, enrolment_target, own_enrolment
from zhijia.activities.selectors.enrolments import my_enrolments, waitlist_position
from zhijia.activities.services import enrolment as engine
from zhijia.api.schemas import ERRORS
from zhijia.core import idempotency
from zhijia.core.masking import mask_name
from zhijia.members.selectors.joining import people_by_ids
from zhijia.members.services.joining import is_worker
from zhijia.orgs.capabilities import Cap

router = Router(tags=["enrolments"])


class EnrolIn(Schema):
    person_id: UUID | None = None
    child_id: UUID | None = None
    session_id: UUID | None = None
    answers: dict[str, str | bool | None] | None = Field(
        None,
        max_length=50,
        description="The activity's questions answered, by question id (GET /activities/<id> lists "
        "them); yes/no as true/false. A missing required answer is 400 naming `answers.<id>`.",
    )


class EnrolledOut(Schema):
    id: UUID
    status: str
    waitlist_position: int | None = Field(None, description="1-based; only while waitlisted.")


class EnrolmentOut(Schema):
    id: UUID
    activity_id: UUID
    activity_title: str
    session_id: UUID | None
    person: str = Field(description="Masked (张*).")
    child: str | None = Field(None, description="Masked.")
    status: str
    arrival: int
    waitlist_position: int | None
    offer_expires_at: datetime | None
    created_at: datetime


def _out(e: Enrolment) -> dict:
    return {
        "id": e.pk,
        "activity_id": e.activity_id,
        "activity_title": e.activity.title,
        "session_id": e.session_id,
        "person": mask_name(e.person.name),
        "child": mask_name(e.child.name) if e.child_id and e.child else None,
        "status": e.status,
        "arrival": e.arrival,
        "waitlist_position": waitlist_position(e),
        "offer_expires_at": e.offer_expires_at,
        "created_at": e.created_at,
    }


@router.post("/activities/{activity_id}/enrolments", response={201: EnrolledOut, **ERRORS})
def enrol(request: HttpRequest, activity_id: UUID, payload: EnrolIn):
    """Enrol (optional `Idempotency-Key` header: a replay returns the first enrolment).
    201 `{"id", "status": confirmed|waitlisted|pending_approval, "waitlist_position"}`.
    Someone else's person or child, or another activity's session, is 404 (as on the phone)."""
    target = enrolment_target(
        actor=request.user,
        activity_id=activity_id,
        person_id=payload.person_id,
        child_id=payload.child_id,
        session_id=payload.session_id,
    )
    enrolment = engine.enrolment_create(
        actor=request.user,
        activity=target.activity,
        person=target.person,
        child=target.child,
        session=target.session,
        channel=target.channel,
        fresh=target.fresh,
        idempotency_key=idempotency.key_from(request.headers),
        answers=payload.answers,
    )
    return Status(
        201,
        {"id": enrolment.pk, "status": enrolment.status, "waitlist_position": waitlist_position(enrolment)},
    )


def _mine_or_staff(request: HttpRequest, enrolment_id: UUID) -> Enrolment:
    if is_worker(request.user):
        return own_enrolment(user=request.user, id=enrolment_id)
    return access_enrolment(actor=request.user, id=enrolment_id, cap=Cap.ACTIVITIES_ENROL)


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


@router.delete("/enrolments/{enrolment_id}", response={200: EnrolmentOut, **ERRORS})
def cancel(request: HttpRequest, enrolment_id: UUID):
    """Cancel (the worker's own, or staff with activities.enrol); a held place passes on."""
    enrolment = _mine_or_staff(request, enrolment_id)
    return _out(engine.enrolment_cancel(actor=request.user, enrolment=enrolment))


@router.post("/enrolments/{enrolment_id}/accept", response={200: EnrolmentOut, **ERRORS})
def accept(request: HttpRequest, enrolment_id: UUID):
    """Accept an offered place. 409 `offer_expired`, `invalid_transition`."""
    enrolment = _mine_or_staff(request, enrolment_id)
    return _out(engine.offer_accept(actor=request.user, enrolment=enrolment))


@router.post("/enrolments/{enrolment_id}/decline", response={200: EnrolmentOut, **ERRORS})
def decline(request: HttpRequest, enrolment_id: UUID):
    """Decline an offered place; it passes to the next person waiting."""
    enrolment = _mine_or_staff(request, enrolment_id)
    return _out(engine.offer_decline(actor=request.user, enrolment=enrolment))


@router.post("/enrolments/{enrolment_id}/approve", response={200: EnrolmentOut, **ERRORS})
def approve(request: HttpRequest, enrolment_id: UUID):
    """Staff (activities.enrol): pending_approval → confirmed."""
    enrolment = access_enrolment(actor=request.user, id=enrolment_id, cap=Cap.ACTIVITIES_ENROL)
    return _out(engine.enrolment_approve(actor=request.user, enrolment=enrolment))


@router.post("/enrolments/{enrolment_id}/reject", response={200: EnrolmentOut, **ERRORS})
def reject(request: HttpRequest, enrolment_id: UUID, payload: ReasonIn):
    """Staff (activities.enrol): reject a pending or waitlisted enrolment."""
    enrolment = access_enrolment(actor=request.user, id=enrolment_id, cap=Cap.ACTIVITIES_ENROL)
    return _out(engine.enrolment_reject(actor=request.user, enrolment=enrolment, reason=payload.reason))


@router.get("/me/enrolments", response=list[EnrolmentOut])
def mine(request: HttpRequest):
    """The logged-in worker's enrolments, newest first (empty for staff accounts)."""
    return [_out(e) for e in my_enrolments(user=request.user)[:200]]


class BulkIn(Schema):
    person_ids: list[UUID] = Field(..., max_length=500)
    mode: Literal["partial", "all_or_nothing"] = "partial"


class BulkRowOut(Schema):
    person_id: UUID
    status: str | None
    code: str | None
    message: str


class BulkOut(Schema):
    all_or_nothing: bool
    enrolled: int
    results: list[BulkRowOut]


@router.post("/activities/{activity_id}/enrolments/bulk", response={200: BulkOut, **ERRORS})
def bulk(request: HttpRequest, activity_id: UUID, payload: BulkIn):
    """Staff (activities.enrol): enrol many people. `mode` partial keeps the successes;
    all_or_nothing enrols nobody when anyone is refused (that person's row has the code).
    Unknown person ids are refused with `not_found`."""
    activity = access_activity(actor=request.user, id=activity_id, cap=Cap.ACTIVITIES_ENROL)
    found = people_by_ids(payload.person_ids)
    missing = [pid for pid in payload.person_ids if pid not in found]
    all_or_nothing = payload.mode == "all_or_nothing"
    if missing:
        rows = [
            {"person_id": pid, "status": None, "code": "not_found" if pid in missing else None,
             "message": _("Unknown person.") if pid in missing else ""}
            for pid in payload.person_ids
        ]  # fmt: skip
        if all_or_nothing:
            return {"all_or_nothing": True, "enrolled": 0, "results": rows}
    people = [found[pid] for pid in payload.person_ids if pid in found]
    result = engine.enrolment_bulk(
        actor=request.user, activity=activity, people=people, all_or_nothing=all_or_nothing
    )
    by_id = iter(result.results)
    rows = [next(by_id) if pid in found else {"person_id": pid, "status": None, "code": "not_found",
            "message": _("Unknown person.")} for pid in payload.person_ids]  # fmt: skip
    return {"all_or_nothing": all_or_nothing, "enrolled": result.enrolled, "results": rows}
