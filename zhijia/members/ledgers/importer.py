"""Importing a 会员登记表: the batch handler that core.imports.import_job_run_batched calls.

Per row, exactly the API's rules (members.validation.clean_person), plus the ledger's own
columns (入会日期, 所属工会). Per batch (~500 rows), the writes are batched: existing people are
loaded by blind index in one query, new people, memberships and events are bulk-inserted,
changed people bulk-updated, member numbers taken from the counter in one block per union
division. A row's fate is decided before anything is written, so bad rows are reported one by
one while the good rows of the batch are written together. Should the batched write hit the
database's guards anyway (a concurrent join approval took the same person), the batch is rolled
back and redone row by row, each row in its own savepoint.

Audit: one `member.import` entry per job with the counts (written by core.imports), not one
per row: a 100,000-row import would otherwise write 100,000 entries and serialize the audit
chain. Which rows came in is kept by the job (its file and errors) and by each membership's
`imported` event, which names the importing user.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import ApplicationError, ValidationFailed
from zhijia.core.imports import BatchResult, RowResult
from zhijia.core.models import Counter as CounterRow
from zhijia.core.validators.text import normalize
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.services import pinyin_fields
from zhijia.orgs.tree import subtree_q

from .. import error_codes
from ..enums import ACTIVE_STATUSES, ConsentPurpose, MemberStatus
from ..models import Consent, Membership, MembershipEvent, Person
from ..services.events import events_create
from ..services.people import renamed
from ..validation import clean_person
from .columns import parse_date_text, row_to_data

IMPORTED = "imported"
# Ledgers repeat names (and a re-import repeats all of them); pinyin is the costliest step of a row.
_pinyin = lru_cache(maxsize=65_536)(pinyin_fields)
CORRECTED = "corrected"


@dataclass
class Prepared:
    """A row that passed validation: cleaned person fields and its membership placement."""

    number: int
    fields: dict[str, Any]
    org: Org
    explicit_org: bool
    joined_on: date | None


@dataclass
class Context:
    """Who imports into which unit: `scope` is the actor's members.import scope, `allowed`
    whether it still contains the unit; `orgs` caches the 所属工会 references."""

    actor: Any
    unit: Org
    today: date
    allowed: bool
    scope: Any
    orgs: dict[str, Org] = field(default_factory=dict)
    declaration: Any = None  # members.MemberImportDeclaration: the consent basis the union declares

    def contains(self, org: Org) -> bool:
        return org.path.startswith(self.unit.path) and self.scope.contains(org)


@dataclass
class Plan:
    new_people: list[Person] = field(default_factory=list)
    changed_people: dict[Any, Person] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    new_memberships: list[Membership] = field(default_factory=list)
    changed_memberships: dict[Any, Membership] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)  # id_index -> person
    accepted: list[Person] = field(default_factory=list)  # people of the rows written
    active: dict[Any, Membership] = field(default_factory=dict)  # person id -> active membership


def member_import_batch(
    *, actor: Any, unit: Org, rows: list[tuple[int, dict[str, str]]], declaration: Any = None
) -> BatchResult:
    """Import one batch of ledger rows into `unit`'s subtree for `actor` (Cap.MEMBERS_IMPORT on
    `unit`, re-checked here: a revoked grant rejects every later row). Idempotent: a person is
    matched by the blind index of the normalised ID number, so a re-import updates. With a
    `declaration` (MemberImportDeclaration), each person of a written row who has no consent
    to SENSITIVE processing yet gets one with the declared basis and notice version (a person
    who withdrew keeps the withdrawal: a re-import never renews a consent)."""
    ctx = import_context(actor=actor, unit=unit)
    ctx.declaration = declaration
    result = BatchResult()
    prepared = []
    for number, row in rows:
        try:
            prepared.append(prepare_row(ctx, number, row))
        except ApplicationError as exc:
            result.reject(number, exc)
    written = apply_prepared(ctx, prepared)
    result.counts.update(written.counts)
    result.errors.extend(written.errors)
    result.errors.sort(key=lambda e: e["row"])
    return result


def apply_prepared(ctx: Context, prepared: list[Prepared]) -> BatchResult:
    """Write validated rows: the whole batch in one transaction, or, when the database's guards
    refuse the batch (a concurrent change), row by row with a savepoint each."""
    try:
        with transaction.atomic():
            return _apply(ctx, prepared)
    except IntegrityError:
        return _apply_row_by_row(ctx, prepared)


def import_context(*, actor: Any, unit: Org, scope: Any = None) -> Context:
    """The context of an import by `actor` into `unit`; `scope` overrides the actor's
    members.import scope (the demo seeder imports with no actor)."""
    scope = scope if scope is not None else scope_for(actor, Cap.MEMBERS_IMPORT)
    return Context(actor, unit, timezone.localdate(), scope.contains(unit), scope)


def prepare_row(ctx: Context, number: int, row: dict[str, str]) -> Prepared:
    """Validate one row: the person through clean_person (the API's rules), then the ledger's
    columns. Raises ValidationFailed naming every bad column of the row."""
    if not ctx.allowed:
        raise _error(
            "org", _("You may no longer import members into this unit."), error_codes.IMPORT_OUT_OF_SCOPE
        )
    data = row_to_data(row)
    errors: dict[str, list[str]] = {}
    if data["birth_date"] and not _valid_iso(data["birth_date"]):
        errors["birth_date"] = [_("Enter a valid date (YYYY-MM-DD).")]
        data["birth_date"] = ""
    joined_on = _joined_on(ctx, row.get("joined_on", ""), errors)
    try:
        fields = clean_person(data, today=ctx.today)
    except ValidationFailed as exc:
        errors = {**exc.fields, **errors}
        fields = {}
    org = ctx.unit
    try:
        org = _resolve_org(ctx, row.get("org", "").strip())
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    fields.update(_pinyin(fields["name"]))
    return Prepared(number, fields, org, bool(row.get("org", "").strip()), joined_on)


def _valid_iso(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def _joined_on(ctx: Context, text: str, errors: dict[str, list[str]]) -> date | None:
    text = parse_date_text(text)
    if not text:
        return None
    try:
        value = date.fromisoformat(text[:10])
    except ValueError:
        errors["joined_on"] = [_("Enter a valid date (YYYY-MM-DD).")]
        return None
    if value > ctx.today:
        errors["joined_on"] = [_("The date cannot be in the future.")]
        return None
    return value


def _resolve_org(ctx: Context, ref: str) -> Org:
    """The union a row names (USCC or exact full name) inside the unit's subtree and the
    actor's import scope; the unit itself when the cell is empty."""
    if not ref:
        return ctx.unit
    if ref not in ctx.orgs:
        cond = Q(name=ref)
        code = normalize(ref)
        if len(code) == 18:
            cond |= Q(uscc=code)
        matches = list(
            Org.objects.filter(subtree_q(ctx.unit.path), ctx.scope.q(field=""), status="active").filter(cond)[
                :2
            ]
        )
        if not matches:
            msg = _("No union with this USCC or full name among the units you import into.")
            raise _error("org", msg, error_codes.IMPORT_ORG_NOT_FOUND)
        if len(matches) > 1:
            raise _error("org", _("Several units match; use the USCC."), error_codes.IMPORT_ORG_AMBIGUOUS)
        ctx.orgs[ref] = matches[0]
    return ctx.orgs[ref]


def _apply_row_by_row(ctx: Context, prepared: list[Prepared]) -> BatchResult:
    result = BatchResult()
    for item in prepared:
        try:
            with transaction.atomic():
                one = _apply(ctx, [item])
        except IntegrityError:
            msg = _("This person was changed by someone else during the import; import the row again.")
            result.reject(item.number, _error("id_number", msg, error_codes.IMPORT_CONFLICT))
            continue
        result.counts.update(one.counts)
        result.errors.extend(one.errors)
    return result


def _apply(ctx: Context, prepared: list[Prepared]) -> BatchResult:
    """Decide every row against the database's current state, then write the batch."""
    result = BatchResult()
    plan = _load(prepared)
    for item in prepared:
        try:
            result.add(_decide(ctx, plan, item))
        except ApplicationError as exc:
            result.reject(item.number, exc)
        else:
            plan.accepted.append(plan.people[item.fields["id_index"]])
    _write(ctx, plan)
    return result


def _load(prepared: list[Prepared]) -> Plan:
    plan = Plan()
    indexes = [p.fields["id_index"] for p in prepared]
    people = Person.objects.select_for_update().filter(id_index__in=indexes)
    plan.people = {p.id_index: p for p in people if p.id_index}
    active = Membership.objects.select_related("org").filter(
        person_id__in=[p.pk for p in plan.people.values()], status__in=ACTIVE_STATUSES
    )
    plan.active = {m.person_id: m for m in active}
    return plan


def _decide(ctx: Context, plan: Plan, item: Prepared) -> RowResult:
    person = plan.people.get(item.fields["id_index"])
    if person is None:
        person = Person(**item.fields)
        plan.new_people.append(person)
        plan.people[item.fields["id_index"]] = person
        _add_membership(ctx, plan, person, item)
        return RowResult.CREATED
    active = plan.active.get(person.pk)
    if active is not None and not ctx.contains(active.org):
        msg = _(
            "This person is an active member of a union outside the units you import into; "
            "ask for a transfer instead."
        )
        raise _error("id_number", msg, error_codes.IMPORT_OUT_OF_SCOPE)
    if active is not None and item.explicit_org and active.org_id != item.org.pk:
        msg = _("This person is already a member of %(union)s; transfer them in the console instead.")
        raise _error("org", msg % {"union": active.org.name}, error_codes.IMPORT_OTHER_UNION)
    changed = [k for k, v in item.fields.items() if getattr(person, k) != v]
    for key in changed:
        setattr(person, key, item.fields[key])
    if changed and not person._state.adding:
        plan.changed_people[person.pk] = person
        plan.changed_fields.update(changed)
    if active is None:
        _add_membership(ctx, plan, person, item)
        return RowResult.CREATED
    if item.joined_on and active.joined_on != item.joined_on:
        active.joined_on = item.joined_on
        if not active._state.adding:
            plan.changed_memberships[active.pk] = active
        changed.append("joined_on")
    return RowResult.UPDATED if changed else RowResult.UNCHANGED


def _add_membership(ctx: Context, plan: Plan, person: Person, item: Prepared) -> None:
    membership = Membership(
        person=person, org=item.org, status=MemberStatus.MEMBER, joined_on=item.joined_on or ctx.today
    )
    plan.new_memberships.append(membership)
    plan.active[person.pk] = membership


def _write(ctx: Context, plan: Plan) -> None:
    now = timezone.now()
    Person.objects.bulk_create(plan.new_people)
    if plan.changed_people:
        for person in plan.changed_people.values():
            person.updated_at = now
        Person.objects.bulk_update(
            list(plan.changed_people.values()), [*sorted(plan.changed_fields), "updated_at"], batch_size=100
        )
        if "name_pinyin" in plan.changed_fields:
            renamed(plan.changed_people)
    _issue_numbers(ctx, plan.new_memberships)
    Membership.objects.bulk_create(plan.new_memberships)
    if plan.changed_memberships:
        changed = list(plan.changed_memberships.values())
        for membership in changed:
            membership.updated_at = now
        Membership.objects.bulk_update(changed, ["joined_on", "updated_at"], batch_size=100)
    events = [
        MembershipEvent(membership=m, kind=IMPORTED, to_org=m.org, actor=ctx.actor)
        for m in plan.new_memberships
    ] + [
        MembershipEvent(membership=m, kind=CORRECTED, to_org=m.org, actor=ctx.actor, note="joined_on")
        for m in plan.changed_memberships.values()
    ]
    events_create(events)
    if ctx.declaration is not None:
        _declare_consents(ctx, plan.accepted, now)


def _declare_consents(ctx: Context, people: list[Person], now: Any) -> None:
    """The declared consent to SENSITIVE processing for people who have none (live or withdrawn)."""
    ids = {p.pk for p in people}
    have = set(
        Consent.objects.filter(person_id__in=ids, purpose=ConsentPurpose.SENSITIVE).values_list(
            "person_id", flat=True
        )
    )
    Consent.objects.bulk_create(
        Consent(
            person_id=pk,
            purpose=ConsentPurpose.SENSITIVE,
            notice_version=ctx.declaration.notice_version,
            basis=ctx.declaration.basis,
            declared_by=ctx.unit,
            given_at=now,
        )
        for pk in sorted(ids - have)
    )


def _issue_numbers(ctx: Context, memberships: list[Membership]) -> None:
    """Member numbers in the format of services.people.member_no_issue (division, year,
    7-digit sequence), taken from the same counters in one block per division."""
    by_division: dict[str, list[Membership]] = {}
    for membership in memberships:
        by_division.setdefault(membership.org.division_code or "000000", []).append(membership)
    for division, group in by_division.items():
        first = reserve_block(f"member_no:{division}:{ctx.today.year}", len(group))
        for offset, membership in enumerate(group):
            membership.member_no = f"{division}{ctx.today.year}{first + offset:07d}"


@transaction.atomic
def reserve_block(key: str, size: int) -> int:
    """Advance counter `key` by `size` with one guarded UPDATE and return the first value of
    the block (the counter's row stays locked until the caller commits)."""
    CounterRow.objects.get_or_create(key=key)
    CounterRow.objects.filter(key=key).update(value=F("value") + size)
    return CounterRow.objects.values_list("value", flat=True).get(key=key) - size + 1


def _error(field_name: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field_name: [message]})
