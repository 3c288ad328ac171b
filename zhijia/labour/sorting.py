"""The registry's stored ledger order.

The ledgers list people by village (its path in the org tree), village group, household number,
pinyin, then id: four tables, which no index could serve, so every first page sorted the whole
ledger. The registry row keeps copies of the three foreign values (`sort_path`,
`sort_household`, `sort_pinyin`; `group` is its own), indexed with the id in that order
(`labour_person_ledger_order`), and LEDGER_ORDER sorts by them.

The copies have the type, collation and NULLs (no household) of what they copy, so the order is
the one the joins gave on each database (tests/labour/test_sorting.py compares both). They are
kept here and only here: `sort_key_set` by the registry services before they save a record (the
village, household or person may have changed), `org_moved` after orgs.services.org_move
rewrote a subtree's paths, `people_renamed` after a person's pinyin changed in the members
domain; LabourConfig.ready registers the last two as hooks (orgs and members may not import
labour). `sort_keys_refresh` recomputes them from the sources (repair, and the tests).

Each status period also carries its record's village (`StatusPeriod.org`), so that a ledger's
count reads one index of the periods (selectors.ledgers.ledger_count). Org ids do not change on
a move, so only a record that changes village changes it: `periods_follow`, called by the
registry service after it saved the record; a new period takes `entry.org_id` where it is made
(services.status, the import, the demo's generator) — the column is NOT NULL, so a maker that
forgets fails at once."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from zhijia.members.models import Person
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from .models import Household, RegistryPerson, StatusPeriod

LEDGER_ORDER = ("sort_path", "group", "sort_household", "sort_pinyin", "pk")
# the same order through the joins, as it was computed before the copies (the tests' reference)
JOINED_ORDER = ("org__path", "group", "household__number", "person__name_pinyin", "pk")


def sort_key_set(entry: RegistryPerson) -> None:
    """Fill the copies on `entry` from its village, household and person (not saved)."""
    entry.sort_path = entry.org.path
    entry.sort_household = entry.household.number if entry.household is not None else None
    entry.sort_pinyin = entry.person.name_pinyin


def periods_follow(entry: RegistryPerson) -> None:
    """After `entry` was saved, perhaps in another village: its periods carry that village."""
    StatusPeriod.objects.filter(entry=entry).exclude(org_id=entry.org_id).update(org_id=entry.org_id)


def org_moved(old_path: str, new_path: str) -> None:
    """Hook of orgs.services.org_move, in its transaction: the records of the moved subtree
    take their villages' new paths."""
    del old_path  # the rows are found under the new path, the paths read from the org rows
    _refresh(RegistryPerson.objects.filter(subtree_q(new_path, "org__path")), paths=True)


def people_renamed(person_ids: list[Any]) -> None:
    """Hook of the members services, in their transaction: these people's pinyin changed."""
    if person_ids:
        _refresh(RegistryPerson.objects.filter(person_id__in=person_ids), pinyin=True)


def sort_keys_refresh(entries: QuerySet[RegistryPerson] | None = None) -> int:
    """Recompute every copy of `entries` (all records by default) from the sources, their
    periods' villages included."""
    qs = RegistryPerson.objects.all() if entries is None else entries
    StatusPeriod.objects.filter(entry__in=qs.values("pk")).update(
        org_id=Subquery(RegistryPerson.objects.filter(pk=OuterRef("entry_id")).values("org_id")[:1])
    )
    return _refresh(qs, paths=True, households=True, pinyin=True)


def _refresh(
    qs: QuerySet[RegistryPerson], *, paths: bool = False, households: bool = False, pinyin: bool = False
) -> int:
    values: dict[str, Any] = {}
    if paths:
        values["sort_path"] = Subquery(Org.objects.filter(pk=OuterRef("org_id")).values("path")[:1])
    if households:
        values["sort_household"] = Subquery(
            Household.objects.filter(pk=OuterRef("household_id")).values("number")[:1]
        )
    if pinyin:
        values["sort_pinyin"] = Subquery(
            Person.objects.filter(pk=OuterRef("person_id")).values("name_pinyin")[:1]
        )
    return qs.update(**values)
