"""/api/v1 activities, sessions, check-in and ratings (full paths; the enrolment endpoints are in
api/enrolments.py).

Public: `GET /activities` (published), `GET /activities/<id>` (with sessions, capacity,
confirmed_count, waitlist_count, registration window and the eligibility rules in plain
words), `GET /activities/<id>/calendar.ics`. Staff (activities.manage on the organiser, 404
outside scope, 403 without it): create, edit, publish, cancel, duplicate, roster. Check-in
(activities.checkin): the rotating session code and scanning. Workers: `POST /checkins` with
the scanned code, `POST /enrolments/<id>/rating`. Errors are `{"code","message","fields"}`."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhijia.activities import ical, questions
from zhijia.activities.enums import ActivityKind, ActivityStatus, Delivery
from zhijia.activities.models import Activity, Attendance
from zhijia.activities.permissions import access_activity, access_enrolment, access_session, own_enrolment
from zhijia.activities.selectors import activities as sel
from zhijia.activities.selectors.enrolments import activity_counts
from zhijia.activities.services import activities as svc
from zhijia.activities.services import checkin
from zhijia.activities.services.questions import activity_questions_set
from zhijia.api.pagination import Pagination
from zhijia.core.errors import field_error
from zhijia.core.masking import mask_name
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.positions.geo import validate_point

router = Router(tags=["activities"])
MAX_PAGE = 200


class SessionOut(Schema):
    id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    live_url: str
    replay_url: str
    capacity: int


class ActivityItemOut(Schema):
    id: UUID
    title: str
    kind: ActivityKind
    delivery: Delivery
    category: str
    status: ActivityStatus
    org_id: UUID
    org_name: str
    place: str
    starts_at: datetime | None
    ends_at: datetime | None
    for_children: bool
    capacity: int
    confirmed_count: int
    waitlist_count: int

    @staticmethod
    def resolve_org_name(obj: Activity) -> str:
        return obj.org.name

    @staticmethod
    def resolve_place(obj: Activity) -> str:
        return _place(obj)

    @staticmethod
    def resolve_capacity(obj: Activity) -> int:
        return sum(s.capacity for s in obj.sessions.all()) if obj.per_session else obj.capacity


class QuestionOut(Schema):
    id: str
    kind: str = Field(description="text | phone | yes_no | choice")
    label: str = Field(description="In the request's language for the presets.")
    required: bool
    choices: list[str]
    preset: str


def _questions(activity: Activity) -> list[dict[str, Any]]:
    return [{**q, "label": questions.label(q)} for q in activity.questions or []]


def _place(activity: Activity) -> str:
    parts = [activity.position.name if activity.position else "", activity.room.name if activity.room else ""]
    parts.append(activity.place_note)
    return " ".join(p for p in parts if p)


class ActivityOut(ActivityItemOut):
    summary: str
    address: str
    online_url: str
    per_session: bool
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    waitlist_enabled: bool
    requires_approval: bool
    allow_walk_ins: bool
    members_only: bool
    child_age_min: int | None
    child_age_max: int | None
    certificate: bool
    materials: str
    contact: str
    cancel_reason: str
    eligibility: list[str] = Field(description="Who may enrol, one plain sentence per rule.")
    sessions: list[SessionOut]
    questions: list[QuestionOut] = Field(description="What each enrolment is asked (answers by id).")

    @staticmethod
    def resolve_questions(obj: Activity) -> list[dict[str, Any]]:
        return _questions(obj)

    @staticmethod
    def resolve_address(obj: Activity) -> str:
        return obj.position.address if obj.position else ""

    @staticmethod
    def resolve_eligibility(obj: Activity) -> list[str]:
        return sel.eligibility_summary(obj)

    @staticmethod
    def resolve_sessions(obj: Activity) -> list[Any]:
        return list(obj.sessions.all())


def _detail(activity: Activity) -> Activity:
    counts = activity_counts(activity)
    activity.confirmed_count = counts["confirmed_count"]  # type: ignore[attr-defined]
    activity.waitlist_count = counts["waitlist_count"]  # type: ignore[attr-defined]
    return activity


@router.get("/activities", response=list[ActivityItemOut], auth=None)
@paginate(Pagination, max_limit=MAX_PAGE)
def list_activities(
    request: HttpRequest,
    from_: str | None = Query(None, alias="from"),
    to: str | None = None,
    org: str | None = None,
    kind: ActivityKind | None = None,
    category: str | None = None,
    for_children: bool | None = None,
    lat: float | None = None,
    lng: float | None = None,
    radius: int = Query(5000, ge=100, le=50000),
):
    """Published activities, soonest first: `{"items": [...], "count": n}`. `from` / `to`: dates
    (YYYY-MM-DD) or datetimes, activities overlapping them; `org`: that union's subtree;
    `lat`/`lng` (WGS-84) and `radius` (metres): at a position nearby."""
    filters: dict[str, Any] = {"from": from_, "to": to, "org": org, "kind": kind, "category": category}
    if for_children is not None:
        filters["for_children"] = for_children
    if lat is not None or lng is not None:
        filters["near"] = (*validate_point(lat, lng), radius)
    return sel.activity_public_list(filters=filters)


@router.get("/activities/{activity_id}", response=ActivityOut, auth=None)
def get_activity(request: HttpRequest, activity_id: str):
    """A published (or finished / cancelled) activity; drafts are 404."""
    return _detail(sel.activity_public_get(id=activity_id))


@router.get("/activities/{activity_id}/calendar.ics", auth=None)
def activity_calendar(request: HttpRequest, activity_id: str):
    """The activity's sessions as iCalendar (text/calendar), one event per session."""
    activity = sel.activity_public_get(id=activity_id)
    body = ical.activity_ical(
        [activity], url_for=lambda a: request.build_absolute_uri(f"/h5/activities/{a.pk}/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


class SessionIn(Schema):
    title: str = Field("", max_length=200)
    starts_at: datetime
    ends_at: datetime
    live_url: str = Field("", max_length=200)
    replay_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=0)


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    delivery: Delivery | None = None
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=5000)
    category: str | None = Field(None, max_length=100)
    service_item_id: UUID | None = None
    plan_entry_id: UUID | None = None
    position_id: UUID | None = None
    room_id: UUID | None = None
    place_note: str | None = Field(None, max_length=200)
    online_url: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=0)
    per_session: bool | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    waitlist_enabled: bool | None = None
    offer_hold_minutes: int | None = Field(None, ge=1)
    requires_approval: bool | None = None
    allow_walk_ins: bool | None = None
    members_only: bool | None = None
    eligible_org_id: UUID | None = None
    occupations: list[str] | None = None
    for_children: bool | None = None
    child_age_min: int | None = Field(None, ge=0, le=18)
    child_age_max: int | None = Field(None, ge=0, le=18)
    limit_group: str | None = Field(None, max_length=100)
    limit_count: int | None = Field(None, ge=1)
    certificate: bool | None = None
    materials: str | None = Field(None, max_length=5000)
    contact: str | None = Field(None, max_length=100)
    co_organiser_ids: list[UUID] | None = None


class ActivityIn(ActivityPatch):
    org_id: UUID
    kind: ActivityKind  # type: ignore[assignment]
    title: str = Field(..., max_length=200)  # type: ignore[assignment]
    sessions: list[SessionIn] = Field(..., max_length=200)


NULLABLE = {
    "service_item_id", "plan_entry_id", "position_id", "room_id", "registration_opens_at",
    "registration_closes_at", "eligible_org_id", "child_age_min", "child_age_max", "limit_count",
}  # fmt: skip


def _data(payload: Schema) -> dict[str, Any]:
    """The keys the client sent; null only where the field may be empty."""
    data = payload.model_dump(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k in NULLABLE}


@router.post("/activities", response={201: ActivityOut})
def create_activity(request: HttpRequest, payload: ActivityIn):
    """A draft activity of `org_id` (activities.manage there). 201 with the activity."""
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.ACTIVITIES_MANAGE)
    data = _data(payload)
    data.pop("org_id")
    activity = svc.activity_create(actor=request.user, org=org, data=data)
    return Status(201, _detail(sel.activity_get(actor=request.user, id=activity.pk)))


@router.patch("/activities/{activity_id}", response=ActivityOut)
def update_activity(request: HttpRequest, activity_id: str, payload: ActivityPatch):
    """Change a draft or published activity (409 invalid_transition otherwise)."""
    activity = access_activity(actor=request.user, id=activity_id)
    svc.activity_update(actor=request.user, activity=activity, data=_data(payload))
    return _detail(sel.activity_get(actor=request.user, id=activity.pk))


@router.post("/activities/{activity_id}/publish", response=ActivityOut)
def publish_activity(request: HttpRequest, activity_id: str):
    activity = access_activity(actor=request.user, id=activity_id)
    svc.activity_publish(actor=request.user, activity=activity)
    return _detail(sel.activity_get(actor=request.user, id=activity.pk))


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


@router.post("/activities/{activity_id}/cancel", response=ActivityOut)
def cancel_activity(request: HttpRequest, activity_id: str, payload: CancelIn):
    """Cancel: every active enrolment is cancelled and notified by SMS."""
    activity = access_activity(actor=request.user, id=activity_id)
    svc.activity_cancel(actor=request.user, activity=activity, reason=payload.reason)
    return _detail(sel.activity_get(actor=request.user, id=activity.pk))


@router.post("/activities/{activity_id}/duplicate", response={201: ActivityOut})
def duplicate_activity(request: HttpRequest, activity_id: str):
    """A draft copy one calendar month later (sessions shifted, no enrolments)."""
    activity = access_activity(actor=request.user, id=activity_id)
    copy = svc.activity_duplicate(actor=request.user, activity=activity)
    return Status(201, _detail(sel.activity_get(actor=request.user, id=copy.pk)))


class QuestionIn(Schema):
    preset: str = Field("", max_length=40, description="A preset question's key (then the rest is ignored).")
    id: str = Field("", max_length=40, description="A free question's id, to keep its answers.")
    kind: str = Field("", max_length=20, description="text | yes_no | choice")
    label: str = Field("", max_length=400)
    required: bool = False
    choices: list[str] = Field([], max_length=40)


class QuestionsIn(Schema):
    questions: list[QuestionIn] = Field(..., max_length=40)


@router.put("/activities/{activity_id}/questions", response=ActivityOut)
def set_questions(request: HttpRequest, activity_id: str, payload: QuestionsIn):
    """Replace what each enrolment is asked (activities.manage): presets (`guardian`,
    `pickup_name`, `pickup_phone`, `health`, `emergency_name`, `emergency_phone`) and free
    questions (text, yes_no, choice), each required or not. 400 naming `questions.<i>.<field>`."""
    activity = access_activity(actor=request.user, id=activity_id)
    activity_questions_set(
        actor=request.user, activity=activity, questions=[q.model_dump() for q in payload.questions]
    )
    return _detail(sel.activity_get(actor=request.user, id=activity.pk))


class AnswerOut(Schema):
    id: str
    label: str
    value: str = Field(description="Masked: phone numbers as 138****1234.")


class RosterRowOut(Schema):
    enrolment_id: UUID
    name: str = Field(description="Masked (张*).")
    child: str = Field(description="Masked.")
    member_no: str
    status: str
    arrival: int
    session_id: UUID | None
    attended: dict[str, bool] = Field(description="session id -> attended")
    attended_count: int
    answers: list[AnswerOut]


class RosterOut(Schema):
    activity_id: UUID
    sessions: list[SessionOut]
    rows: list[RosterRowOut]
    walk_ins: int
    rating_average: float | None
    rating_count: int


@router.get("/activities/{activity_id}/roster", response=RosterOut)
def activity_roster(request: HttpRequest, activity_id: str):
    """Active enrolments in arrival order with attendance per session (names masked), the
    number of walk-ins and the ratings (activities.manage)."""
    from zhijia.activities.xlsx import member_no

    activity = access_activity(actor=request.user, id=activity_id)
    rows = [
        {
            "enrolment_id": r.enrolment.pk,
            "name": mask_name(r.enrolment.person.name),
            "child": mask_name(r.enrolment.child.name) if r.enrolment.child else "",
            "member_no": member_no(r.enrolment),
            "status": r.enrolment.status,
            "arrival": r.enrolment.arrival,
            "session_id": r.enrolment.session_id,
            "attended": {str(k): v for k, v in r.attended.items()},
            "attended_count": r.attended_count,
            "answers": questions.answer_rows(activity.questions or [], r.enrolment.answers),
        }
        for r in sel.roster(activity)
    ]
    average, count = sel.activity_rating(activity)
    return {
        "activity_id": activity.pk,
        "sessions": list(activity.sessions.all()),
        "rows": rows,
        "walk_ins": sel.walk_in_count(activity),
        "rating_average": average,
        "rating_count": count,
    }


class CodeOut(Schema):
    code: str
    url: str
    refresh_seconds: int


@router.get("/sessions/{session_id}/checkin-code", response=CodeOut)
def session_checkin_code(request: HttpRequest, session_id: str):
    """The rotating check-in code of a session (activities.checkin) and the URL its QR opens.
    Valid for this 30-second window and the next; fetch again every `refresh_seconds`."""
    session = access_session(actor=request.user, id=session_id)
    code = checkin.session_code(session)
    url = checkin.checkin_url(session, request, code=code)
    return {"code": code, "url": url, "refresh_seconds": checkin.WINDOW_SECONDS}


class AttendanceOut(Schema):
    id: UUID
    session_id: UUID
    activity_id: UUID
    activity_title: str
    method: str
    at: datetime
    name: str = Field(description="Masked; empty for an anonymous walk-in.")
    child: str
    visitor_group: str

    @staticmethod
    def resolve_activity_id(obj: Attendance) -> UUID:
        return obj.session.activity_id

    @staticmethod
    def resolve_activity_title(obj: Attendance) -> str:
        return obj.session.activity.title

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return mask_name(obj.person.name) if obj.person else ""

    @staticmethod
    def resolve_child(obj: Attendance) -> str:
        return mask_name(obj.child.name) if obj.child else ""


class StaffCheckinIn(Schema):
    card_token: str | None = Field(None, max_length=500)
    enrolment_id: UUID | None = None
    visitor_group: str | None = Field(None, max_length=24)


@router.post("/sessions/{session_id}/checkins", response=AttendanceOut)
def staff_checkin(request: HttpRequest, session_id: str, payload: StaffCheckinIn):
    """Staff check someone in (activities.checkin): exactly one of a scanned member card
    (`card_token`), an enrolment of the roster (`enrolment_id`) or an anonymous walk-in
    (`visitor_group`). Idempotent: a second scan returns the same attendance."""
    session = access_session(actor=request.user, id=session_id)
    given = [k for k in ("card_token", "enrolment_id", "visitor_group") if getattr(payload, k)]
    if len(given) != 1:
        message = _("Send one of card_token, enrolment_id or visitor_group.")
        raise field_error("__all__", message, code="invalid")
    if payload.card_token:
        return checkin.checkin_by_card(actor=request.user, session=session, card_token=payload.card_token)
    if payload.enrolment_id:
        enrolment = access_enrolment(actor=request.user, id=payload.enrolment_id, cap=Cap.ACTIVITIES_CHECKIN)
        return checkin.checkin_mark(actor=request.user, session=session, enrolment=enrolment)
    return checkin.checkin_walk_in(
        actor=request.user, session=session, visitor_group=payload.visitor_group or ""
    )


class CodeIn(Schema):
    code: str = Field(..., max_length=200)


@router.post("/checkins", response=AttendanceOut)
def worker_checkin(request: HttpRequest, payload: CodeIn):
    """The logged-in worker scanned a session code: 400 bad_checkin_code (forged, another
    session's or stale), 409 not_enrolled. Idempotent."""
    return checkin.checkin_by_code(user=request.user, code=payload.code)


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    id: UUID
    rating: int
    comment: str
    rated_at: datetime


@router.post("/enrolments/{enrolment_id}/rating", response=RatingOut)
def rate_enrolment(request: HttpRequest, enrolment_id: str, payload: RatingIn):
    """Rate your own enrolment 1–5 after attending (409 not_attended); 404 for anyone else's."""
    enrolment = own_enrolment(user=request.user, id=enrolment_id)
    return checkin.enrolment_rate(
        actor=request.user, enrolment=enrolment, rating=payload.rating, comment=payload.comment
    )
