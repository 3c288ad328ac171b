"""Personal-data rights (PIPL Arts. 15, 45-47): withdraw consent, export one's own data,
request correction or deletion; staff handle requests and anonymise.

A worker acts on their own person record only (`person` comes from Person.user of the
logged-in worker). Staff callers have passed data_request_get (members.manage).
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.core.validators.text import has_control_chars

from .. import error_codes
from ..enums import (
    ACTIVE_STATUSES,
    OPT_IN_PURPOSES,
    ApplicationStatus,
    ConsentBasis,
    DataRequestKind,
    DataRequestStatus,
    MemberStatus,
)
from ..models import (
    Consent,
    DataRequest,
    FamilyMember,
    JoinApplication,
    Membership,
    MembershipEvent,
    Person,
)
from .events import event_create
from .people import renamed

ANONYMISED_NAME = "已注销"
# Other domains' data about a person (members may not import them: layering). Each export hook
# returns {section: rows} for the person's own export; each anonymise hook clears what its domain
# keeps about the person, in the anonymisation's transaction. Registered by the apps' ready().
EXPORT_HOOKS: list[Callable[[Person], dict[str, Any]]] = []
ANONYMISE_HOOKS: list[Callable[[Person], None]] = []


def register_person_data(
    export: Callable[[Person], dict[str, Any]], anonymise: Callable[[Person], None]
) -> None:
    """A domain's part of the person's export and anonymisation (once, however often called)."""
    if export not in EXPORT_HOOKS:
        EXPORT_HOOKS.append(export)
    if anonymise not in ANONYMISE_HOOKS:
        ANONYMISE_HOOKS.append(anonymise)


DETAIL_MAX = 2000
_BLANK_PERSON = {
    "name_pinyin": "", "name_initials": "", "gender": "", "ethnicity": "", "birth_date": None,
    "id_number": "", "id_index": None, "phone": "", "phone_index": "", "phone_last4": "",
    "education": "", "political_status": "", "hukou_place": "", "residence": "", "employer": "",
    "job_title": "", "occupation": "", "migrant_worker": False, "skill_level": "", "user": None,
}  # fmt: skip


def _org_of(person: Person) -> Any:
    """The union an entry about the person is filed under (for the auditors' scope)."""
    membership = person.memberships.select_related("org").filter(status__in=ACTIVE_STATUSES).first()
    return membership.org if membership else None


@transaction.atomic
def consent_withdraw(*, actor: Any, person: Person, consent_id: Any) -> Consent:
    """Withdraw one of the person's own consents (404 if not theirs; 409 invalid_transition if
    already withdrawn). Processing that relied on it stops; audited as `consent.withdraw`."""
    consent = Consent.objects.filter(pk=consent_id, person=person).first()
    if consent is None:
        raise NotFound(code="not_found")
    now = timezone.now()
    if not Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(withdrawn_at=now):
        raise Conflict(_("This consent was already withdrawn."), code=error_codes.INVALID_TRANSITION)
    consent.withdrawn_at = now
    audit_log(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        org=_org_of(person),
        data={"purpose": consent.purpose, "notice_version": consent.notice_version},
    )
    return consent


@transaction.atomic
def consent_give(*, actor: Any, person: Person, purpose: str, notice_version: str) -> Consent:
    """The person opts in to one of OPT_IN_PURPOSES (job matching, screening, marketing SMS,
    sharing with merchants) under `notice_version`; 400 (field "purpose") for any other
    purpose. Idempotent: a live consent to the purpose is returned as it is. Audited as
    `consent.give`. A withdrawn consent stays as it was; giving again makes a new row."""
    if purpose not in OPT_IN_PURPOSES:
        raise ValidationFailed(_("Choose a valid option."), fields={"purpose": [_("Choose a valid option.")]})
    Person.objects.select_for_update().filter(pk=person.pk).exists()  # one consent at a time
    live = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).first()
    if live is not None:
        return live
    return record_consent(actor=actor, person=person, purpose=purpose, notice_version=notice_version)


def record_consent(*, actor: Any, person: Person, purpose: str, notice_version: str) -> Consent:
    """A consent given online now, audited as `consent.give` (the caller has checked the purpose
    and that none is live)."""
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        notice_version=str(notice_version)[:20],
        basis=ConsentBasis.ONLINE,
        given_at=timezone.now(),
    )
    audit_log(
        actor=actor,
        action="consent.give",
        obj=consent,
        org=_org_of(person),
        data={"purpose": purpose, "notice_version": consent.notice_version},
    )
    return consent


def _person_dict(person: Person) -> dict[str, Any]:
    fields = [f.name for f in Person._meta.concrete_fields if f.name in Person.PERSONAL_DATA]
    out = {name: getattr(person, name) for name in fields if not name.endswith(("_index", "_last4"))}
    return {"id": person.pk, **out}


def _membership_dict(m: Membership) -> dict[str, Any]:
    history = [
        {
            "at": e.created_at,
            "kind": e.kind,
            "note": e.note,
            "from_union": e.from_org.name if e.from_org else "",
            "to_union": e.to_org.name if e.to_org else "",
        }
        for e in m.events.all()
    ]
    fields = {"member_no": m.member_no, "status": m.status, "joined_on": m.joined_on, "ended_on": m.ended_on}
    return {"union": m.org.name, **fields, "history": history}


def _application_dict(a: JoinApplication) -> dict[str, Any]:
    return {
        "union": a.org.name,
        "status": a.status,
        "submitted_at": a.submitted_at,
        "employer_name": a.employer_name,
        "notify_employer": a.notify_employer,
        "reason": a.reason,
    }


_FAMILY_FIELDS = ("relation", "name", "gender", "birth_date", "id_type", "id_number")


def _export_data(person: Person) -> dict[str, Any]:
    memberships = person.memberships.select_related("org").prefetch_related(
        Prefetch("events", queryset=MembershipEvent.objects.select_related("from_org", "to_org"))
    )
    return {
        "exported_at": timezone.now(),
        "person": _person_dict(person),
        "family": [{k: getattr(f, k) for k in _FAMILY_FIELDS} for f in person.family.all()],
        "memberships": [_membership_dict(m) for m in memberships],
        "consents": list(
            person.consents.values("purpose", "basis", "notice_version", "given_at", "withdrawn_at")
        ),
        "applications": [_application_dict(a) for a in person.applications.select_related("org")],
        "data_requests": list(
            person.data_requests.values("kind", "detail", "status", "created_at", "answer")
        ),
    } | {section: rows for hook in EXPORT_HOOKS for section, rows in hook(person).items()}


@transaction.atomic
def self_export(*, actor: Any, person: Person) -> dict[str, Any]:
    """All of the person's own data, in clear, for themselves (PIPL Art. 45). Writes
    `member.self_export` before the data is built; if that fails, nothing is returned."""
    audit_log(actor=actor, action="member.self_export", obj=person, org=_org_of(person))
    return _export_data(person)


def _clean_detail(kind: str, detail: str) -> str:
    errors: dict[str, list[str]] = {}
    if kind not in DataRequestKind.values:
        errors["kind"] = [_("Choose a valid option.")]
    detail = (detail or "").strip()
    if has_control_chars(detail.replace("\n", "").replace("\r", "")) or len(detail) > DETAIL_MAX:
        errors["detail"] = [_("This text contains characters that are not allowed or is too long.")]
    elif kind == DataRequestKind.CORRECTION and not detail:
        errors["detail"] = [_("Tell us what is wrong and what it should be.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return detail


@transaction.atomic
def data_request_create(*, actor: Any, person: Person, kind: str, detail: str = "") -> DataRequest:
    """A correction or deletion request of the person's own data. One open request per kind
    (409 request_open). Audited as `data_request.create` (without the text)."""
    detail = _clean_detail(kind, detail)
    Person.objects.select_for_update().filter(pk=person.pk).exists()  # one request at a time
    if DataRequest.objects.filter(person=person, kind=kind, status=DataRequestStatus.OPEN).exists():
        raise Conflict(_("You already have an open request of this kind."), code=error_codes.REQUEST_OPEN)
    request = DataRequest.objects.create(person=person, kind=kind, detail=detail)
    audit_log(
        actor=actor, action="data_request.create", obj=request, org=_org_of(person), data={"kind": kind}
    )
    return request


def _close(request: DataRequest, *, actor: Any, status: str, answer: str) -> None:
    if status not in (DataRequestStatus.DONE, DataRequestStatus.REFUSED):
        raise ValidationFailed(_("Choose a valid option."), fields={"status": [_("Choose a valid option.")]})
    answer = (answer or "").strip()[:DETAIL_MAX]
    moved = DataRequest.objects.filter(pk=request.pk, status=DataRequestStatus.OPEN).update(
        status=status, answer=answer, handled_by=actor, handled_at=timezone.now(), updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(_("This request was already handled."), code=error_codes.INVALID_TRANSITION)
    request.refresh_from_db()


@transaction.atomic
def data_request_handle(*, actor: Any, request: DataRequest, status: str, answer: str = "") -> DataRequest:
    """Close an open request as done (the correction was made) or refused (with the reason in
    `answer`, shown to the person). Audited as `data_request.handle`."""
    if status == DataRequestStatus.REFUSED and not (answer or "").strip():
        msg = _("Tell the person why the request is refused.")
        raise ValidationFailed(msg, fields={"answer": [msg]})
    _close(request, actor=actor, status=status, answer=answer)
    audit_log(actor=actor, action="data_request.handle", obj=request, org=None, data={"status": status})
    return request


_BLANK_RELATIVE = {
    "name": ANONYMISED_NAME, "gender": "", "birth_date": None, "id_type": "", "id_number": "", "id_index": "",
}  # fmt: skip


def _family_clear(person: Person) -> None:
    """Delete the person's relatives; one that another domain's rows protect (a child's
    enrolments, which rosters and counts keep) stays as a blank row, its relation only."""
    for relative in person.family.all():
        try:
            with transaction.atomic():
                relative.delete()
        except ProtectedError:
            FamilyMember.objects.filter(pk=relative.pk).update(**_BLANK_RELATIVE, updated_at=timezone.now())


@transaction.atomic
def person_anonymise(*, actor: Any, person: Person) -> Person:
    """Deletion (PIPL Art. 47) by anonymisation: the name becomes 已注销; identity number, phone,
    every other personal field, the blind indexes, the family and free texts are cleared (a
    child with enrolments stays as a blank row: _family_clear); the worker account is unlinked.
    Membership rows stay with their numbers and statuses so union counts stay right; an active
    membership is withdrawn, an open application withdrawn. Consents stay as proof. Audited as
    `person.anonymise`."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    org = _org_of(person)
    if person.anonymised_at:
        raise Conflict(_("This person's data has already been deleted."), code=error_codes.INVALID_TRANSITION)
    today, user = timezone.localdate(), actor if getattr(actor, "is_authenticated", False) else None
    for membership in person.memberships.filter(status__in=ACTIVE_STATUSES):
        Membership.objects.filter(pk=membership.pk).update(status=MemberStatus.WITHDRAWN, ended_on=today)
        event_create(membership=membership, kind="withdrawn", actor=user, note="anonymised")
    JoinApplication.objects.filter(person=person, status=ApplicationStatus.SUBMITTED).update(
        status=ApplicationStatus.WITHDRAWN
    )
    JoinApplication.objects.filter(person=person).update(employer_name="")
    DataRequest.objects.filter(person=person).update(detail="")
    _family_clear(person)
    for hook in ANONYMISE_HOOKS:
        hook(person)
    for key, value in {**_BLANK_PERSON, "name": ANONYMISED_NAME, "anonymised_at": timezone.now()}.items():
        setattr(person, key, value)
    person.save()
    renamed([person.pk])
    audit_log(actor=actor, action="person.anonymise", obj=person, org=org)
    return person


anonymise = person_anonymise


@transaction.atomic
def data_request_anonymise(*, actor: Any, request: DataRequest, answer: str = "") -> DataRequest:
    """Carry out an open deletion request: anonymise the person and close the request as done."""
    if request.kind != DataRequestKind.DELETION:
        raise Conflict(
            _("Only a deletion request leads to anonymisation."), code=error_codes.INVALID_TRANSITION
        )
    _close(request, actor=actor, status=DataRequestStatus.DONE, answer=answer)
    person_anonymise(actor=actor, person=request.person)
    audit_log(actor=actor, action="data_request.handle", obj=request, org=None, data={"status": "done"})
    return request
