"""The member registry: staff register members, correct records, change membership status and
keep the family list. Callers have passed the access check (members.permissions) with
members.manage on the membership's union (or on `org` for a registration)."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.core.validators.identity import MESSAGES, IdentityError, validate_identity
from zhijia.core.validators.text import clean_name, has_control_chars
from zhijia.orgs import error_codes as orgs_error_codes
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.services import pinyin_fields

from .. import error_codes
from ..enums import ACTIVE_STATUSES, IdType, MemberStatus, Relation
from ..models import FamilyMember, Membership, MembershipEvent, Person
from ..validation import clean_person, id_index
from .events import event_create
from .people import lock_active_union, member_no_issue, person_upsert, renamed

# Codes this module adds (to be moved into members/error_codes.py).

RETAIN_REASONS = {"retirement": gettext_lazy("Retirement"), "lay_off": gettext_lazy("Lay-off")}
# Person columns that only follow others (indexes, pinyin): never listed as "changed".
_DERIVED = {"id_index", "phone_index", "phone_last4", "name_pinyin", "name_initials"}
_PERSON_EDITABLE = (
    "name", "gender", "ethnicity", "birth_date", "id_type", "id_number", "phone", "education",
    "political_status", "hukou_place", "residence", "employer", "job_title", "occupation",
    "migrant_worker", "skill_level",
)  # fmt: skip


def _event(membership: Membership, kind: str, actor: Any, note: str = "", **orgs: Any) -> MembershipEvent:
    return event_create(membership=membership, kind=kind, actor=actor, note=note, **orgs)


def _already_member() -> Conflict:
    msg = _("This person is already an active member of a union.")
    return Conflict(msg, code=error_codes.ALREADY_MEMBER, fields={"id_number": [msg]})


@transaction.atomic
def member_register(
    *, actor: Any, org: Org, data: dict[str, Any], joined_on: date | None = None
) -> Membership:
    """Staff enter a member of `org` directly. The person is found or created by the blind index
    of their identity number (person_upsert, audited there). Refused with 409 already_member when
    the person holds an active membership anywhere (the database constraint decides under
    concurrency). Issues the member number, writes the "joined" event and `member.register`."""
    lock_active_union(org)
    person, _created = person_upsert(actor=actor, data=data)
    if person.memberships.filter(status__in=ACTIVE_STATUSES).exists():
        raise _already_member()
    joined_on = joined_on or timezone.localdate()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person,
                org=org,
                member_no=member_no_issue(org, joined_on),
                status=MemberStatus.MEMBER,
                joined_on=joined_on,
            )
    except IntegrityError as exc:
        raise _already_member() from exc
    _event(membership, "joined", actor, to_org=org)
    audit_log(actor=actor, action="member.register", obj=membership, data={"member_no": membership.member_no})
    return membership


@transaction.atomic
def member_update(*, actor: Any, membership: Membership, data: dict[str, Any]) -> Membership:
    """Correct the member's person fields (only the keys given change; validated by
    clean_person). A new identity number must not belong to another person (409
    identity_taken). Writes a "corrected" event and `member.update` naming the changed fields,
    never their values."""
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    if person.anonymised_at:
        raise Conflict(_("This person's data has been deleted."), code=error_codes.ANONYMISED)
    given = {k: v for k, v in data.items() if k in _PERSON_EDITABLE}
    for key in ("name", "id_type", "id_number"):
        given.setdefault(key, getattr(person, key))
    fields = clean_person(given)
    if "name" in fields:
        fields.update(pinyin_fields(fields["name"]))
    changed = [key for key, value in fields.items() if getattr(person, key) != value]
    if (
        "id_index" in changed
        and Person.objects.filter(id_index=fields["id_index"]).exclude(pk=person.pk).exists()
    ):
        msg = _("Another person already has this identity number.")
        raise Conflict(msg, code=error_codes.IDENTITY_TAKEN, fields={"id_number": [msg]})
    shown = sorted(k for k in changed if k not in _DERIVED)
    if not changed:
        return membership
    for key in changed:
        setattr(person, key, fields[key])
    person.save(update_fields=[*changed, "updated_at"])
    if "name_pinyin" in changed:
        renamed([person.pk])
    membership.person = person
    _event(membership, "corrected", actor, note=", ".join(shown))
    audit_log(actor=actor, action="member.update", obj=membership, data={"fields": shown})
    return membership


def _transition(membership: Membership, sources: tuple[str, ...], target: str, **extra: Any) -> None:
    """A guarded conditional update: only a row still in one of `sources` moves."""
    moved = Membership.objects.filter(pk=membership.pk, status__in=sources).update(
        status=target, updated_at=timezone.now(), **extra
    )
    if not moved:
        raise Conflict(
            _("This change is not possible in the membership's current status."),
            code=error_codes.INVALID_TRANSITION,
        )
    membership.refresh_from_db()


@transaction.atomic
def member_retain(*, actor: Any, membership: Membership, reason: str) -> Membership:
    """保留会籍 on retirement or lay-off: member → retained. `reason` is a RETAIN_REASONS key."""
    if reason not in RETAIN_REASONS:
        msg = _("Choose retirement or lay-off.")
        raise ValidationFailed(msg, code="invalid", fields={"reason": [msg]})
    _transition(membership, (MemberStatus.MEMBER,), MemberStatus.RETAINED)
    _event(membership, "retained", actor, note=reason)
    audit_log(actor=actor, action="member.retain", obj=membership, data={"reason": reason})
    return membership


@transaction.atomic
def member_reinstate(*, actor: Any, membership: Membership) -> Membership:
    """Back from 保留会籍: retained → member."""
    _transition(membership, (MemberStatus.RETAINED,), MemberStatus.MEMBER)
    _event(membership, "reinstated", actor)
    audit_log(actor=actor, action="member.reinstate", obj=membership)
    return membership


@transaction.atomic
def member_withdraw(*, actor: Any, membership: Membership, note: str = "") -> Membership:
    """已退会: member or retained → withdrawn, ended today. The row and its number stay."""
    note = clean_name(note)[:500]
    if has_control_chars(note):
        msg = _("This text contains characters that are not allowed or is too long.")
        raise ValidationFailed(msg, code="invalid", fields={"note": [msg]})
    _transition(membership, ACTIVE_STATUSES, MemberStatus.WITHDRAWN, ended_on=timezone.localdate())
    _event(membership, "withdrawn", actor, note=note)
    audit_log(actor=actor, action="member.withdraw", obj=membership)
    return membership


def clean_family(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Validate a relative: name, relation and birth date required; an identity number optional,
    validated like the person's (and then birth date / gender must agree with it)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    today = today or timezone.localdate()
    name = clean_name(str(data.get("name") or ""))
    if not name or has_control_chars(name) or len(name) > 100:
        errors["name"] = [_("Enter a name without control characters (at most 100 characters).")]
    relation = str(data.get("relation") or "")
    if relation not in Relation.values:
        errors["relation"] = [_("Choose a valid option.")]
    raw_birth = data.get("birth_date")
    try:
        birth = raw_birth if isinstance(raw_birth, date) else parse_date(str(raw_birth or "").strip()[:10])
    except ValueError:  # well-formed but impossible, e.g. 2016-02-30
        birth = None
    if birth is None or birth > today:
        errors["birth_date"] = [_("Enter a valid date (YYYY-MM-DD).")]
    gender = str(data.get("gender") or "")
    if gender and gender not in ("male", "female"):
        errors["gender"] = [_("Choose a valid option.")]
    out.update(name=name, relation=relation, birth_date=birth, gender=gender)
    _clean_family_identity(data, out, errors, today)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return out


def _clean_family_identity(data: dict[str, Any], out: dict[str, Any], errors: dict, today: date) -> None:
    raw = str(data.get("id_number") or "")
    if not raw.strip():
        out.update(id_type="", id_number="", id_index="")
        return
    id_type = str(data.get("id_type") or IdType.CN_RESIDENT)
    try:
        result = validate_identity(id_type, raw, today=today)
    except IdentityError as exc:
        errors["id_number"] = [str(MESSAGES.get(exc.code, exc.code))]
        return
    out.update(
        id_type=result.id_type,
        id_number=result.normalized,
        id_index=id_index(result.id_type, result.normalized),
    )
    if result.birth_date and out.get("birth_date") and result.birth_date != out["birth_date"]:
        errors["birth_date"] = [_("The birth date does not match the identity number.")]
    if result.gender:
        if out["gender"] and out["gender"] != result.gender:
            errors["gender"] = [_("The gender does not match the identity number.")]
        out["gender"] = str(result.gender)


@transaction.atomic
def family_add(*, actor: Any, membership: Membership, data: dict[str, Any]) -> FamilyMember:
    """Add a relative (children are enrolled in camps) to the member's person record. Audited
    as `member.family_add` with the relation only."""
    if membership.person.anonymised_at:
        raise Conflict(_("This person's data has been deleted."), code=error_codes.ANONYMISED)
    fields = clean_family(data)
    relative = FamilyMember.objects.create(person_id=membership.person_id, **fields)
    audit_log(
        actor=actor,
        action="member.family_add",
        obj=membership,
        data={"family_member": str(relative.pk), "relation": relative.relation},
    )
    return relative


@transaction.atomic
def family_remove(*, actor: Any, membership: Membership, family_id: Any) -> None:
    """Remove one relative of the member's person (404 if it is not theirs)."""
    relative = FamilyMember.objects.filter(pk=family_id, person_id=membership.person_id).first()
    if relative is None:
        raise NotFound(code="not_found")
    if relative.enrolments.exists():  # the enrolments point at it (a 409, not a ProtectedError)
        raise Conflict(
            _("This relative has enrolments on record and cannot be removed."),
            code=error_codes.CHILD_ENROLLED,
        )
    audit_log(
        actor=actor,
        action="member.family_remove",
        obj=membership,
        data={"family_member": str(relative.pk), "relation": relative.relation},
    )
    relative.delete()


def org_has_active_members(org: Org) -> str | None:
    """Dissolve guard (registered in MembersConfig.ready): a union with active members stays."""
    if Membership.objects.filter(org=org, status__in=ACTIVE_STATUSES).exists():
        return orgs_error_codes.HAS_ACTIVE_MEMBERS
    return None


REVEALABLE = ("id_number", "phone")


@transaction.atomic
def member_reveal(*, actor: Any, membership: Membership, field: str) -> str:
    """The clear identity number or phone of a member, for an actor holding members.reveal on the
    member's union (404 outside scope, 403 without it). Writes `member.reveal` before returning
    and fails closed: if the entry cannot be written, the value is not returned."""
    check(actor, Cap.MEMBERS_REVEAL, membership.org)
    if field not in REVEALABLE:
        raise ValidationFailed(_("This field cannot be revealed."), code="invalid", fields={"field": [field]})
    person = Person.objects.get(pk=membership.person_id)
    audit_log(actor=actor, action="member.reveal", obj=membership, data={"field": field})
    return str(getattr(person, field) or "")
