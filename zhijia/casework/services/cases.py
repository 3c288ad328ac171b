"""The case engine: opening a case of any kind, the steps every kind shares (assign, refer,
close, reopen), notes, and `case_step`, the one entry point the interfaces call for
`POST /cases/<id>/<step>`."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhijia.accounts.models import UserKind
from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, busy_as_conflict, field_error
from zhijia.dispatch.models import Expert
from zhijia.members.models import Person
from zhijia.members.selectors.registry import active_member_by_index
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from .. import error_codes
from ..enums import CaseKind, CaseStatus, ExitReason, NoteLevel, ReferralTo
from ..kinds import KINDS
from ..models import Case, CaseNote, HardshipFile
from ..permissions import is_handler, require_step
from ..selectors import handler_pool
from . import common as c


def _who_opens(actor: Any, org: Any) -> tuple[Any, Any]:
    """(applicant login, person) for a worker applying for themselves; staff need cases.handle
    on the unit; `None` is the system."""
    if actor is None:
        return None, None
    if getattr(actor, "kind", "") == UserKind.WORKER:
        return actor, getattr(actor, "person", None)
    check(actor, Cap.CASES_HANDLE, org)
    return None, None


def _member(value: Any, org: Any) -> Person | None:
    """The active member of `org` or a unit under it whose ID number staff typed when opening a
    case on their behalf: the case is then theirs — on their phone, in their export and their
    anonymisation, counted as them in the ledger. None for no number or a worker who is not a
    member there (a non-member is helped too; the case stays unlinked, as before)."""
    return active_member_by_index(c.identity(value, "id_number", required=False)[1], org)


@busy_as_conflict
@transaction.atomic
def case_create(*, actor: Any, kind: str, org: Any, data: dict[str, Any]) -> Case:
    """Open a case of `kind` at `org` (the worker for themselves, or staff on their behalf with
    cases.handle there). Kind-specific fields are validated by the kind's module."""
    from . import counselling, hardship, legal

    if kind not in KINDS:
        raise field_error("kind", _("Choose a valid option."))
    if org.status != "active":
        raise field_error("org_id", _("This unit is not active."))
    applicant, person = _who_opens(actor, org)
    anonymous = kind == CaseKind.COUNSELLING and c.flag(data.get("anonymous"))
    if applicant is None and not anonymous:  # staff (or the system) on a worker's behalf
        person = _member(data.get("id_number"), org)
    name = c.text(data.get("name"), "name", max_length=100)
    if not name and person is not None:
        name = person.name
    if not name and not anonymous:
        raise field_error("name", _("This field is required."), code="required")
    phone = c.mobile(data.get("phone"), "phone")
    if not phone and applicant is not None:
        phone = getattr(applicant, "phone", "") or ""
    if not phone and person is not None:
        phone = person.phone or ""
    case = Case(
        number=c.new_number(kind),
        kind=kind,
        status=KINDS[kind].initial,
        org=org,
        person=person,
        applicant=applicant,
        subject_name="" if anonymous else name,
        subject_phone="" if anonymous else phone,
        anonymous=anonymous,
        summary=c.text(data.get("summary"), "summary", max_length=5000),
        opened_on=c.today(),
        created_by=c.user_or_none(actor),
    )
    try:
        with transaction.atomic():
            case.save()
            if kind == CaseKind.HARDSHIP:
                hardship.file_create(actor=actor, case=case, data=data)
            elif kind == CaseKind.LEGAL:
                legal.detail_create(case=case, data=data, staff=applicant is None)
            else:
                counselling.booking_create(case=case, data=data)
    except IntegrityError as exc:  # the one-open-file-per-household constraint under concurrency
        raise Conflict(
            _("This household already has an open hardship file."), code=error_codes.HOUSEHOLD_HAS_FILE
        ) from exc
    case.events.create(step="open", to_status=case.status, actor=c.user_or_none(actor), at=timezone.now())
    audit_log(actor=actor, action="case.open", obj=case, org=org, data={"number": case.number, "kind": kind})
    if kind == CaseKind.COUNSELLING and isinstance(data.get("screening"), dict):
        counselling.screening_record(actor=actor, case=case, data=data["screening"])
    return case


# --- the shared steps -------------------------------------------------------------------


def _handler_from(case: Case, data: dict[str, Any]) -> tuple[Any, Expert | None]:
    """The new handler: an expert of the pool of the case's unit or a unit above it (with a
    login), or a staff account holding cases.handle on the case's unit."""
    from zhijia.accounts.models import User

    expert_id, user_id = data.get("expert_id"), data.get("user_id")
    if expert_id:
        from zhijia.core.ids import parse_uuid

        pk = parse_uuid(expert_id)
        expert = handler_pool(case).filter(pk=pk).first() if pk else None
        if expert is None:
            raise field_error(
                "expert_id",
                _("Choose an expert of this unit's pool who has a login."),
                code=error_codes.HANDLER_NOT_ALLOWED,
            )
        return expert.user, expert
    from zhijia.core.ids import parse_uuid

    pk = parse_uuid(user_id) if user_id else None
    user = User.objects.filter(pk=pk, is_active=True, kind=UserKind.STAFF).first() if pk else None
    if user is None or not scope_for(user, Cap.CASES_HANDLE).contains(case.org):
        raise field_error(
            "user_id",
            _("Choose a colleague who handles cases at this unit."),
            code=error_codes.HANDLER_NOT_ALLOWED,
        )
    return user, None


def _assign(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "assign")
    user, expert = _handler_from(case, data)
    previous = case.handler_id
    case.handler, case.handler_expert = user, expert
    c.move(
        case,
        "assign",
        target,
        actor,
        label=str(expert.name if expert else user),
        handler=str(user.pk),
        previous=str(previous or ""),
    )
    c.notify(getattr(user, "phone", ""), "case_assigned", {"number": case.number})


def _refer(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "refer")
    to = c.choice(data.get("to"), "to", ReferralTo, required=True)
    detail = c.text(data.get("detail"), "detail", max_length=300)
    case.referrals.create(to=to, detail=detail, referred_at=timezone.now())
    c.move(case, "refer", target, actor, label=c.fixed(ReferralTo(to).label), to=to)


def _close(actor: Any, case: Case, data: dict[str, Any]) -> None:
    from ..enums import ExitReason

    target = c.guard(case, "close")
    if case.kind == CaseKind.HARDSHIP:
        reason = c.choice(data.get("reason"), "reason", ExitReason, required=True)
        case.hardship.exit_reason = reason
        case.hardship.is_open = False
        case.hardship.save(update_fields=["exit_reason", "is_open", "updated_at"])
        case.outcome = str(ExitReason(reason).label)
    else:
        case.outcome = c.text(data.get("outcome"), "outcome", max_length=200, required=True)
    case.closed_at = timezone.now()
    case.referrals.filter(outcome="").update(
        outcome=c.text(data.get("referral_outcome"), "referral_outcome", max_length=300) or case.outcome,
        outcome_at=timezone.now(),
    )
    # a counselling outcome stays with the counsellor: the timeline shows only that it closed
    c.move(case, "close", target, actor, label="" if case.kind == CaseKind.COUNSELLING else case.outcome)


ENDED = gettext_noop("Ended: the person's data was deleted")


def _ending_step(case: Case) -> str:
    """The step that ends an open case: a hardship check not yet filed is rejected, a file leaves
    the files, a counselling booking nobody has met yet is cancelled, anything else is closed."""
    if case.kind == CaseKind.HARDSHIP:
        return "close" if case.status == CaseStatus.FILED else "reject"
    if case.kind == CaseKind.COUNSELLING and case.status in (CaseStatus.BOOKED, CaseStatus.ASSIGNED):
        return "cancel"
    return "close"


def cases_end(cases: QuerySet[Case]) -> int:
    """A deleted person's open cases (person_anonymise, through the casework rights hook) end:
    nobody can be reached or helped under a cleared name, and an open case would keep its
    clocks reminding and its household index blocking. Each takes its kind's ending step
    (_ending_step) with the fixed wording ENDED; a pending 建档 approval is rejected, a file leaves
    the files (reason: other), an unanswered referral gets the same outcome. No SMS: there is
    nobody to tell. Audited as the step (why: anonymised). Returns how many ended."""
    ended, now = 0, timezone.now()
    for case in cases.order_by("pk"):
        case = c.lock(case)
        if case.status not in KINDS[case.kind].open_states:
            continue
        step = _ending_step(case)
        target = c.guard(case, step)
        if case.kind == CaseKind.HARDSHIP:
            file: dict[str, Any] = {"exit_reason": ExitReason.OTHER} if step == "close" else {}
            HardshipFile.objects.filter(case=case).update(is_open=False, updated_at=now, **file)
            case.approvals.filter(decision="pending").update(decision="rejected", decided_at=now)
        outcome = _(ENDED)  # as other outcomes: written in the language of whoever took the step
        case.referrals.filter(outcome="").update(outcome=outcome, outcome_at=now)
        case.outcome, case.closed_at = outcome, now
        c.move(case, step, target, None, label=ENDED, why="anonymised")
        ended += 1
    return ended


def _reopen(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "reopen")
    reason = c.text(data.get("reason"), "reason", max_length=200, required=True)
    if case.kind == CaseKind.HARDSHIP:
        from . import hardship

        hardship.reopen_file(actor=actor, case=case)
    case.closed_at, case.outcome = None, ""
    c.move(case, "reopen", target, actor, label=reason)


SHARED = {"assign": _assign, "refer": _refer, "close": _close, "reopen": _reopen}


@busy_as_conflict
@transaction.atomic
def case_step(*, actor: Any, case: Case, step: str, data: dict[str, Any] | None = None) -> Case:
    """Take `step` on `case` (casework.kinds declares which steps a kind has, from which states
    and who may take them): 404 for an unknown step, 404/403 for who, 409 invalid_transition."""
    from . import counselling, hardship, legal

    data = data or {}
    spec = KINDS[case.kind].steps.get(step)
    if spec is None:
        raise NotFound(code=error_codes.UNKNOWN_STEP)
    case = c.lock(case)  # the row as it is now (its handler may have changed since it was read)
    require_step(actor, case, spec.who)
    handlers: dict[str, dict[str, Any]] = {
        CaseKind.HARDSHIP: hardship.STEPS,
        CaseKind.LEGAL: legal.STEPS,
        CaseKind.COUNSELLING: counselling.STEPS,
    }
    run = handlers[case.kind].get(step) or SHARED[step]
    run(actor, case, data)
    return case


# --- notes ------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, actor: Any, case: Case, text: Any, level: Any = "") -> CaseNote:
    """A note (the interface checked access_notes). Counselling notes are always restricted."""
    body = c.text(text, "text", max_length=10000, required=True)
    chosen = c.choice(level, "level", NoteLevel, default=NoteLevel.INTERNAL)
    if case.kind == CaseKind.COUNSELLING:
        chosen = NoteLevel.RESTRICTED
    note = case.notes.create(author=c.user_or_none(actor), level=chosen, text=body, at=timezone.now())
    audit_log(
        actor=actor,
        action="case.note_add",
        obj=case,
        org=case.org,
        data={"number": case.number, "level": chosen},
    )
    return note


@transaction.atomic
def notes_read(*, actor: Any, case: Case) -> list[CaseNote]:
    """The notes `actor` may read (restricted ones: the handler's and their author's), with an
    audit entry for the read itself."""
    notes = [
        n
        for n in case.notes.select_related("author").order_by("at")
        if n.level == NoteLevel.INTERNAL
        or is_handler(actor, case)
        or n.author_id == getattr(actor, "pk", None)
    ]
    audit_log(
        actor=actor,
        action="case.notes_read",
        obj=case,
        org=case.org,
        data={"number": case.number, "count": len(notes)},
    )
    return notes


def open_states(kind: str) -> tuple[str, ...]:
    return KINDS[kind].open_states
