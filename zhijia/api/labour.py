"""/api/v1/labour: the labour registry (一库三台账), its dated ledgers, jobs, matches and referrals.

- `GET /labour/people?org=&status=&skill=&q=` — registry records the caller may view
  (labour.view; a village surveyor: their village), masked, paginated.
- `POST /labour/people` — register a person in village `org_id` (labour.manage or labour.survey
  there); optional `Idempotency-Key` header: a re-send returns the first record (the offline
  survey form relies on it). `GET|PATCH /labour/people/<id>`.
- `GET /labour/ledgers/<transfer|unemployed|assistance>?org=&date=` — who was in the ledger on
  `date` (default today); `.../changes?org=&start=&end=` — who entered and left, and why.
- `GET|POST /labour/jobs`, `GET /labour/jobs/<id>/matches` (ranked, each with `score` and
  `reasons`; consenting people meeting the hard requirements only), `GET /labour/jobs/<id>/funnel`.
- `POST /labour/referrals`, `POST /labour/referrals/<id>/<interview|hire|retain30|retain90|decline|leave>`.

Errors are `{"code","message","fields"}`: 404 outside scope, 403 inside without the capability,
400 naming the field, 409 `invalid_transition`, `not_eligible`, `already_referred`, `too_early`,
`job_closed`, `already_registered`, 422 `idempotency_mismatch`. ID numbers, phones and names
are masked."""

from datetime import date, timedelta
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhijia.api.schemas import ERRORS, Ref
from zhijia.core import idempotency
from zhijia.core.errors import field_error
from zhijia.core.masking import mask_name, mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.labour.enums import STEP_WORDS, EmploymentStatus, JobStatus, ReferralChannel, StatusSource
from zhijia.labour.models import Job, Referral, RegistryPerson
from zhijia.labour.occupations import occupation_name
from zhijia.labour.permissions import (
    WRITE_PEOPLE,
    access_entry,
    access_job,
    access_referral,
    access_unit,
    access_unit_any,
)
from zhijia.labour.selectors import jobs as job_sel
from zhijia.labour.selectors.ledgers import ledger_changes, ledger_count, ledger_pages
from zhijia.labour.selectors.matching import job_matches, open_jobs, person_jobs
from zhijia.labour.selectors.people import people_list, person_detail
from zhijia.labour.services import jobs as job_svc
from zhijia.labour.services.common import day
from zhijia.labour.services.registry import consented, person_register, person_update
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.web.counted import Counted

router = Router(tags=["labour"])
MAX_PAGE = 500


class Pages(LimitOffsetPagination):
    """Limit/offset with a bounded offset: an offset past 2^63 is a 400, not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=10**9)


LedgerName = Literal["transfer", "unemployed", "assistance"]
StepWord = Literal["interview", "hire", "retain30", "retain90", "decline", "leave"]


class SkillOut(Schema):
    occupation: str
    occupation_name: str
    title: str
    level: str


class PersonOut(Schema):
    id: UUID
    name: str = Field(description="Masked (张*).")
    id_number: str = Field(description="Masked.")
    phone: str = Field(description="Masked (138****1234).")
    gender: str
    birth_year: int | None
    village: Ref
    group: str
    household: str
    status: str
    status_label: str
    status_since: date | None
    skill_level: str
    skills: list[SkillOut]
    wanted_occupation: str
    wanted_job: str
    wanted_range: str
    wanted_wage: int | None
    available_from: date | None
    training_needs: str
    surveyed_on: date | None

    @staticmethod
    def resolve_name(obj: RegistryPerson) -> str:
        return mask_name(obj.person.name)

    @staticmethod
    def resolve_id_number(obj: RegistryPerson) -> str:
        return mask_identity(obj.person.id_type, obj.person.id_number) if obj.person.id_number else ""

    @staticmethod
    def resolve_phone(obj: RegistryPerson) -> str:
        return mask_phone(obj.person.phone)

    @staticmethod
    def resolve_gender(obj: RegistryPerson) -> str:
        return obj.person.gender

    @staticmethod
    def resolve_birth_year(obj: RegistryPerson) -> int | None:
        return obj.person.birth_date.year if obj.person.birth_date else None

    @staticmethod
    def resolve_village(obj: RegistryPerson) -> dict:
        return {"id": obj.org.pk, "name": obj.org.short_name or obj.org.name}

    @staticmethod
    def resolve_household(obj: RegistryPerson) -> str:
        return obj.household.number if obj.household else ""

    @staticmethod
    def resolve_status_label(obj: RegistryPerson) -> str:
        return str(obj.get_status_display()) if obj.status else ""

    @staticmethod
    def resolve_skills(obj: RegistryPerson) -> list[dict]:
        return [
            {
                "occupation": s.occupation,
                "occupation_name": occupation_name(s.occupation),
                "title": s.title,
                "level": s.level,
            }
            for s in obj.skills.all()
        ]


class PeriodOut(Schema):
    status: str
    starts_on: date
    ends_on: date | None
    destination: str
    employer: str
    source: str


class PersonDetailOut(PersonOut):
    history: list[PeriodOut]
    assistance: list[str]
    certificates: list[str]
    job_matching_consent: bool

    @staticmethod
    def resolve_history(obj: RegistryPerson) -> list:
        return list(obj.periods.all())

    @staticmethod
    def resolve_assistance(obj: RegistryPerson) -> list[str]:
        return [a.kind for a in obj.assistance.all() if a.ends_on is None]

    @staticmethod
    def resolve_certificates(obj: RegistryPerson) -> list[str]:
        return [c.name for c in obj.certificates.all()]

    @staticmethod
    def resolve_job_matching_consent(obj: RegistryPerson) -> bool:
        return consented(obj.person)


class SkillIn(Schema):
    occupation: str = Field(..., max_length=8)
    title: str = Field("", max_length=100)
    level: str = Field("", max_length=10)
    years: int | None = Field(None, ge=0, le=80)


class CertificateIn(Schema):
    name: str = Field(..., max_length=100)
    level: str = Field("", max_length=10)
    number: str = Field("", max_length=50)
    issued_on: str | None = Field(None, max_length=10)
    expires_on: str | None = Field(None, max_length=10)


class PersonFields(Schema):
    """Everything but the identity: dates as YYYY-MM-DD text (validated by the service)."""

    phone: str | None = Field(None, max_length=30)
    education: str | None = Field(None, max_length=20)
    group: str | None = Field(None, max_length=50)
    household_number: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    skill_level: str | None = Field(None, max_length=10)
    status: EmploymentStatus | None = None
    status_since: str | None = Field(None, max_length=10)
    destination: str | None = Field(None, max_length=200)
    employer: str | None = Field(None, max_length=200)
    skills: list[SkillIn] | None = Field(None, max_length=20)
    certificates: list[CertificateIn] | None = Field(None, max_length=20)
    wanted_occupation: str | None = Field(None, max_length=8)
    wanted_job: str | None = Field(None, max_length=100)
    wanted_range: str | None = Field(None, max_length=10)
    wanted_wage: int | None = Field(None, ge=0, le=1_000_000)
    available_from: str | None = Field(None, max_length=10)
    training_needs: str | None = Field(None, max_length=500)
    training_occupation: str | None = Field(None, max_length=8)
    assistance: list[str] | None = Field(None, max_length=10)
    job_matching_consent: bool | None = None
    surveyed_on: str | None = Field(None, max_length=10)
    note: str | None = Field(None, max_length=500)


class PersonIn(PersonFields):
    org_id: UUID = Field(description="The village (its union) the person lives in.")
    name: str = Field(..., max_length=100)
    id_type: str = Field("cn_resident", max_length=20)
    id_number: str = Field(..., max_length=40)
    gender: str | None = Field(None, max_length=8)
    birth_date: str | None = Field(None, max_length=10)


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("org_id", None)
    return {k: v for k, v in data.items() if v is not None or k in ("wanted_wage",)}


@router.get("/labour/people", response=list[PersonOut])
@paginate(Pages, max_limit=MAX_PAGE)
def list_people(
    request: HttpRequest,
    org: UUID | None = None,
    status: EmploymentStatus | None = None,
    skill: str | None = None,
    q: str | None = None,
):
    """Registry records the caller may view, masked: `{"items": [...], "count": n}`. `org`: that
    unit's subtree; `status`: current status; `skill`: an occupation code ("6" or "6-29")."""
    require_cap(request.user, Cap.LABOUR_VIEW)
    within = access_unit(actor=request.user, id=org) if org else None
    return people_list(
        actor=request.user, org=within, status=status, skill=(skill or "")[:8], q=(q or "")[:100]
    )


@router.post("/labour/people", response={200: PersonDetailOut, 201: PersonDetailOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn):
    """Register a person (201), or update the record of the same ID number (200). Optional
    `Idempotency-Key`: a re-send by the same user returns the first record (200)."""
    org = access_unit_any(actor=request.user, id=payload.org_id, caps=WRITE_PEOPLE)
    entry, result = person_register(
        actor=request.user,
        org=org,
        data=_data(payload),
        idempotency_key=idempotency.key_from(request.headers),
        source=StatusSource.SURVEY if request.headers.get("X-Zhijia-Survey") else StatusSource.STAFF,
    )
    return Status(201 if result == "created" else 200, person_detail(entry))


@router.get("/labour/people/{entry_id}", response={200: PersonDetailOut, **ERRORS})
def get_person(request: HttpRequest, entry_id: str):
    return person_detail(access_entry(actor=request.user, id=entry_id))


@router.patch("/labour/people/{entry_id}", response={200: PersonDetailOut, **ERRORS})
def patch_person(request: HttpRequest, entry_id: str, payload: PersonFields):
    """Change the given fields (labour.manage or labour.survey on the village). A `status`
    starts a new period on `status_since` (default today); the history is kept."""
    entry = access_entry(actor=request.user, id=entry_id, write=True)
    return person_detail(person_update(actor=request.user, entry=entry, data=_data(payload)))


class LedgerRowOut(Schema):
    id: UUID
    name: str
    id_number: str
    village: str
    group: str
    household: str
    status: str


def _ledger_row(entry: RegistryPerson) -> dict:
    return {
        "id": entry.pk,
        "name": mask_name(entry.person.name),
        "id_number": mask_identity(entry.person.id_type, entry.person.id_number),
        "village": entry.org.short_name or entry.org.name,
        "group": entry.group,
        "household": entry.household.number if entry.household else "",
        "status": entry.status,
    }


@router.get("/labour/ledgers/{ledger}", response=list[LedgerRowOut])
@paginate(Pages, max_limit=MAX_PAGE)
def get_ledger(request: HttpRequest, ledger: LedgerName, org: UUID | None = None, date: str | None = None):
    """Who was in the ledger on `date` (YYYY-MM-DD, default today) in `org`'s subtree."""
    require_cap(request.user, Cap.LABOUR_VIEW)
    on = day(date, "date", required=False) or timezone.localdate()
    unit = access_unit(actor=request.user, id=org) if org else None
    args = {"actor": request.user, "ledger": ledger, "on": on, "unit": unit}
    size = ledger_count(**args)
    return Counted(ledger_pages(**args, size=size), size, _ledger_row)


class ChangeOut(Schema):
    id: UUID
    on: date
    entered: bool
    reason: str


@router.get("/labour/ledgers/{ledger}/changes", response={200: list[ChangeOut], **ERRORS})
def get_ledger_changes(
    request: HttpRequest,
    ledger: LedgerName,
    start: str | None = None,
    end: str | None = None,
    org: UUID | None = None,
):
    """Who entered (`entered` true) and left the ledger between `start` and `end` (default:
    the last 90 days up to today), and why."""
    require_cap(request.user, Cap.LABOUR_VIEW)
    last = day(end, "end", required=False) or timezone.localdate()
    first = day(start, "start", required=False) or last - timedelta(days=90)
    if last < first or (last - first).days > 3660:
        raise field_error("end", _("The end must be after the start, within ten years."))
    unit = access_unit(actor=request.user, id=org) if org else None
    changes = ledger_changes(actor=request.user, ledger=ledger, start=first, end=last, unit=unit)
    return [{"id": c.entry_id, "on": c.on, "entered": c.entered, "reason": c.reason} for c in changes]


class JobOut(Schema):
    id: UUID
    employer: Ref
    title: str
    occupation: str
    occupation_name: str
    skills: list[str]
    place: str
    wage_min: int | None
    wage_max: int | None
    headcount: int
    starts_on: date
    ends_on: date | None
    min_age: int | None
    max_age: int | None
    min_level: str
    certificate: str
    status: JobStatus

    @staticmethod
    def resolve_employer(obj: Job) -> dict:
        return {"id": obj.org.pk, "name": obj.org.name}

    @staticmethod
    def resolve_occupation_name(obj: Job) -> str:
        return occupation_name(obj.occupation)


class JobIn(Schema):
    org_id: UUID = Field(description="The employer (its union) posting the job.")
    title: str = Field(..., max_length=100)
    occupation: str = Field(..., max_length=8)
    skills: list[str] = Field(default_factory=list, max_length=10)
    place: str = Field("", max_length=200)
    place_org_id: UUID | None = None
    wage_min: int | None = Field(None, ge=0, le=1_000_000)
    wage_max: int | None = Field(None, ge=0, le=1_000_000)
    headcount: int = Field(1, ge=1, le=10_000)
    starts_on: str = Field(..., max_length=10)
    ends_on: str | None = Field(None, max_length=10)
    min_age: int | None = Field(None, ge=16, le=80)
    max_age: int | None = Field(None, ge=16, le=80)
    min_level: str = Field("", max_length=10)
    certificate: str = Field("", max_length=100)
    description: str = Field("", max_length=5000)


@router.get("/labour/jobs", response=list[JobOut])
@paginate(Pages, max_limit=MAX_PAGE)
def list_jobs(request: HttpRequest, org: UUID | None = None, status: JobStatus | None = None):
    require_cap(request.user, Cap.LABOUR_VIEW)
    unit = access_unit(actor=request.user, id=org) if org else None
    return job_sel.job_list(actor=request.user, org=unit, status=status)


@router.post("/labour/jobs", response={201: JobOut, **ERRORS})
def create_job(request: HttpRequest, payload: JobIn):
    """Post a job for employer `org_id` (labour.manage there)."""
    org = access_unit(actor=request.user, id=payload.org_id, cap=Cap.LABOUR_MANAGE)
    data = payload.dict()
    data["place_org"] = (
        access_unit(actor=request.user, id=payload.place_org_id) if payload.place_org_id else None
    )
    return Status(201, job_svc.job_create(actor=request.user, org=org, data=data))


class MatchOut(Schema):
    person_id: UUID
    name: str
    village: str
    score: int
    reasons: list[str]


@router.get("/labour/jobs/{job_id}/matches", response={200: list[MatchOut], **ERRORS})
def job_matches_view(request: HttpRequest, job_id: str, limit: int = Query(50, ge=1, le=200)):
    """Registry people ranked for the job (labour.manage on the employer), best first, each
    with its score (0–100) and reasons. Only people who consented to job matching and meet the
    job's hard requirements (age, certificate, skill level, able to work) appear."""
    job = access_job(actor=request.user, id=job_id, cap=Cap.LABOUR_MANAGE)
    return [
        {
            "person_id": m.entry.pk,
            "name": mask_name(m.entry.person.name),
            "village": m.entry.org.short_name or m.entry.org.name,
            "score": m.score,
            "reasons": m.reasons,
        }
        for m in job_matches(actor=request.user, job=job, limit=limit)
    ]


class PersonJobOut(Schema):
    job_id: UUID
    title: str
    employer: str
    occupation: str
    place: str
    wage_min: int | None
    wage_max: int | None
    starts_on: date
    score: int
    reasons: list[str]


def person_job_rows(matches: list) -> list[dict[str, Any]]:
    return [
        {
            "job_id": m.job.pk,
            "title": m.job.title,
            "employer": m.job.org.short_name or m.job.org.name,
            "occupation": m.job.occupation,
            "place": m.job.place,
            "wage_min": m.job.wage_min,
            "wage_max": m.job.wage_max,
            "starts_on": m.job.starts_on,
            "score": m.score,
            "reasons": m.reasons,
        }
        for m in matches
    ]


@router.get("/labour/people/{entry_id}/jobs", response={200: list[PersonJobOut], **ERRORS})
def person_jobs_view(request: HttpRequest, entry_id: str, limit: int = Query(20, ge=1, le=100)):
    """Open jobs for a registry person (labour.view on their village), best first, scored and
    explained as the job's matches are; only jobs the caller may see (labour.view on the
    employer), and none for a person who has not consented to job matching."""
    entry = access_entry(actor=request.user, id=entry_id)
    jobs = open_jobs(timezone.localdate()).filter(job_sel.visible_jobs_q(request.user))
    return person_job_rows(person_jobs(entry=entry, jobs=jobs, limit=limit))


class FunnelOut(Schema):
    referred: int
    interviewed: int
    hired: int
    retained_30: int
    retained_90: int


@router.get("/labour/jobs/{job_id}/funnel", response={200: FunnelOut, **ERRORS})
def job_funnel(request: HttpRequest, job_id: str):
    job = access_job(actor=request.user, id=job_id)
    return job_sel.funnel(job_sel.referral_list(actor=request.user, job=job))


class ReferralOut(Schema):
    id: UUID
    job_id: UUID
    person_id: UUID
    step: str
    channel: str
    referred_on: date
    interviewed_on: date | None
    hired_on: date | None
    retained30_on: date | None
    retained90_on: date | None
    ended_on: date | None

    @staticmethod
    def resolve_person_id(obj: Referral) -> UUID:
        return obj.entry_id


class ReferralIn(Schema):
    job_id: UUID
    person_id: UUID
    channel: ReferralChannel = ReferralChannel.STAFF
    on: str | None = Field(None, max_length=10, description="The referral's day (default today).")
    note: str = Field("", max_length=300)


@router.post("/labour/referrals", response={201: ReferralOut, **ERRORS})
def create_referral(request: HttpRequest, payload: ReferralIn):
    """Refer a person to a job (labour.manage on the person's village, labour.view on the
    employer). 409 `not_eligible`, `already_referred`, `job_closed`."""
    entry = access_entry(actor=request.user, id=payload.person_id)
    job = access_job(actor=request.user, id=payload.job_id)
    referral = job_svc.referral_create(
        actor=request.user, job=job, entry=entry, channel=payload.channel, on=payload.on, note=payload.note
    )
    return Status(201, referral)


class StepIn(Schema):
    on: str | None = Field(None, max_length=10)
    note: str = Field("", max_length=300)


@router.post("/labour/referrals/{referral_id}/{referral_step}", response={200: ReferralOut, **ERRORS})
def referral_step(request: HttpRequest, referral_id: str, referral_step: StepWord, payload: StepIn):
    """interview → hire → retain30 → retain90, or decline / leave (labour.manage on either
    side). Hiring writes a service-ledger row and an employment period. 409
    `invalid_transition`, `too_early`."""
    referral = access_referral(actor=request.user, id=referral_id)
    return job_svc.referral_step(
        actor=request.user,
        referral=referral,
        step=STEP_WORDS[referral_step],
        on=payload.on,
        note=payload.note,
    )
