"""/api/v1 help and rights (帮扶与维权): hardship files, legal help and mediation, counselling.

- `POST /cases` `{"kind": "hardship"|"legal"|"counselling", "org_id": …, …}` — a worker for
  themselves, staff on a worker's behalf (cases.handle on `org_id`).
- `GET /cases?kind=&status=&org=` — the cases the caller sees (cases.view in scope, or assigned
  to them), newest first, paginated.
- `GET /cases/<id>` — one case with its timeline, deadlines and the worker's next dates. Never
  carries note text; screening answers only for the assigned counsellor; 404 unless seen.
- `POST /cases/<id>/<step>` — a step of the case's kind (casework.kinds): 409
  `invalid_transition`, 404 `unknown_step`, 404/403 for who may take it.
- `GET|POST /cases/<id>/notes` — notes; a counselling case's notes are its counsellor's alone
  (404 for anyone else). Every read is audited.
- `GET /cases/<id>/agreement.pdf` — the 调解协议书 of an agreed mediation (handler / cases.handle).
- `GET|POST /cases/<id>/attachments`, `GET /cases/<id>/attachments/<id>` — photos (re-encoded)
  and PDFs, downloads only: the notes' readers all of them, the worker their own evidence.
- `GET|PUT /case-settings/<org>` — a unit's 低保 line, crisis contact and hotline (inherited
  down the tree; cases.approve or orgs.manage).
- `GET|POST /case-reviews` — the open yearly 复核 tasks; start a campaign (cases.approve).
- `GET /me/cases` — the caller's own cases with plain-language dates.
- `GET /public-notices` and `POST /public-notices/<id>/objections` — the 公示 (public, names
  masked) and objections to it.

Names are masked (张*), ID numbers and accounts masked; errors are `{"code","message","fields"}`."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from zhijia.api.pagination import Pagination
from zhijia.api.schemas import ERRORS, Ref
from zhijia.casework import selectors as sel
from zhijia.casework.enums import CaseKind, CaseStatus
from zhijia.casework.models import Case
from zhijia.casework.pdf import agreement_pdf
from zhijia.casework.permissions import (
    access_attachments,
    access_case,
    access_notes,
    find_case,
    is_handler,
)
from zhijia.casework.services import cases as svc
from zhijia.casework.services import settings as settings_svc
from zhijia.casework.services.attachments import attachment_add, attachment_download
from zhijia.casework.services.hardship import objection_add
from zhijia.casework.services.tick import review_campaign
from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_cn_id, mask_name, mask_text
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["cases"])
MAX_PAGE = 200


class DeadlineOut(Schema):
    code: str
    due_on: date
    working_days: bool
    met: bool


class CaseOut(Schema):
    id: UUID
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    org: Ref
    name: str = Field(description="Masked (张*); empty for an anonymous booking.")
    handler: str
    opened_on: date
    closed_at: datetime | None
    deadlines: list[DeadlineOut]


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "org": {"id": case.org.pk, "name": case.org.name},
        "name": mask_name(case.subject_name),
        "handler": (case.handler_expert.name if case.handler_expert_id else str(case.handler or "")),
        "opened_on": case.opened_on,
        "closed_at": case.closed_at,
        "deadlines": [
            {"code": d.code, "due_on": d.due_on, "working_days": d.working_days, "met": d.met_at is not None}
            for d in case.deadlines.all()
        ],
    }


class EventOut(Schema):
    step: str
    status: str
    label: str
    at: datetime


class CaseDetailOut(CaseOut):
    summary: str | None = Field(
        description="What happened; null on a counselling case for all but its counsellor."
    )
    outcome: str | None
    next_dates: list[str] = Field(description="The dates that matter to the worker, in plain language.")
    timeline: list[EventOut]
    hardship: dict[str, Any] | None
    legal: dict[str, Any] | None
    screenings: list[dict[str, Any]] | None = Field(description="Only for the assigned counsellor.")
    crisis_hotline: str | None = Field(description="Shown when a screening flagged self-harm.")


def _hardship(case: Case) -> dict[str, Any] | None:
    if case.kind != CaseKind.HARDSHIP:
        return None
    f = case.hardship
    below = None
    line = sel.settings_for(case.org).dibao_line
    if line is not None:
        below = f.per_capita < line
    return {
        "id_number": mask_cn_id(f.id_number),
        "category": f.category,
        "health": f.health,
        "disability": f.disability,
        "work_status": f.work_status,
        "model_worker": f.model_worker,
        "housing": f.housing,
        "area_band": f.area_band,
        "marital": f.marital,
        "hukou": f.hukou,
        "single_parent": f.single_parent,
        "own_income": str(f.own_income),
        "other_income": str(f.other_income),
        "family_income": str(f.family_income),
        "household_size": f.household_size,
        "per_capita_income": str(f.per_capita),
        "dibao_line": str(line) if line is not None else None,
        "below_dibao_line": below,
        "cause_main": f.cause_main,
        "causes_other": f.causes_other,
        "grade": f.grade,
        "key_groups": f.key_groups,
        "four_batches": f.four_batches,
        "bank_account": ("****" + f.bank_account[-4:]) if f.bank_account else "",
        "publicity_from": f.publicity_from,
        "publicity_until": f.publicity_until,
        "income_check_signed": f.income_check_signed,
        "visited_on": f.visited_on,
        "exit_reason": f.exit_reason,
        "members": [
            {
                "name": mask_name(m.name),
                "relation": m.relation,
                "id_number": mask_cn_id(m.id_number),
                "health": m.health,
                "income": str(m.income),
                "school_or_employer": m.school_or_employer,
            }
            for m in f.members.all()
        ],
        "help": [
            {"kind": h.kind, "amount": str(h.amount), "given_on": h.given_on, "fund": str(h.fund or "")}
            for h in case.help_records.select_related("fund")
        ],
        "objections": [
            {"id": str(o.pk), "status": o.status, "at": o.at, "answered_at": o.answered_at}
            for o in case.objections.all()
        ],
    }


def _legal(case: Case) -> dict[str, Any] | None:
    if case.kind != CaseKind.LEGAL:
        return None
    d = case.legal
    return {
        "channel": d.channel,
        "court_case_no": d.court_case_no,
        "employer": d.employer,
        "claim_amount": str(d.claim_amount) if d.claim_amount is not None else None,
        "wage_arrears": d.wage_arrears,
        "still_employed": d.still_employed,
        "knew_on": d.knew_on,
        "employment_ended_on": d.employment_ended_on,
        "mediation_applied_on": d.mediation_applied_on,
        "award_received_on": d.award_received_on,
        "agreed_on": d.agreed_on,
        "sessions": d.sessions,
        "referrals": [{"to": r.to, "detail": r.detail, "outcome": r.outcome} for r in case.referrals.all()],
    }


def detail(actor: Any, case: Case) -> dict[str, Any]:
    """The case body for `actor`: counselling text and screening answers only for its counsellor."""
    private = case.kind == CaseKind.COUNSELLING and not is_handler(actor, case)
    screenings = sel.screenings_for(actor=actor, case=case)
    flagged = case.kind == CaseKind.COUNSELLING and case.screenings.filter(self_harm=True).exists()
    mine = case.applicant_id == getattr(actor, "pk", None) or (
        case.person is not None and case.person.user_id == getattr(actor, "pk", None)
    )
    return {
        **_case_out(case),
        "summary": None if private and not mine else case.summary,
        "outcome": None if private else case.outcome,
        "next_dates": sel.worker_dates(case),
        "timeline": [
            {"step": e.step, "status": e.to_status, "label": "" if private else e.shown_label, "at": e.at}
            for e in case.events.all()
        ],
        "hardship": _hardship(case),
        "legal": _legal(case),
        "screenings": screenings,
        "crisis_hotline": sel.settings_for(case.org).crisis_hotline
        if flagged and (mine or screenings)
        else None,
    }


def _raw(request: HttpRequest) -> dict[str, Any]:
    """The JSON object of the body as sent (the services validate every field of it)."""
    try:
        found = json.loads(request.body or b"{}")
    except ValueError:
        found = {}
    return found if isinstance(found, dict) else {}


class CaseIn(Schema):
    """`kind` and `org_id`, then the kind's fields (see the module documentation)."""

    model_config = ConfigDict(extra="allow")
    kind: Literal["hardship", "legal", "counselling"]
    org_id: UUID


@router.post("/cases", response={201: CaseDetailOut, **ERRORS})
def create_case(request: HttpRequest, payload: CaseIn):
    """Open a case: the worker for themselves, staff on a worker's behalf (cases.handle on the
    unit). Hardship: `name`, `id_number`, the file's fields and `members`; legal: `summary`,
    `employer`, `claim_amount`, `wage_arrears`, `still_employed`, `knew_on`,
    `employment_ended_on`, `channel`, `court_case_no`; counselling: `anonymous`, `summary`,
    optional `screening` `{"consent": true, "phq9": [9 answers 0–3], "gad7": [7]}`. Staff may add
    the worker's `id_number` to a legal or counselling case: an active member of the unit or a unit
    under it is then linked (the hardship applicant's number links the same way); any other
    valid number leaves the case unlinked."""
    data = _raw(request)
    data.pop("org_id", None), data.pop("kind", None)
    org = org_by_id(payload.org_id)
    case = svc.case_create(actor=request.user, kind=payload.kind, org=org, data=data)
    return Status(201, detail(request.user, find_case(case.pk)))


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination, max_limit=MAX_PAGE)
def list_cases(
    request: HttpRequest,
    kind: CaseKind | None = None,
    status: CaseStatus | None = None,
    org: UUID | None = None,
):
    """The cases the caller sees: `{"items": [...], "count": n}`."""
    unit = org_by_id(org) if org else None
    return [
        _case_out(c)
        for c in sel.case_list(actor=request.user, kind=kind, status=status, org=unit).prefetch_related(
            "deadlines"
        )
    ]


@router.get("/me/cases", response=list[CaseDetailOut])
def my_cases(request: HttpRequest):
    """The caller's own cases with the dates that matter to them."""
    return [detail(request.user, c) for c in sel.my_cases(user=request.user)[:50]]


class NoteIn(Schema):
    text: str = Field(..., max_length=10000)
    level: Literal["internal", "restricted"] = "internal"


class NoteOut(Schema):
    id: UUID
    level: str
    text: str
    author: str
    at: datetime


def _note(n) -> dict[str, Any]:
    return {
        "id": n.pk,
        "level": n.level,
        "text": mask_text(n.text),
        "author": str(n.author or ""),
        "at": n.at,
    }


@router.get("/cases/{case_id}/notes", response={200: list[NoteOut], **ERRORS})
def list_notes(request: HttpRequest, case_id: str):
    """The notes the caller may read (audited)."""
    case = access_notes(actor=request.user, id=case_id)
    return [_note(n) for n in svc.notes_read(actor=request.user, case=case)]


@router.post("/cases/{case_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request: HttpRequest, case_id: str, payload: NoteIn):
    case = access_notes(actor=request.user, id=case_id)
    return Status(
        201, _note(svc.note_add(actor=request.user, case=case, text=payload.text, level=payload.level))
    )


@router.get("/cases/{case_id}/agreement.pdf", response={200: None, **ERRORS})
def agreement(request: HttpRequest, case_id: str):
    """The 调解协议书 (PDF, as an attachment) of an agreed mediation."""
    case = access_case(actor=request.user, id=case_id, write=True)
    if case.kind != CaseKind.LEGAL or not case.legal.agreed_on:
        raise NotFound(code="not_found")
    response = HttpResponse(agreement_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS})
def get_case(request: HttpRequest, case_id: str):
    """One case; 404 unless the caller sees it."""
    return detail(request.user, access_case(actor=request.user, id=case_id))


# --- attachments ---------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: UUID
    kind: str
    caption: str
    extension: str
    size: int
    at: datetime
    mine: bool


def _attachment(a, actor: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "caption": mask_text(a.caption),
        "extension": a.extension,
        "size": a.size,
        "at": a.at,
        "mine": a.uploaded_by_id == getattr(actor, "pk", None),
    }


def _attachments(case: Case, actor: Any, all_of_them: bool):
    return sel.attachments_of(actor=actor, case=case, everything=all_of_them)


@router.get("/cases/{case_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
def list_attachments(request: HttpRequest, case_id: str):
    """The attachments the caller may see: all for the notes' readers, their own uploads for the
    worker the case is about; 404 for anyone else."""
    case, everything = access_attachments(actor=request.user, id=case_id)
    return [_attachment(a, request.user) for a in _attachments(case, request.user, everything)]


@router.post("/cases/{case_id}/attachments", response={201: AttachmentOut, **ERRORS})
def add_attachment(request: HttpRequest, case_id: str):
    """Add a photo or PDF as multipart form data: `file`, `kind` (visit_photo, authorisation,
    evidence, other; the worker's are always evidence), `caption`. Photos are re-encoded."""
    case, everything = access_attachments(actor=request.user, id=case_id)
    attachment = attachment_add(
        actor=request.user,
        case=case,
        upload=request.FILES.get("file"),
        kind=request.POST.get("kind") if everything else "evidence",
        caption=request.POST.get("caption"),
    )
    return Status(201, _attachment(attachment, request.user))


@router.get("/cases/{case_id}/attachments/{attachment_id}", response={200: None, **ERRORS})
def get_attachment(request: HttpRequest, case_id: str, attachment_id: str):
    """The file, only ever as a download (never inline); every read is audited."""
    case, everything = access_attachments(actor=request.user, id=case_id)
    pk = parse_uuid(attachment_id)
    attachment = _attachments(case, request.user, everything).filter(pk=pk).first() if pk else None
    if attachment is None:
        raise NotFound(code="not_found")
    return attachment_download(actor=request.user, case=case, attachment=attachment)


# --- settings per unit and the yearly review -----------------------------------------------


class SettingOut(Schema):
    own: str = Field(description="This unit's own value; empty when it takes the unit above's.")
    value: str = Field(description="The value in force (the contact's phone masked).")
    from_org: Ref | None = Field(description="The unit the value in force comes from.")
    inherited: bool


class CaseSettingsOut(Schema):
    org: Ref
    dibao_line: SettingOut
    crisis_contact_name: SettingOut
    crisis_contact_phone: SettingOut
    crisis_hotline: SettingOut


class CaseSettingsIn(Schema):
    """Each field given is set (blank: take the unit above's); a field left out is kept."""

    dibao_line: str | None = Field(None, max_length=20)
    crisis_contact_name: str | None = Field(None, max_length=50)
    crisis_contact_phone: str | None = Field(None, max_length=20)
    crisis_hotline: str | None = Field(None, max_length=20)


def _settings_out(org) -> dict[str, Any]:
    page = sel.settings_page(org)
    return {
        "org": {"id": org.pk, "name": org.name},
        **{
            k: {
                "own": v["own"],
                "value": v["value"],
                "from_org": {"id": v["from"].pk, "name": v["from"].name} if v["from"] else None,
                "inherited": v["inherited"],
            }
            for k, v in page.items()
        },
    }


@router.get("/case-settings/{settings_org_id}", response={200: CaseSettingsOut, **ERRORS})
def get_case_settings(request: HttpRequest, settings_org_id: UUID):
    """A unit's help settings with the values in force (cases.approve or orgs.manage)."""
    org = org_by_id(settings_org_id)
    settings_svc.check_configure(request.user, org)
    return _settings_out(org)


@router.put("/case-settings/{settings_org_id}", response={200: CaseSettingsOut, **ERRORS})
def put_case_settings(request: HttpRequest, settings_org_id: UUID, payload: CaseSettingsIn):
    """Set the unit's 低保 line, crisis contact and hotline (audited)."""
    org = org_by_id(settings_org_id)
    data = payload.dict(exclude_unset=True)
    settings_svc.settings_update(actor=request.user, org=org, data={k: v or "" for k, v in data.items()})
    return _settings_out(org)


class ReviewTaskOut(Schema):
    case_id: UUID
    number: str
    name: str
    org: Ref
    due_on: date
    overdue: bool


class CampaignIn(Schema):
    org_id: UUID
    due_on: date


@router.get("/case-reviews", response=list[ReviewTaskOut])
@paginate(Pagination, max_limit=MAX_PAGE)
def list_reviews(request: HttpRequest, within: int | None = Query(None, ge=0, le=3660)):
    """The open yearly 复核 tasks the caller sees, soonest first: overdue and due within
    `within` days (default every filed file's next review). Mark one with
    `POST /cases/<id>/review`, or close the file with `POST /cases/<id>/close`."""
    return [
        {
            "case_id": t["case"].pk,
            "number": t["case"].number,
            "name": t["name"],
            "org": {"id": t["case"].org.pk, "name": t["case"].org.name},
            "due_on": t["due_on"],
            "overdue": t["overdue"],
        }
        for t in sel.review_tasks(actor=request.user, within=within)
    ]


@router.post("/case-reviews", response={201: dict[str, int], **ERRORS})
def start_review_campaign(request: HttpRequest, payload: CampaignIn):
    """Start a 复核 campaign over the unit's filed files (cases.approve): `{"files": n}`."""
    org = org_by_id(payload.org_id)
    return Status(
        201, {"files": review_campaign(actor=request.user, org=org, due_on=payload.due_on.isoformat())}
    )


class StepIn(Schema):
    model_config = ConfigDict(extra="allow")


@router.post("/cases/{case_id}/{step}", response={200: CaseDetailOut, **ERRORS})
def take_step(request: HttpRequest, case_id: str, step: str, payload: StepIn | None = None):
    """Take a step of the case's kind with its fields (see casework.kinds)."""
    case = find_case(case_id)
    data = _raw(request)
    case = svc.case_step(actor=request.user, case=case, step=step[:30], data=data)
    return detail(request.user, find_case(case.pk))


# --- the public 公示 ------------------------------------------------------------------------


class NoticeOut(Schema):
    id: UUID
    number: str
    name: str
    org: str
    grade: str
    publicity_from: date
    publicity_until: date


@router.get("/public-notices", response=list[NoticeOut], auth=None)
def public_notices(request: HttpRequest, org: UUID | None = None):
    """Hardship files on public notice today, names masked."""
    unit = org_by_id(org) if org else None
    return [
        {
            "id": c.pk,
            "number": c.number,
            "name": sel.masked_name(c),
            "org": c.org.name,
            "grade": str(c.hardship.get_grade_display()),
            "publicity_from": c.hardship.publicity_from,
            "publicity_until": c.hardship.publicity_until,
        }
        for c in sel.public_notices(org=unit)[:200]
    ]


class ObjectionIn(Schema):
    text: str = Field(..., max_length=2000)


@router.post("/public-notices/{case_id}/objections", response={201: dict[str, str], **ERRORS}, auth=None)
def object_to_notice(request: HttpRequest, case_id: str, payload: ObjectionIn):
    """An objection to a notice that is running (recorded, answered by the union)."""
    case = sel.public_notice(case_id)
    if case is None:
        raise NotFound(code="not_found")
    objection_add(case=case, text=payload.text)
    return Status(201, {"status": "received"})


__all__ = ["Decimal"]
