"""People: the one-person-one-record rule and issuing member numbers."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijia.core.audit import audit_log
from zhijia.core.workdays import next_value
from zhijia.orgs.services import pinyin_fields

from ..models import Person
from ..validation import clean_person


@transaction.atomic
def person_upsert(*, actor: Any, data: dict[str, Any], today: date | None = None) -> tuple[Person, bool]:
    """Create the person, or update the one with the same identity (blind index of the normalised
    number: `x`/`X` and 15/18 digits are one person). Validates with clean_person. Returns
    (person, created). Audits person.create / person.update with the changed field names only."""
    fields = clean_person(data, today=today)
    fields.update(pinyin_fields(fields["name"]))
    found = Person.objects.select_for_update().filter(id_index=fields["id_index"]).first()
    created = found is None
    if found is not None:
        person = found
    else:
        try:
            with transaction.atomic():
                person = Person.objects.create(**fields)
        except IntegrityError:  # a concurrent insert of the same person won: update that one
            person = Person.objects.select_for_update().get(id_index=fields["id_index"])
            created = False
    changed = [] if created else [k for k, v in fields.items() if getattr(person, k) != v]
    if changed:
        for key in changed:
            setattr(person, key, fields[key])
        person.save(update_fields=[*changed, "updated_at"])
    if created or changed:
        audit_log(
            actor=actor,
            action="person.create" if created else "person.update",
            obj=person,
            data={"fields": sorted(fields) if created else sorted(changed)},
        )
    return person, created


def member_no_issue(org: Any, on: date | None = None) -> str:
    """A new member number: the union's 6-digit division code, the year, a 7-digit sequence
    (counter per division and year, so numbers never repeat across unions)."""
    division = org.division_code or "000000"
    year = (on or timezone.localdate()).year
    return f"{division}{year}{next_value(f'member_no:{division}:{year}'):07d}"
