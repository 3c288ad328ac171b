"""/api/v1/contests… competitions (劳动竞赛, 职业技能竞赛).

Public: `GET /contests` (contests and their events), `GET /contests/events/<id>/results`
(after the lock: ranks, totals, prizes, names masked), `GET /contests/certificates/verify`
(`token` from a certificate's QR; 400 `bad_certificate`).

Organiser (contests.manage): `POST /contests`, `POST /contests/<id>/events` (with the marking
sheet), `POST /contests/<id>/start` (registration closes), `POST /contests/events/<id>/judges`,
`POST /contests/registrations/<id>/confirm`. Unions (contests.register on the union):
`POST /contests/events/<id>/registrations`. Judges (their judge seat, else 404):
`POST /contests/events/<id>/scores` (409 `judge_conflict`, `judgement_panel_full`), the chief
judge `POST /contests/events/<id>/lock` (403 `not_chief`). Contestants: `GET /me/certificates`,
`GET /contests/registrations/<id>/certificate.pdf` (their own; 404 otherwise)."""

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS
from zhijia.contests import selectors as sel
from zhijia.contests import services as svc
from zhijia.contests.certificate import certificate_pdf, verify
from zhijia.contests.models import Contest, Entry, Event
from zhijia.contests.permissions import (
    access_contest,
    access_entry,
    access_event,
    event_entry,
    own_awards,
    public_event,
)
from zhijia.core.errors import NotFound, field_error
from zhijia.core.masking import mask_name
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["contests"])


class AspectOut(Schema):
    id: UUID
    kind: str
    title: str
    max_points: Decimal


class EventOut(Schema):
    id: UUID
    title: str
    team_size: int
    skill_level: str
    locked: bool
    aspects: list[AspectOut]

    @staticmethod
    def resolve_aspects(obj: Event) -> list:
        return list(obj.aspects.all())


class ContestOut(Schema):
    id: UUID
    title: str
    year: int
    status: str
    organiser: str
    events: list[EventOut]

    @staticmethod
    def resolve_organiser(obj: Contest) -> str:
        return obj.org.name

    @staticmethod
    def resolve_events(obj: Contest) -> list:
        return list(obj.events.all())


@router.get("/contests", response={200: list[ContestOut], **ERRORS}, auth=None)
def list_contests(request: HttpRequest):
    return list(sel.contest_list()[:200])


class ContestIn(Schema):
    org_id: UUID
    title: str = Field(..., max_length=200)
    year: int = Field(..., ge=2000, le=2100)


@router.post("/contests", response={201: ContestOut, **ERRORS})
def create_contest(request: HttpRequest, payload: ContestIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.CONTESTS_MANAGE)
    return Status(
        201, svc.contest_create(actor=request.user, org=org, title=payload.title, year=payload.year)
    )


class AspectIn(Schema):
    kind: Literal["measurement", "judgement"]
    title: str = Field(..., max_length=200)
    max_points: Decimal = Field(..., gt=0, le=1000, max_digits=6, decimal_places=2)


class EventIn(Schema):
    title: str = Field(..., max_length=200)
    team_size: int = Field(1, ge=1, le=20)
    prizes: tuple[int, int, int] = (1, 2, 3)
    skill_level: Literal["", *svc.LEVELS] = ""  # type: ignore[valid-type]  # a level a first prize earns
    aspects: list[AspectIn] = Field(..., min_length=1, max_length=50)


@router.post("/contests/{contest_id}/events", response={201: EventOut, **ERRORS})
def create_event(request: HttpRequest, contest_id: str, payload: EventIn):
    contest = access_contest(actor=request.user, id=contest_id)
    event = svc.event_create(
        actor=request.user,
        contest=contest,
        title=payload.title,
        team_size=payload.team_size,
        prizes=payload.prizes,
        skill_level=payload.skill_level,
        aspects=[(a.kind, a.title, a.max_points) for a in payload.aspects],
    )
    return Status(201, event)


@router.post("/contests/{contest_id}/start", response={200: ContestOut, **ERRORS})
def start_contest(request: HttpRequest, contest_id: str):
    """Close registration: judges may mark (409 `invalid_transition`)."""
    contest = access_contest(actor=request.user, id=contest_id)
    return svc.contest_start(actor=request.user, contest=contest)


class EntryOut(Schema):
    id: UUID
    event_id: UUID
    unit: str
    names: list[str] = Field(description="Masked.")
    status: str
    rank: int | None
    total: Decimal | None
    award: str

    @staticmethod
    def resolve_unit(obj: Entry) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_names(obj: Entry) -> list[str]:
        return [mask_name(p.name) for p in obj.people.all()]


class RegistrationIn(Schema):
    unit_id: UUID
    person_ids: list[UUID] = Field(..., min_length=1, max_length=20)


@router.post("/contests/events/{event_id}/registrations", response={201: EntryOut, **ERRORS})
def register(request: HttpRequest, event_id: str, payload: RegistrationIn):
    """A union registers an individual or a team of its members (contests.register on the
    union; 400 `person_ids` `not_eligible`); the organiser confirms."""
    event = public_event(id=event_id)
    unit = access_org(actor=request.user, id=payload.unit_id, cap=Cap.CONTESTS_REGISTER)
    from zhijia.elections.selectors import people_within

    people = people_within(unit, list(dict.fromkeys(payload.person_ids)))
    if len(people) != len(payload.person_ids):
        raise field_error(
            "person_ids",
            _("Every contestant must be an active member of the registering union."),
            "not_eligible",
        )
    return Status(201, svc.entry_register(actor=request.user, event=event, unit=unit, people=people))


class ConfirmIn(Schema):
    confirm: bool = True


@router.post("/contests/registrations/{registration_id}/confirm", response={200: EntryOut, **ERRORS})
def confirm(request: HttpRequest, registration_id: str, payload: ConfirmIn):
    entry = access_entry(actor=request.user, id=registration_id)
    return svc.entry_confirm(actor=request.user, entry=entry, confirm=payload.confirm)


class JudgeIn(Schema):
    username: str = Field(..., max_length=150)
    unit_id: UUID
    conflict_ids: list[UUID] = Field([], max_length=50)
    chief: bool = False


class JudgeOut(Schema):
    id: UUID
    unit: str
    chief: bool

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.name


@router.post("/contests/events/{event_id}/judges", response={201: JudgeOut, **ERRORS})
def add_judge(request: HttpRequest, event_id: str, payload: JudgeIn):
    """A judge (a staff account) with their own unit and the units they declare a conflict with."""
    event = access_event(actor=request.user, id=event_id)
    user = sel.judge_account(payload.username)
    if user is None:
        raise field_error("username", _("No such account."))
    conflicts = [org_by_id(i) for i in payload.conflict_ids]
    judge = svc.judge_add(
        actor=request.user,
        event=event,
        user=user,
        unit=org_by_id(payload.unit_id),
        conflicts=conflicts,
        chief=payload.chief,
    )
    return Status(201, judge)


class ScoreIn(Schema):
    entry_id: UUID
    aspect_id: UUID
    value: Decimal = Field(..., ge=0, le=1000, max_digits=6, decimal_places=2)


class ScoreOut(Schema):
    entry_id: UUID
    aspect_id: UUID
    value: Decimal


@router.post("/contests/events/{event_id}/scores", response={200: ScoreOut, **ERRORS})
def record_score(request: HttpRequest, event_id: str, payload: ScoreIn):
    """The calling judge marks an entry (404 for anyone without a judge seat; 409
    `judge_conflict` for an entry of the judge's own or declared unit)."""
    event = public_event(id=event_id)
    svc.judge_of(user=request.user, event=event)
    entry = event_entry(event=event, id=payload.entry_id)
    aspect = sel.event_aspect(event, payload.aspect_id)
    if aspect is None:
        raise field_error("aspect_id", _("This aspect is not on the event's marking sheet."))
    return svc.score_record(actor=request.user, entry=entry, aspect=aspect, value=payload.value)


@router.post("/contests/events/{event_id}/lock", response={200: EventOut, **ERRORS})
def lock_results(request: HttpRequest, event_id: str):
    """The chief judge locks the results (403 `not_chief`)."""
    event = public_event(id=event_id)
    return svc.results_lock(actor=request.user, event=event)


@router.get("/contests/events/{event_id}/results", response={200: list[EntryOut], **ERRORS}, auth=None)
def results(request: HttpRequest, event_id: str):
    """Published once locked (an empty list before)."""
    event = public_event(id=event_id)
    return sel.event_results(event) if event.locked else []


class VerifyOut(Schema):
    name: str
    award: str
    event: str
    contest: str
    organiser: str
    rank: str


@router.get("/contests/certificates/verify", response={200: VerifyOut, **ERRORS}, auth=None)
def verify_certificate(request: HttpRequest, token: str = ""):
    return verify(token)


class CertificateOut(Schema):
    entry_id: UUID
    contest: str
    event: str
    award: str
    at: datetime


@router.get("/me/certificates", response={200: list[CertificateOut], **ERRORS})
def my_certificates(request: HttpRequest):
    return [
        {
            "entry_id": e.pk,
            "contest": e.event.contest.title,
            "event": e.event.title,
            "award": str(e.get_award_display()),
            "at": e.updated_at,
        }
        for e in own_awards(user=request.user)
    ]


@router.get("/contests/registrations/{registration_id}/certificate.pdf", response={200: None, **ERRORS})
def certificate(request: HttpRequest, registration_id: str):
    """The caller's own certificate (404 for anyone else's)."""
    entry = next((e for e in own_awards(user=request.user) if str(e.pk) == str(registration_id)), None)
    if entry is None:
        raise NotFound(code="not_found")
    person = entry.people.get(user=request.user)
    url = request.build_absolute_uri("/api/v1/contests/certificates/verify")
    response = HttpResponse(certificate_pdf(entry, person, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{entry.pk}.pdf"'
    return response
