"""Registering people in the labour registry (door-to-door survey, staff form, xlsx import, API).

One record per person: the person is the members.Person found by the blind index of their ID
number (members.services.people.person_upsert, which encrypts the number), and the registry row
hangs off it one-to-one. Registering someone already registered updates their record (moving
them to another village needs write rights on both villages; else 409 already_registered).
An `Idempotency-Key` replayed by the same user returns the first record unchanged (the offline
survey form re-sends without duplicating); with another person's ID it answers 422."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import idempotency
from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, busy_as_conflict, field_error
from zhijia.core.imports import RowResult
from zhijia.members.enums import ConsentPurpose, IdType, SkillLevel
from zhijia.members.models import Consent, Person
from zhijia.members.services.people import person_upsert
from zhijia.members.validation import clean_person
from zhijia.orgs.access import scope_for
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import AssistanceKind, PlaceRange, StatusSource
from ..models import Assistance, Certificate, Household, RegistryPerson, Skill, StatusPeriod
from ..permissions import WRITE_PEOPLE, check_any
from ..sorting import periods_follow, sort_key_set
from .common import choice, day, integer, occupation, text, user_or_none
from .status import status_set

CONSENT_NOTICE = "labour-2026"
PERSON_FIELDS = ("name", "id_type", "id_number", "gender", "birth_date", "phone", "education")
MAX_ITEMS = 20


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "是", "y"}


def _items(value: Any, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(isinstance(v, dict) for v in value):
        raise field_error(field, _("Give a list of at most %(n)d entries.") % {"n": MAX_ITEMS})
    return value


def clean_registry(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the registry's own fields (those present in `data`); ValidationFailed names
    every bad field."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    parsers = {
        "group": lambda v: text(v, "group", max_length=50),
        "household_number": lambda v: text(v, "household_number", max_length=30),
        "address": lambda v: text(v, "address", max_length=200),
        "skill_level": lambda v: choice(v, "skill_level", SkillLevel.values),
        "wanted_occupation": lambda v: occupation(v, "wanted_occupation"),
        "wanted_job": lambda v: text(v, "wanted_job", max_length=100),
        "wanted_range": lambda v: choice(v, "wanted_range", PlaceRange.values) or PlaceRange.COUNTY,
        "wanted_wage": lambda v: integer(v, "wanted_wage", low=0, high=1_000_000, required=False),
        "available_from": lambda v: day(v, "available_from", required=False),
        "training_needs": lambda v: text(v, "training_needs", max_length=500),
        "training_occupation": lambda v: occupation(v, "training_occupation"),
        "note": lambda v: text(v, "note", max_length=500),
        "surveyed_on": lambda v: day(v, "surveyed_on", required=False, future_days=0),
        "status_since": lambda v: day(v, "status_since", required=False),
        "destination": lambda v: text(v, "destination", max_length=200),
        "employer": lambda v: text(v, "employer", max_length=200),
        "skills": lambda v: [_skill(i) for i in _items(v, "skills")],
        "certificates": lambda v: [_certificate(i) for i in _items(v, "certificates")],
        "assistance": _assistance_kinds,
        "job_matching_consent": _bool,
    }
    for key, parse in parsers.items():
        if key not in data:
            continue
        try:
            out[key] = parse(data[key])
        except ValidationFailed as exc:
            for name, messages in (exc.fields or {key: [str(exc.message)]}).items():
                errors.setdefault(name, []).extend(str(m) for m in messages)
    if "status" in data and data["status"] not in (None, ""):
        from ..enums import EmploymentStatus

        try:
            out["status"] = choice(data["status"], "status", EmploymentStatus.values)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return out


def _skill(item: dict[str, Any]) -> tuple:
    return (
        occupation(item.get("occupation"), "skills", required=True),
        text(item.get("title"), "skills", max_length=100),
        choice(item.get("level"), "skills", SkillLevel.values),
        integer(item.get("years"), "skills", low=0, high=80, required=False),
    )


def _certificate(item: dict[str, Any]) -> tuple:
    return (
        text(item.get("name"), "certificates", max_length=100, required=True),
        choice(item.get("level"), "certificates", SkillLevel.values),
        text(item.get("number"), "certificates", max_length=50),
        day(item.get("issued_on"), "certificates", required=False, future_days=0),
        day(item.get("expires_on"), "certificates", required=False, future_days=365 * 30),
    )


def _assistance_kinds(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise field_error("assistance", _("Choose a valid option."))
    return sorted({choice(v, "assistance", AssistanceKind.values, required=True) for v in value})


def fingerprint(entry: RegistryPerson) -> tuple:
    """Everything a registration may change, to tell `updated` from `unchanged`."""
    entry = RegistryPerson.objects.select_related("person", "household").get(pk=entry.pk)
    p = entry.person
    own = tuple(
        getattr(entry, f)
        for f in (
            "org_id", "household_id", "group", "skill_level", "wanted_occupation", "wanted_job",
            "wanted_range", "wanted_wage", "available_from", "training_needs", "training_occupation",
            "note", "surveyed_on",
        )
    )  # fmt: skip
    return (
        own,
        (p.name, p.phone, p.education, p.gender, p.birth_date),
        entry.household.address if entry.household else "",
        sorted(entry.skills.values_list("occupation", "title", "level", "years")),
        sorted(entry.certificates.values_list("name", "level", "number", "issued_on", "expires_on")),
        sorted(entry.assistance.filter(ends_on__isnull=True).values_list("kind", flat=True)),
        list(entry.periods.values_list("status", "starts_on", "destination", "employer")),
        consented(p),
    )


def consented(person: Person) -> bool:
    return Consent.objects.filter(
        person=person, purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
    ).exists()


def consent_set(person: Person, given: bool) -> None:
    """Give (once) or withdraw the separate consent to job matching."""
    if given and not consented(person):
        Consent.objects.create(
            person=person,
            purpose=ConsentPurpose.JOB_MATCHING,
            notice_version=CONSENT_NOTICE,
            given_at=timezone.now(),
        )
    elif not given:
        Consent.objects.filter(
            person=person, purpose=ConsentPurpose.JOB_MATCHING, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())


def _replay(actor: Any, key: str) -> RegistryPerson | None:
    user = user_or_none(actor)
    if user is None or not key:
        return None
    return (
        RegistryPerson.objects.select_related("person", "org")
        .filter(created_by=user, idempotency_key=key)
        .first()
    )


def _same_person(found: RegistryPerson, data: dict[str, Any]) -> RegistryPerson:
    """The record an earlier request with this key created, if it named the same person (by the
    blind index of the ID number); 422 idempotency_mismatch otherwise (core.idempotency)."""
    try:
        given = {"name": data.get("name"), "id_number": data.get("id_number")}
        asked = clean_person({**given, "id_type": data.get("id_type") or IdType.CN_RESIDENT})["id_index"]
    except ValidationFailed:
        asked = None
    replayed = idempotency.replay(found, asked={"person": asked}, stored={"person": found.person.id_index})
    assert replayed is not None
    return replayed


def person_register(
    *,
    actor: Any,
    org: Org,
    data: dict[str, Any],
    idempotency_key: str = "",
    source: str = StatusSource.STAFF,
    audit: bool = True,
) -> tuple[RegistryPerson, RowResult]:
    """Register (or update) a person in village `org`: labour.manage or labour.survey there.
    Returns (record, created | updated | unchanged)."""
    check_any(actor, WRITE_PEOPLE, org)
    key = idempotency.normalise_key(idempotency_key)
    if found := _replay(actor, key):
        return _same_person(found, data), RowResult.UNCHANGED
    try:
        return _register(actor, org, data, key, source, audit)
    except IntegrityError:
        if found := _replay(actor, key):
            return _same_person(found, data), RowResult.UNCHANGED
        raise


@busy_as_conflict
@transaction.atomic
def _register(
    actor: Any, org: Org, data: dict[str, Any], key: str, source: str, audit: bool
) -> tuple[RegistryPerson, RowResult]:
    person_data = {k: data[k] for k in PERSON_FIELDS if k in data}
    person_data.setdefault("id_type", IdType.CN_RESIDENT)
    errors: dict[str, list[str]] = {}
    try:
        clean_person(person_data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        fields = clean_registry(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    person, _created = person_upsert(actor=actor, data=person_data)
    entry = RegistryPerson.objects.select_for_update().filter(person=person).first()
    home = entry.org if entry is not None and entry.org_id != org.pk else None
    if (
        home is not None
        and actor is not None
        and not any(scope_for(actor, c).contains(home) for c in WRITE_PEOPLE)
    ):
        raise Conflict(
            _("This person is registered in another village; ask its staff to move them."),
            code=error_codes.ALREADY_REGISTERED,
        )
    before = fingerprint(entry) if entry is not None else None
    if entry is None:
        entry = RegistryPerson.objects.create(
            person=person, org=org, created_by=user_or_none(actor), idempotency_key=key
        )
    _apply(actor, entry, org, fields, source)
    after = fingerprint(entry)
    result = (
        RowResult.CREATED
        if before is None
        else (RowResult.UNCHANGED if before == after else RowResult.UPDATED)
    )
    if audit and result != RowResult.UNCHANGED:
        action = "labour.register" if result == RowResult.CREATED else "labour.update"
        audit_log(actor=actor, action=action, obj=entry, org=org, data={"fields": sorted(data)[:40]})
    return entry, result


@busy_as_conflict
@transaction.atomic
def person_update(*, actor: Any, entry: RegistryPerson, data: dict[str, Any]) -> RegistryPerson:
    """Change a record (labour.manage or labour.survey on its village): only the given fields;
    the name and ID number stay (a different ID is a different person). A new `status` starts a
    period on `status_since` (default today)."""
    entry = RegistryPerson.objects.select_for_update().select_related("person", "org").get(pk=entry.pk)
    check_any(actor, WRITE_PEOPLE, entry.org)
    person_data: dict[str, Any] = {k: data[k] for k in ("phone", "education") if k in data}
    fields = clean_registry(data)
    if person_data:
        cleaned = clean_person({"name": entry.person.name, "id_type": entry.person.id_type,
                                "id_number": entry.person.id_number, **person_data})  # fmt: skip
        changed = [
            k
            for k in ("phone", "phone_index", "phone_last4", "education")
            if k in cleaned and getattr(entry.person, k) != cleaned[k]
        ]
        for k in changed:
            setattr(entry.person, k, cleaned[k])
        if changed:
            entry.person.save(update_fields=[*changed, "updated_at"])
    before = fingerprint(entry)
    _apply(actor, entry, entry.org, fields, StatusSource.STAFF)
    if fingerprint(entry) != before or person_data:
        audit_log(actor=actor, action="labour.update", obj=entry, data={"fields": sorted(data)[:40]})
    entry.refresh_from_db()
    return entry


def _apply(actor: Any, entry: RegistryPerson, org: Org, fields: dict[str, Any], source: str) -> None:
    today = timezone.localdate()
    moved = entry.org_id != org.pk
    entry.org = org
    if fields.get("household_number"):
        household, _new = Household.objects.get_or_create(
            org=org, group=fields.get("group", entry.group), number=fields["household_number"]
        )
        if fields.get("address") and household.address != fields["address"]:
            household.address = fields["address"]
            household.save(update_fields=["address", "updated_at"])
        entry.household = household
    for key in (
        "group", "skill_level", "wanted_occupation", "wanted_job", "wanted_range", "wanted_wage",
        "available_from", "training_needs", "training_occupation", "note", "surveyed_on",
    ):  # fmt: skip
        if key in fields:
            setattr(entry, key, fields[key])
    if source == StatusSource.SURVEY and user_or_none(actor) is not None:
        entry.surveyed_by = actor
        entry.surveyed_on = entry.surveyed_on or today
    sort_key_set(entry)
    entry.save()
    if moved:
        periods_follow(entry)
    if "skills" in fields:
        entry.skills.all().delete()
        Skill.objects.bulk_create(
            [
                Skill(entry=entry, occupation=o, title=t, level=lv, years=y)
                for o, t, lv, y in set(fields["skills"])
            ]
        )
    if "certificates" in fields:
        entry.certificates.all().delete()
        Certificate.objects.bulk_create(
            [
                Certificate(entry=entry, name=n, level=lv, number=no, issued_on=i, expires_on=e)
                for n, lv, no, i, e in set(fields["certificates"])
            ]
        )
    if "assistance" in fields:
        assistance_sync(entry, fields["assistance"], on=fields.get("surveyed_on") or today)
    if fields.get("status"):
        on = fields.get("status_since") or fields.get("surveyed_on") or today
        current = StatusPeriod.objects.filter(entry=entry, starts_on__lte=on).order_by("-starts_on").first()
        same = current is not None and (current.status, current.destination, current.employer) == (
            fields["status"],
            fields.get("destination", current.destination),
            fields.get("employer", current.employer),
        )
        if not same or fields.get("status_since"):
            status_set(
                actor=actor,
                entry=entry,
                status=fields["status"],
                on=on,
                destination=fields.get("destination", ""),
                employer=fields.get("employer", ""),
                source=source,
                audit=False,
            )
    if fields.get("job_matching_consent") is not None:
        consent_set(entry.person, fields["job_matching_consent"])


def assistance_sync(entry: RegistryPerson, kinds: list[str], *, on: dt.date) -> None:
    """Make exactly `kinds` the flags in effect from `on`: new ones start, dropped ones end."""
    active = {a.kind: a for a in entry.assistance.filter(ends_on__isnull=True)}
    for kind, flag in active.items():
        if kind not in kinds:
            flag.ends_on = max(on, flag.starts_on + dt.timedelta(days=1))
            flag.save(update_fields=["ends_on", "updated_at"])
    Assistance.objects.bulk_create(
        [Assistance(entry=entry, kind=kind, starts_on=on) for kind in kinds if kind not in active]
    )
