"""A registry person's data in their own export and their anonymisation (members.services.rights
register_person_data, called by LabourConfig.ready: members may not import labour).

Anonymised, the record stays — its dated status periods and assistance flags are what the three
ledgers and the statistics counted — but everything typed about the person is cleared: wishes,
training needs, notes, the employers and destinations of their periods, certificate numbers,
skill titles, the household link. An anonymised person is never matched to a job
(labour.selectors.matching.hard_q)."""

from typing import Any

from ..models import Assistance, Certificate, RegistryPerson, Skill, StatusPeriod


def registry_export(person: Any) -> dict[str, Any]:
    entry = RegistryPerson.objects.filter(person=person).select_related("org", "household").first()
    if entry is None:
        return {}
    return {
        "labour_registry": {
            "village": entry.org.name,
            "group": entry.group,
            "household": entry.household.number if entry.household else "",
            "address": entry.household.address if entry.household else "",
            "status": entry.status,
            "status_since": entry.status_since,
            "skill_level": entry.skill_level,
            "wanted_occupation": entry.wanted_occupation,
            "wanted_job": entry.wanted_job,
            "wanted_range": entry.wanted_range,
            "wanted_wage": entry.wanted_wage,
            "available_from": entry.available_from,
            "training_needs": entry.training_needs,
            "training_occupation": entry.training_occupation,
            "note": entry.note,
            "surveyed_on": entry.surveyed_on,
            "skills": list(entry.skills.values("occupation", "title", "level", "years")),
            "certificates": list(
                entry.certificates.values("name", "level", "number", "issued_on", "expires_on")
            ),
            "status_history": list(
                entry.periods.order_by("starts_on").values(
                    "status", "starts_on", "ends_on", "destination", "employer", "reason"
                )
            ),
            "assistance": list(
                entry.assistance.order_by("starts_on").values("kind", "starts_on", "ends_on", "note")
            ),
        }
    }


def registry_anonymise(person: Any) -> None:
    entry = RegistryPerson.objects.filter(person=person).first()
    if entry is None:
        return
    RegistryPerson.objects.filter(pk=entry.pk).update(
        household=None, sort_household=None, wanted_job="", training_needs="", note="", idempotency_key=""
    )
    StatusPeriod.objects.filter(entry=entry).update(destination="", employer="", reason="")
    Certificate.objects.filter(entry=entry).update(number="")
    Skill.objects.filter(entry=entry).update(title="")
    Assistance.objects.filter(entry=entry).update(note="")
