"""A person's cases in their own export and their anonymisation (members.services.rights
register_person_data, called by CaseworkConfig.ready: members may not import casework).

The person's cases are those the case list shows them (opened for themselves: `person`, or their
account as `applicant`) and the hardship files staff opened under their ID number (the file's
household index is the blind index of the applicant's ID, the same as the person's).

Exported: what they told us and what was decided about them — name, phone and account of what
happened, the timeline, approvals with their reasons, referrals, sessions, the hardship file
(with the family members they listed and the help given), the legal intake and agreement, and
their own screening answers. Kept back, as the case page keeps them from the person: the text of
the handlers' notes (their working record, which may name third parties; the export lists when
each was written), the counselling outcome and timeline wording (they stay with the counsellor),
the text of 公示 objections (written by someone else; their status and dates are listed) and the
attachments' bytes (listed by kind, caption, size and date).

Anonymised, every case stays with its kind, status, dates, amounts, sessions and help records —
what the ledgers and the case counts rely on — but what identifies the person or tells their
story is cleared: name (已注销), phone, summary, free-text outcomes and timeline reasons, note
texts, approval reasons, referral details, the file's ID number, household index, gender, birth
date, address, payment account and visit record, the family members' names, IDs and schools or
employers, objections and their answers, help notes, the legal employer, court case number and
agreed terms, screening answers (the scores stay) and the attachments' contents. A case still
open then ends (cases.cases_end): rejected, left the files, cancelled or closed, with the fixed
wording that the person's data was deleted."""

import json
from typing import Any

from django.db.models import Q, QuerySet

from zhijia.members.services.rights import ANONYMISED_NAME

from ..enums import CaseKind
from ..models import (
    Case,
    CaseApproval,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseReferral,
    HardshipFile,
    HardshipMember,
    HelpRecord,
    LegalDetail,
    Objection,
    Screening,
)
from .cases import cases_end

# the steps whose timeline label is the free text typed with them (a reason, an outcome)
FREE_TEXT_STEPS = ("close", "reopen", "reject", "fail", "cancel")


_FILE_FIELDS = (
    "id_number", "is_open", "gender", "birth_date", "category", "health", "disability", "work_status",
    "model_worker", "housing", "area_band", "marital", "hukou", "address", "single_parent", "own_income",
    "other_income", "household_size", "cause_main", "causes_other", "grade", "key_groups", "four_batches",
    "bank_account", "visit_record", "visited_on", "income_check_signed", "publicity_from",
    "publicity_until", "exit_reason", "reviewed_on",
)  # fmt: skip
_MEMBER_FIELDS = ("name", "relation", "id_number", "health", "income", "school_or_employer")
_LEGAL_FIELDS = (
    "channel", "court_case_no", "employer", "claim_amount", "wage_arrears", "still_employed", "knew_on",
    "employment_ended_on", "mediation_applied_on", "award_received_on", "agreement_terms", "agreed_on",
    "sessions",
)  # fmt: skip


def person_cases(person: Any) -> QuerySet[Case]:
    """The person's cases (see the module's docstring for which)."""
    mine = Q(person=person)
    if person.user_id:
        mine |= Q(applicant_id=person.user_id)
    if person.id_index:
        mine |= Q(hardship__household_index=person.id_index)
    return Case.objects.filter(mine).distinct()


def _hardship_dict(case: Case) -> dict[str, Any] | None:
    file = HardshipFile.objects.filter(case=case).first()
    if file is None:
        return None
    return {
        **{name: getattr(file, name) for name in _FILE_FIELDS},
        "members": [{k: getattr(m, k) for k in _MEMBER_FIELDS} for m in file.members.all()],
        "help": [
            {
                "kind": h.kind,
                "amount": h.amount,
                "given_on": h.given_on,
                "fund": str(h.fund or ""),
                "note": h.note,
            }
            for h in case.help_records.select_related("fund").order_by("given_on", "created_at")
        ],
        "objections": list(case.objections.values("status", "at", "answered_at")),
    }


def _legal_dict(case: Case) -> dict[str, Any] | None:
    detail = LegalDetail.objects.filter(case=case).first()
    return None if detail is None else {name: getattr(detail, name) for name in _LEGAL_FIELDS}


def _case_dict(case: Case) -> dict[str, Any]:
    counselling = case.kind == CaseKind.COUNSELLING
    return {
        "number": case.number,
        "kind": case.kind,
        "status": case.status,
        "union": case.org.name,
        "name": case.subject_name,
        "phone": case.subject_phone,
        "anonymous": case.anonymous,
        "summary": case.summary,
        "opened_on": case.opened_on,
        "closed_at": case.closed_at,
        "outcome": None if counselling else case.outcome,
        "timeline": [
            {"step": e.step, "status": e.to_status, "label": "" if counselling else e.shown_label, "at": e.at}
            for e in case.events.all()
        ],
        "approvals": list(case.approvals.values("kind", "decision", "requested_at", "decided_at", "reason")),
        "referrals": list(case.referrals.values("to", "detail", "referred_at", "outcome", "outcome_at")),
        "sessions": list(case.sessions.values("held_at", "minutes", "both_parties")),
        "notes": list(case.notes.values("at", "level")),
        "attachments": list(case.attachments.values("kind", "caption", "extension", "size", "at")),
        "hardship": _hardship_dict(case),
        "legal": _legal_dict(case),
        "screenings": [
            {
                "instrument": s.instrument,
                "at": s.at,
                "score": s.score,
                "self_harm": s.self_harm,
                "answers": json.loads(s.answers or "[]"),
            }
            for s in case.screenings.all()
        ],
    }


def cases_export(person: Any) -> dict[str, Any]:
    cases = person_cases(person).select_related("org").order_by("opened_on", "created_at")
    return {"cases": [_case_dict(case) for case in cases]}


def cases_anonymise(person: Any) -> None:
    ids = list(person_cases(person).values_list("pk", flat=True))
    if not ids:
        return
    cases = Case.objects.filter(pk__in=ids)
    cases.update(subject_phone="", summary="")
    cases.filter(anonymous=False).update(subject_name=ANONYMISED_NAME)
    cases.exclude(kind=CaseKind.HARDSHIP).update(outcome="")  # a hardship outcome is the exit reason
    CaseEvent.objects.filter(case_id__in=ids, step__in=FREE_TEXT_STEPS).update(label="", label_args={})
    CaseNote.objects.filter(case_id__in=ids).update(text="")
    CaseApproval.objects.filter(case_id__in=ids).update(reason="")
    CaseReferral.objects.filter(case_id__in=ids).update(detail="", outcome="")
    CaseAttachment.objects.filter(case_id__in=ids).update(content=b"", size=0, caption="")
    Screening.objects.filter(case_id__in=ids).update(answers="[]")
    HelpRecord.objects.filter(case_id__in=ids).update(note="")
    Objection.objects.filter(case_id__in=ids).update(text="", answer="")
    LegalDetail.objects.filter(case_id__in=ids).update(court_case_no="", employer="", agreement_terms="")
    files = HardshipFile.objects.filter(case_id__in=ids)
    HardshipMember.objects.filter(file__in=files).update(
        name=ANONYMISED_NAME, id_number="", id_index="", school_or_employer=""
    )
    for pk in files.values_list("pk", flat=True):
        # one open file per household is a unique index: each file keeps a value of its own
        HardshipFile.objects.filter(pk=pk).update(household_index=f"anonymised:{pk}")
    files.update(id_number="", gender="", birth_date=None, address="", bank_account="", visit_record="")
    cases_end(cases)  # after the clearing: the ending step's fixed wording stays on the timeline
