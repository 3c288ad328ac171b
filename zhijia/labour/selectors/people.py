"""Reads of the registry, limited to the actor's labour.view scope (a village surveyor: their
village). Interfaces mask what they show (core.masking)."""

import re
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zhijia.accounts.phones import is_mobile, normalize_phone, phone_index
from zhijia.core.validators.identity import IdentityError, validate_identity
from zhijia.core.validators.text import normalize
from zhijia.members.enums import IdType
from zhijia.members.selectors.letters import letters_q
from zhijia.members.validation import id_index
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..models import Assistance, RegistryPerson, Skill, StatusPeriod

_LETTERS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+")


def people_list(
    *,
    actor: Any,
    org: Org | None = None,
    status: str | None = None,
    skill: str | None = None,
    q: str | None = None,
    cap: str = Cap.LABOUR_VIEW,
) -> QuerySet[RegistryPerson]:
    """Registry records in the actor's `cap` scope (and `org`'s subtree), with person, village
    and skills fetched. `status`: the current status; `skill`: an occupation code (a major
    category "6" matches its medium ones); `q`: name, pinyin initials, phone tail, ID number."""
    qs = RegistryPerson.objects.filter(scope_for(actor, cap).q("org")).select_related(
        "person", "org", "household"
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    if status:
        qs = qs.filter(status=status)
    if skill:
        code = skill.strip()[:8]
        cond = (
            Q(occupation=code) | Q(occupation__startswith=code + "-")
            if "-" not in code
            else Q(occupation=code)
        )
        qs = qs.filter(Exists(Skill.objects.filter(cond, entry=OuterRef("pk"))))
    if q and q.strip():
        qs = qs.filter(search_q(q))
    return qs.prefetch_related("skills").order_by("org__path", "group", "person__name_pinyin", "pk")


def search_q(text: str) -> Q:
    text = text.strip()[:100]
    cond = Q(person__name__icontains=text)
    compact = normalize(text, upper=False).lower()
    if _LETTERS.fullmatch(compact):
        cond |= letters_q(compact, "person__")
    if _DIGITS.fullmatch(compact):
        if len(compact) == 4:
            cond |= Q(person__phone_last4=compact)
        phone = normalize_phone(compact)
        if is_mobile(phone):
            cond |= Q(person__phone_index=phone_index(phone))
    for id_type in IdType.values:
        try:
            result = validate_identity(id_type, text)
        except IdentityError:
            continue
        cond |= Q(person__id_index=id_index(result.id_type, result.normalized))
    return cond


def person_detail(entry: RegistryPerson) -> RegistryPerson:
    """The record with its history, skills, certificates and flags fetched."""
    return (
        RegistryPerson.objects.select_related("person", "org", "household", "surveyed_by")
        .prefetch_related(
            "skills",
            "certificates",
            Prefetch("periods", queryset=StatusPeriod.objects.order_by("-starts_on")),
            Prefetch("assistance", queryset=Assistance.objects.order_by("-starts_on")),
        )
        .get(pk=entry.pk)
    )


def entry_of(person: Any) -> RegistryPerson | None:
    """The registry record of a person (the worker's own, on the phone), if they have one."""
    return RegistryPerson.objects.filter(person=person).first() if person is not None else None


def entries_by_ids(ids: list[Any]) -> QuerySet[RegistryPerson]:
    """Registry rows by id with their person (the ids come from a scoped read, e.g. ledger_changes)."""
    return RegistryPerson.objects.filter(pk__in=ids).select_related("person")


def teams_in(*, actor: Any, unit: Org) -> QuerySet:
    """The service teams of `unit`'s subtree the actor may view."""
    from ..models import Team

    return Team.objects.filter(
        scope_for(actor, Cap.LABOUR_VIEW).q("org"), subtree_q(unit.path, "org__path")
    ).select_related("org", "serves")
