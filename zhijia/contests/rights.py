"""A person's competition entries in their own export (members.services.rights
register_person_data, called by ContestsConfig.ready: members may not import contests).

Exported: each entry the person is in (contest, event, the unit that registered it, status,
total, rank, prize) — not their teammates, who are other people — and the events their account
judged. Anonymisation has nothing of its own to clear: an entry holds no text about its people,
only the links to their Person (whose name becomes 已注销 in members, and so on any certificate
printed later). The entries stay, as they are: ranks, prizes and the ledger rows rely on them."""

from typing import Any

from .models import Entry, Judge


def contests_export(person: Any) -> dict[str, Any]:
    entries = Entry.objects.filter(people=person).select_related("event__contest__org", "unit")
    judged = (
        Judge.objects.filter(user_id=person.user_id).select_related("event__contest", "unit")
        if person.user_id
        else Judge.objects.none()
    )
    return {
        "contests": {
            "entries": [
                {
                    "contest": e.event.contest.title,
                    "year": e.event.contest.year,
                    "organiser": e.event.contest.org.name,
                    "event": e.event.title,
                    "unit": e.unit.name,
                    "status": e.status,
                    "total": e.total,
                    "rank": e.rank,
                    "award": e.award,
                }
                for e in entries.order_by("created_at")
            ],
            "judged": [
                {
                    "contest": j.event.contest.title,
                    "event": j.event.title,
                    "unit": j.unit.name,
                    "chief": j.chief,
                }
                for j in judged.order_by("created_at")
            ],
        }
    }


def contests_anonymise(person: Any) -> None:
    """Nothing to clear (see the module's docstring): registered so that the part is explicit."""
