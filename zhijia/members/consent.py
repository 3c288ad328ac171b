"""Consent at the point of use (PIPL Arts. 14-15): THE one place that answers "may we process
this person's data for this purpose right now?".

Every processing that rests on a consent calls `consent_given(person, purpose)` where it
processes, in the same request or task, never from a cached flag: a withdrawal (H5 "My data",
`members.services.rights.consent_withdraw`) stops the very next use.

    from zhijia.members.consent import consent_given, consenting_q
    from zhijia.members.enums import ConsentPurpose

    if not consent_given(person, ConsentPurpose.JOB_MATCHING):   # one person
        return []                                                 # do not match, do not store
    people = Person.objects.filter(consenting_q(ConsentPurpose.SCREENING))  # many people, one query

Purposes (members.enums.ConsentPurpose) and who asks:
- SENSITIVE: membership processing of sensitive data (given when joining online, or declared by
  the union that imported the person from a ledger, with the notice version).
- MINOR: children's data (camps).
- JOB_MATCHING: labour (job matching / recommendations) — the labour domain asks before it
  matches or suggests a person.
- SCREENING: casework (psychological screening questionnaires) — asked before a screening is
  offered, stored or scored.
- MARKETING_SMS: any text message that is not a reply to the person's own request
  (announcements of activities, campaigns): send through `marketing_notice`, which asks.
- MERCHANT_SHARING: what a merchant's till shows of the voucher holder (`merchant_holder_name`).

An anonymised person, a missing person and a withdrawn consent all answer False.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from zhijia.core.masking import mask_name

from .enums import ConsentPurpose
from .models import Consent, Person
from .notices import notify, phone_of

MINOR_NOTICE_VERSION = "2026-11"  # the notice a parent agrees to when registering a child

__all__ = [
    "MINOR_NOTICE_VERSION",
    "consent_given",
    "consent_withdrawn",
    "consenting_q",
    "marketing_notice",
    "merchant_holder_name",
]


def consent_given(person: Person | Any | None, purpose: str) -> bool:
    """True while the person holds a consent to `purpose` that is not withdrawn (one indexed
    query, read fresh every call). `person` is a Person or its id; None → False."""
    if person is None:
        return False
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    if isinstance(person, Person) and person.anonymised_at is not None:
        return False
    person_id = person.pk if isinstance(person, Person) else person
    return Consent.objects.filter(
        person_id=person_id, purpose=purpose, withdrawn_at__isnull=True, person__anonymised_at__isnull=True
    ).exists()


def consent_withdrawn(person: Person | Any | None, purpose: str) -> bool:
    """True when the person withdrew their consent to `purpose` and has not given it again (one
    query, read fresh). Processing that predates consent records (e.g. children registered by
    the union on paper) asks this rather than `consent_given`: a withdrawal stops it."""
    if person is None:
        return False
    person_id = person.pk if isinstance(person, Person) else person
    states = list(
        Consent.objects.filter(person_id=person_id, purpose=purpose).values_list("withdrawn_at", flat=True)
    )
    return bool(states) and all(at is not None for at in states)


def consenting_q(purpose: str, field: str = "") -> Q:
    """A filter for many people at once: `Person.objects.filter(consenting_q(p))`, or from a
    related model `Membership.objects.filter(consenting_q(p, "person"))`."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    ref = OuterRef(f"{field}__pk" if field else "pk")
    live = Consent.objects.filter(person_id=ref, purpose=purpose, withdrawn_at__isnull=True)
    prefix = f"{field}__" if field else ""
    return Q(Exists(live)) & Q(**{f"{prefix}anonymised_at__isnull": True})


def marketing_notice(person: Person, template: str, params: dict[str, str]) -> bool:
    """Send a promotional text message (not a reply to the person's own request) once the
    transaction commits, only while the person consents to MARKETING_SMS. Returns whether it
    was queued."""
    if not consent_given(person, ConsentPurpose.MARKETING_SMS):
        return False
    phone = phone_of(person)  # the one phone rule of members.notices
    if not phone:
        return False
    notify(phone, template, params)
    return True


def merchant_holder_name(person: Person) -> str:
    """What a merchant's till may show of a voucher holder: the masked name (张*) while the
    person consents to MERCHANT_SHARING, else an empty string (the voucher code is enough to
    redeem)."""
    return mask_name(person.name) if consent_given(person, ConsentPurpose.MERCHANT_SHARING) else ""
