"""A member's own children (the minor's data rules of SECURITY.md): the phone page "My
children" and `/api/v1/me/children` both call these, for the person linked to the caller's
account only (the interface resolves it with `card.person_of`; someone else's child is 404).

Rules:
- minimal fields: name, birth date, gender (optional), identity number (optional, validated like
  a member's: then birth date and gender must agree with it); under 18 on the day it is entered;
- the guardian's separate consent (ConsentPurpose.MINOR, with the notice version) is recorded
  with the first child; while none is live (never given, or withdrawn in "My data") adding or
  changing a child needs the consent box ticked again (field `guardian_consent`);
- the same child twice (same identity number, or same name and birth date) is the first one
  again: `child_add` answers it unchanged (`created` False);
- every change is audited (`member.child_add` / `child_update` / `child_remove`) with ids and
  the fields changed, never the values;
- a child with enrolments on record cannot be removed here (409 `child_enrolled`): the
  enrolments point at it; active ones are cancelled first, and the record of past ones goes
  with a deletion request to the union.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.core.ids import parse_uuid

from .. import error_codes
from ..consent import MINOR_NOTICE_VERSION, consent_given
from ..enums import ConsentPurpose, Relation
from ..models import FamilyMember, Person
from .registry import clean_family
from .rights import _org_of as org_of
from .rights import record_consent

ADULT_AGE = 18
EDITABLE = ("name", "gender", "birth_date", "id_type", "id_number")


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def clean_child(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """The member registry's relative rules (members.services.registry.clean_family) for a child,
    plus: under 18 today. ValidationFailed naming each bad field."""
    today = today or timezone.localdate()
    fields = clean_family({**data, "relation": Relation.CHILD}, today=today)
    if _age(fields["birth_date"], today) >= ADULT_AGE:
        message = _("A child must be under 18. Adults enrol themselves.")
        raise ValidationFailed(message, fields={"birth_date": [message]})
    return fields


def _text_limits(data: dict[str, Any]) -> None:
    """Refuse absurd input before any parsing (a 1 MB name is a 400, not work)."""
    errors = {k: [_("This value is too long.")] for k in EDITABLE if len(str(data.get(k) or "")) > 200}
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)


def _consent(actor: Any, person: Person, given: Any, notice_version: str) -> None:
    """The guardian's consent to the processing of their children's data: recorded once (with
    the notice version); needed again after a withdrawal."""
    if consent_given(person, ConsentPurpose.MINOR):
        return
    if given is not True and str(given).lower() not in ("1", "true", "on", "yes"):
        message = _("As the child's guardian, agree to the processing of your child's information.")
        raise ValidationFailed(
            message, code=error_codes.CONSENT_REQUIRED, fields={"guardian_consent": [message]}
        )
    record_consent(actor=actor, person=person, purpose=ConsentPurpose.MINOR, notice_version=notice_version)


def _lock(person: Person) -> Person:
    """The parent's row, locked: two taps of "save" add one child, one consent."""
    locked = Person.objects.select_for_update().filter(pk=person.pk, anonymised_at__isnull=True).first()
    if locked is None:
        raise NotFound(code="not_found")
    return locked


def _same_child(person: Person, fields: dict[str, Any], exclude: Any = None) -> FamilyMember | None:
    children = FamilyMember.objects.filter(person=person, relation=Relation.CHILD).exclude(pk=exclude)
    if fields.get("id_index"):
        found = children.filter(id_index=fields["id_index"]).first()
        if found is not None:
            return found
    return children.filter(name=fields["name"], birth_date=fields["birth_date"]).first()


def own_child(*, person: Person | None, id: Any) -> FamilyMember:
    """One child of `person`; 404 for a malformed id, someone else's child, a relative who is
    not a child, or no person at all — alike, so nothing tells whether an id exists."""
    pk = parse_uuid(id)
    found = None
    if pk is not None and person is not None:
        found = FamilyMember.objects.filter(pk=pk, person_id=person.pk, relation=Relation.CHILD).first()
    if found is None:
        raise NotFound(code="not_found")
    return found


@transaction.atomic
def child_add(
    *, actor: Any, person: Person, data: dict[str, Any], notice_version: str = MINOR_NOTICE_VERSION
) -> tuple[FamilyMember, bool]:
    """Add a child of `person` (the caller's own person record). Returns (child, created): the
    same child again (identity number, or name and birth date) is the first one, unchanged.
    Locks the person's row; records the MINOR consent when none is live; audited."""
    _text_limits(data)
    fields = clean_child(data)
    person = _lock(person)
    _consent(actor, person, data.get("guardian_consent"), notice_version)
    found = _same_child(person, fields)
    if found is not None:
        return found, False
    child = FamilyMember.objects.create(person=person, **fields)
    audit_log(
        actor=actor,
        action="member.child_add",
        obj=child,
        org=org_of(person),
        data={"person": str(person.pk), "id_number": bool(fields["id_number"])},
    )
    return child, True


@transaction.atomic
def child_update(
    *,
    actor: Any,
    person: Person,
    child: FamilyMember,
    data: dict[str, Any],
    notice_version: str = MINOR_NOTICE_VERSION,
) -> FamilyMember:
    """Change a child's details (`child` from `own_child`). Fields left out keep their value;
    an identity number left empty keeps the stored one unless `clear_id_number` is set.
    409 `child_exists` when the change would make it another registered child. Audited with
    the names of the fields changed."""
    _text_limits(data)
    current = {
        "name": child.name,
        "gender": child.gender,
        "birth_date": child.birth_date,
        "id_type": child.id_type,
        "id_number": child.id_number,
    }
    wanted = {k: data[k] for k in EDITABLE if k in data and data[k] not in (None, "")}
    merged = {**current, **wanted}
    if "gender" in data and data["gender"] in ("", None):
        merged["gender"] = ""
    if data.get("clear_id_number") or ("id_number" not in wanted and not child.id_number):
        merged["id_number"] = ""
    fields = clean_child(merged)
    person = _lock(person)
    _consent(actor, person, data.get("guardian_consent"), notice_version)
    if _same_child(person, fields, exclude=child.pk) is not None:
        raise Conflict(_("This child is already registered."), code=error_codes.CHILD_EXISTS)
    changed = [k for k in EDITABLE if fields.get(k) != getattr(child, k)]
    for name, value in fields.items():
        setattr(child, name, value)
    child.save()
    audit_log(
        actor=actor, action="member.child_update", obj=child, org=org_of(person), data={"changed": changed}
    )
    return child


@transaction.atomic
def child_remove(*, actor: Any, person: Person, child: FamilyMember) -> None:
    """Remove a child (`child` from `own_child`). 409 `child_enrolled` while any enrolment
    points at the child. Audited."""
    _lock(person)
    if child.enrolments.exists():
        message = _(
            "This child has enrolments on record. Cancel the active ones first; to delete the "
            "record of past ones, send a deletion request in “My personal data”."
        )
        raise Conflict(message, code=error_codes.CHILD_ENROLLED)
    audit_log(
        actor=actor,
        action="member.child_remove",
        obj=child,
        org=org_of(person),
        data={"person": str(person.pk)},
    )
    child.delete()
