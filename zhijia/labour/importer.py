"""Importing the county's registry sheet (劳动力信息采集表): the batch handler that
core.imports.import_job_run_batched calls.

Per row, exactly the rules of the form and the API (members.validation.clean_person for the
person, services.registry.clean_registry for the registry's fields, the actor's write rights on
the row's village). Per batch (~200 rows) the writes are batched, as the member ledger's import
does: people and registry records are loaded in a handful of queries, and new people, records,
households, skills, certificates, assistance flags, status periods and consents are
bulk-inserted. A row's fate is decided before anything is written, so every bad row is reported
with its row number and columns while the good rows of the batch are written together.

Idempotent: a person is matched by the blind index of the ID number. A row that would change
nothing on a registered person counts as unchanged without a write; a row that changes a
registered person (a new status, other skills, another village…) goes through
services.registry.person_register in its own savepoint, the one way a record changes, so the
status history is re-linked exactly as the form does it. Should the batched write hit the
database's guards (someone registered the same person meanwhile), the batch is redone row by
row, each row in its own savepoint.

Registering a person is not a service a worker receives, so no service-ledger row is written
(records.services); the job writes one `labour.import` audit entry with the counts."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import ApplicationError, ValidationFailed
from zhijia.core.imports import BatchResult, RowResult
from zhijia.members.enums import ConsentPurpose, IdType
from zhijia.members.models import Consent, Person
from zhijia.members.validation import clean_person
from zhijia.orgs.models import Org
from zhijia.orgs.services import pinyin_fields
from zhijia.orgs.tree import subtree_q

from . import error_codes
from .enums import StatusSource
from .models import Assistance, Certificate, Household, RegistryPerson, Skill, StatusPeriod
from .permissions import WRITE_PEOPLE, check_any
from .services.common import user_or_none
from .services.registry import CONSENT_NOTICE, PERSON_FIELDS, clean_registry, person_register
from .sorting import sort_key_set

_pinyin = lru_cache(maxsize=65_536)(pinyin_fields)

# the registry's own columns a row may set (services.registry._apply sets the same)
ENTRY_FIELDS = (
    "group", "skill_level", "wanted_occupation", "wanted_job", "wanted_range", "wanted_wage",
    "available_from", "training_needs", "training_occupation", "note", "surveyed_on",
)  # fmt: skip


@dataclass
class Row:
    """A row that passed validation."""

    number: int
    org: Org
    data: dict[str, Any]  # as person_register takes it (the slow path)
    person: dict[str, Any]  # clean_person's output with the pinyin
    fields: dict[str, Any]  # clean_registry's output


@dataclass
class Context:
    actor: Any
    unit: Org
    today: Any
    villages: dict[str, Org] = field(default_factory=dict)
    allowed: dict[Any, ApplicationError | None] = field(default_factory=dict)


def labour_import_batch(*, actor: Any, unit: Org, rows: list[tuple[int, dict[str, str]]]) -> BatchResult:
    """Import one batch of sheet rows into `unit`'s subtree for `actor` (see the module
    docstring). The actor's rights are re-checked per village, so a revoked grant rejects
    every later row."""
    from .xlsx import row_to_data

    ctx = Context(actor, unit, timezone.localdate())
    result = BatchResult()
    prepared: list[Row] = []
    for number, row in rows:
        try:
            prepared.append(prepare_row(ctx, number, row_to_data(row), row.get("village", "").strip()))
        except ApplicationError as exc:
            result.reject(number, exc)
    try:
        with transaction.atomic():
            written = _apply(ctx, prepared)
    except IntegrityError:
        written = labour_import_rows(actor=actor, rows=prepared)
    result.counts.update(written.counts)
    result.errors.extend(written.errors)
    result.errors.sort(key=lambda e: e["row"])
    return result


def prepare_row(ctx: Context, number: int, data: dict[str, Any], village: str) -> Row:
    """Validate one row; ValidationFailed names every bad column."""
    errors: dict[str, list[str]] = {}
    org = ctx.unit
    try:
        org = _village(ctx, village)
        _check(ctx, org)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    person = {k: data[k] for k in PERSON_FIELDS if k in data}
    person.setdefault("id_type", IdType.CN_RESIDENT)
    try:
        person = clean_person(person, today=ctx.today)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        fields = clean_registry(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    person.update(_pinyin(person["name"]))
    return Row(number, org, data, person, fields)


def _village(ctx: Context, ref: str) -> Org:
    if not ref:
        return ctx.unit
    if ref not in ctx.villages:
        found = list(
            Org.objects.filter(subtree_q(ctx.unit.path), status="active").filter(
                Q(name=ref) | Q(short_name=ref)
            )[:2]
        )
        if len(found) != 1:
            msg = _("No single unit with this name under the unit you import into.")
            raise ValidationFailed(msg, code=error_codes.IMPORT_OUT_OF_SCOPE, fields={"village": [msg]})
        ctx.villages[ref] = found[0]
    return ctx.villages[ref]


def _check(ctx: Context, org: Org) -> None:
    if org.pk not in ctx.allowed:
        try:
            check_any(ctx.actor, WRITE_PEOPLE, org)
            ctx.allowed[org.pk] = None
        except ApplicationError as refused:
            ctx.allowed[org.pk] = refused
    denied = ctx.allowed[org.pk]
    if denied is not None:
        msg = _("You may not register people in this village.")
        raise ValidationFailed(msg, code=denied.code, fields={"village": [msg]})


@dataclass
class Plan:
    people: dict[str, Person] = field(default_factory=dict)  # id_index -> person
    entries: dict[Any, RegistryPerson] = field(default_factory=dict)  # person id -> record
    consented: set[Any] = field(default_factory=set)  # person ids with a live job-matching consent
    households: dict[tuple[Any, str, str], Household] = field(default_factory=dict)
    new_people: list[Person] = field(default_factory=list)
    changed_people: dict[Any, Person] = field(default_factory=dict)
    changed_person_fields: set[str] = field(default_factory=set)
    new_entries: list[tuple[RegistryPerson, Row]] = field(default_factory=list)
    slow: list[Row] = field(default_factory=list)


def _apply(ctx: Context, rows: list[Row]) -> BatchResult:
    result = BatchResult()
    plan = _load(rows)
    seen: set[str] = set()
    for row in rows:
        index = row.person["id_index"]
        if index in seen:  # the same person twice in a batch: the later row after the writes
            plan.slow.append(row)
            continue
        seen.add(index)
        outcome = _decide(ctx, plan, row)
        if outcome is not None:
            result.add(outcome)
    _write(ctx, plan)
    slow = labour_import_rows(actor=ctx.actor, rows=plan.slow)
    result.counts.update(slow.counts)
    result.errors.extend(slow.errors)
    return result


def _load(rows: list[Row]) -> Plan:
    plan = Plan()
    people = Person.objects.select_for_update().filter(id_index__in=[r.person["id_index"] for r in rows])
    plan.people = {p.id_index: p for p in people if p.id_index}
    ids = [p.pk for p in plan.people.values()]
    entries = (
        RegistryPerson.objects.select_for_update(of=("self",))
        .select_related("household")
        .filter(person_id__in=ids)
        .prefetch_related(
            "skills",
            "certificates",
            "periods",
            Prefetch(
                "assistance", queryset=Assistance.objects.filter(ends_on__isnull=True), to_attr="active"
            ),
        )
    )
    plan.entries = {e.person_id: e for e in entries}
    plan.consented = set(
        Consent.objects.filter(
            person_id__in=ids, purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    keys = {
        (r.org.pk, r.fields.get("group", ""), r.fields["household_number"])
        for r in rows
        if r.fields.get("household_number")
    }
    if keys:
        found = Household.objects.filter(org_id__in={k[0] for k in keys}, number__in={k[2] for k in keys})
        plan.households = {(h.org_id, h.group, h.number): h for h in found}
    return plan


def _decide(ctx: Context, plan: Plan, row: Row) -> RowResult | None:
    """CREATED for a new record (written in bulk), UNCHANGED for a row that changes nothing,
    None for a row left to person_register (counted by it)."""
    person = plan.people.get(row.person["id_index"])
    entry = plan.entries.get(person.pk) if person is not None else None
    if person is not None and entry is not None:
        if _unchanged(ctx, plan, person, entry, row):
            return RowResult.UNCHANGED
        plan.slow.append(row)
        return None
    if person is None:
        person = Person(**row.person)
        plan.new_people.append(person)
        plan.people[row.person["id_index"]] = person
    else:  # a person already known (a member) enters the registry
        changed = [k for k, v in row.person.items() if getattr(person, k) != v]
        for key in changed:
            setattr(person, key, row.person[key])
        if changed:
            plan.changed_people[person.pk] = person
            plan.changed_person_fields.update(changed)
    f = row.fields
    entry = RegistryPerson(
        person=person,
        org=row.org,
        created_by=user_or_none(ctx.actor),
        **{k: f[k] for k in ENTRY_FIELDS if k in f},
    )
    if f.get("household_number"):
        entry.household = _household(plan, row.org, f.get("group", ""), f["household_number"], f)
    sort_key_set(entry)
    if f.get("status"):
        on = f.get("status_since") or f.get("surveyed_on") or ctx.today
        if on <= ctx.today:
            entry.status, entry.status_since = f["status"], on
    plan.new_entries.append((entry, row))
    return RowResult.CREATED


def _household(plan: Plan, org: Org, group: str, number: str, f: dict[str, Any]) -> Household:
    key = (org.pk, group, number)
    household = plan.households.get(key)
    if household is None:
        household = Household(org=org, group=group, number=number, address=f.get("address") or "")
        household._new = True  # type: ignore[attr-defined]
        plan.households[key] = household
    elif f.get("address") and household.address != f["address"]:
        household.address = f["address"]
        household._changed = True  # type: ignore[attr-defined]
    return household


def _unchanged(ctx: Context, plan: Plan, person: Person, entry: RegistryPerson, row: Row) -> bool:
    """Whether person_register with this row would change nothing (False when in doubt: the
    row then goes through person_register, which decides exactly)."""
    f = row.fields
    if entry.org_id != row.org.pk:
        return False
    if any(getattr(person, k) != v for k, v in row.person.items()):
        return False
    if any(getattr(entry, k) != f[k] for k in ENTRY_FIELDS if k in f):
        return False
    if f.get("household_number"):
        h = entry.household
        group = f.get("group", entry.group)
        if h is None or (h.org_id, h.group, h.number) != (row.org.pk, group, f["household_number"]):
            return False
        if f.get("address") and h.address != f["address"]:
            return False
    if "skills" in f and set(f["skills"]) != {
        (s.occupation, s.title, s.level, s.years) for s in entry.skills.all()
    }:
        return False
    if "certificates" in f and set(f["certificates"]) != {
        (c.name, c.level, c.number, c.issued_on, c.expires_on) for c in entry.certificates.all()
    }:
        return False
    if "assistance" in f and sorted(f["assistance"]) != sorted(a.kind for a in entry.active):  # type: ignore[attr-defined]
        return False
    if f.get("status"):
        on = f.get("status_since") or f.get("surveyed_on") or ctx.today
        wanted = (f["status"], f.get("destination", ""), f.get("employer", ""))
        periods = sorted(entry.periods.all(), key=lambda p: p.starts_on)
        if f.get("status_since"):
            same_day = next((p for p in periods if p.starts_on == on), None)
            if same_day is None or (
                same_day.status,
                same_day.destination,
                same_day.employer,
                same_day.reason,
            ) != (
                *wanted,
                "",
            ):
                return False
        else:
            current = next((p for p in reversed(periods) if p.starts_on <= on), None)
            if current is None or (current.status, current.destination, current.employer) != (
                f["status"],
                f.get("destination", current.destination),
                f.get("employer", current.employer),
            ):
                return False
    consent = f.get("job_matching_consent")
    return consent is None or consent == (person.pk in plan.consented)


def _write(ctx: Context, plan: Plan) -> None:
    now = timezone.now()
    user = user_or_none(ctx.actor)
    Person.objects.bulk_create(plan.new_people)
    if plan.changed_people:
        changed = list(plan.changed_people.values())
        for person in changed:
            person.updated_at = now
        Person.objects.bulk_update(
            changed, [*sorted(plan.changed_person_fields), "updated_at"], batch_size=100
        )
    households = list(plan.households.values())
    Household.objects.bulk_create([h for h in households if getattr(h, "_new", False)])
    moved = [h for h in households if getattr(h, "_changed", False)]
    if moved:
        Household.objects.bulk_update(moved, ["address"])
    RegistryPerson.objects.bulk_create([e for e, _row in plan.new_entries])
    skills, certificates, flags, periods, consents = [], [], [], [], []
    for entry, row in plan.new_entries:
        f = row.fields
        skills += [
            Skill(entry=entry, occupation=o, title=t, level=lv, years=y)
            for o, t, lv, y in set(f.get("skills", ()))
        ]
        certificates += [
            Certificate(entry=entry, name=n, level=lv, number=no, issued_on=i, expires_on=e)
            for n, lv, no, i, e in set(f.get("certificates", ()))
        ]
        flag_on = f.get("surveyed_on") or ctx.today
        flags += [Assistance(entry=entry, kind=k, starts_on=flag_on) for k in f.get("assistance", ())]
        if f.get("status"):
            periods.append(
                StatusPeriod(
                    entry=entry,
                    org_id=entry.org_id,
                    status=f["status"],
                    starts_on=f.get("status_since") or f.get("surveyed_on") or ctx.today,
                    destination=f.get("destination", ""),
                    employer=f.get("employer", ""),
                    source=StatusSource.IMPORT,
                    created_by=user,
                )
            )
        given = f.get("job_matching_consent")
        if given and entry.person.pk not in plan.consented:
            consents.append(
                Consent(
                    person=entry.person,
                    purpose=ConsentPurpose.JOB_MATCHING,
                    notice_version=CONSENT_NOTICE,
                    given_at=now,
                )
            )
            plan.consented.add(entry.person.pk)
        elif given is False and entry.person.pk in plan.consented:
            Consent.objects.filter(
                person=entry.person, purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
            ).update(withdrawn_at=now)
    Skill.objects.bulk_create(skills)
    Certificate.objects.bulk_create(certificates)
    Assistance.objects.bulk_create(flags)
    StatusPeriod.objects.bulk_create(periods)
    Consent.objects.bulk_create(consents)


def labour_import_rows(*, actor: Any, rows: list[Row]) -> BatchResult:
    """Validated rows one by one through services.registry.person_register, each in its own
    savepoint: the batch's fallback, and the path of rows that change a registered person."""
    result = BatchResult()
    for row in rows:
        try:
            with transaction.atomic():
                _entry, outcome = person_register(
                    actor=actor, org=row.org, data=row.data, source=StatusSource.IMPORT, audit=False
                )
            result.add(outcome)
        except ApplicationError as exc:
            result.reject(row.number, exc)
    return result
