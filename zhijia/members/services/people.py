"""People: the one-person-one-record rule and issuing member numbers."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict
from zhijia.core.workdays import next_value
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.services import pinyin_fields

from .. import error_codes
from ..models import Person
from ..validation import clean_person

# Called in the transaction that changed people's names (so their pinyin), with their ids: a
# domain that copies the pinyin (labour's ledger order) follows. Registered in AppConfig.ready.
RENAME_HOOKS: list[Callable[[list[Any]], None]] = []


def renamed(person_ids: Iterable[Any]) -> None:
    """Run the RENAME_HOOKS for these people (every service that changes a name calls it)."""
    ids = list(person_ids)
    if ids:
        for hook in RENAME_HOOKS:
            hook(ids)


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
        if "name_pinyin" in changed:
            renamed([person.pk])
    if created or changed:
        audit_log(
            actor=actor,
            action="person.create" if created else "person.update",
            obj=person,
            data={"fields": sorted(fields) if created else sorted(changed)},
        )
    return person, created


def lock_active_union(org: Any) -> None:
    """Lock the union's row until commit, so a concurrent dissolve waits for this change (and
    this change, once the dissolve committed, sees it); refuse a union that is not active.
    Every service that adds an active membership calls this first."""
    status = Org.objects.select_for_update().values_list("status", flat=True).get(pk=org.pk)
    if status != OrgStatus.ACTIVE:
        raise Conflict(_("This union is dissolved."), code=error_codes.NOT_A_UNION_TO_JOIN)


def member_no_issue(org: Any, on: date | None = None) -> str:
    """A new member number: the union's 6-digit division code, the year, a 7-digit sequence
    (counter per division and year, so numbers never repeat across unions)."""
    division = org.division_code or "000000"
    year = (on or timezone.localdate()).year
    return f"{division}{year}{next_value(f'member_no:{division}:{year}'):07d}"
