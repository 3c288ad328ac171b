"""A person's seats and candidacies in their own export (members.services.rights
register_person_data, called by ElectionsConfig.ready: members may not import elections).

Exported: the committee seats they hold or held, their delegate seats (and whether they signed
in), their candidacies with the votes they got and whether they were elected (once counted),
and the elections they voted in with the channel — never what they voted: nothing links a
ballot to a voter (see elections.models).

Anonymisation has nothing of its own to clear: elections keep no free text or contact detail
about a person, only the links to their Person (whose name becomes 已注销 in members). Those
rows stay, as they are: the seats, allotments, quorums and counts rely on them."""

from typing import Any

from ..models import Candidate, CommitteeMember, Delegate, VoteMark


def _candidacy(c: Candidate) -> dict[str, Any]:
    result, key = c.election.result or {}, str(c.pk)
    return {
        "congress": c.election.congress.title,
        "election": c.election.title,
        "kind": c.election.kind,
        "status": c.election.status,
        "votes": result.get("votes", {}).get(key) if result else None,
        "elected": key in result.get("elected", []) if result else None,
    }


def elections_export(person: Any) -> dict[str, Any]:
    seats = CommitteeMember.objects.filter(person=person).select_related("committee__org")
    delegates = Delegate.objects.filter(person=person).select_related("congress__org", "unit")
    candidacies = Candidate.objects.filter(person=person).select_related("election__congress")
    marks = VoteMark.objects.filter(delegate__person=person).select_related("election")
    return {
        "elections": {
            "committee_seats": [
                {
                    "union": s.committee.org.name,
                    "committee": s.committee.title,
                    "kind": s.committee.kind,
                    "starts_on": s.committee.starts_on,
                    "ends_on": s.committee.ends_on,
                }
                for s in seats.order_by("committee__starts_on")
            ],
            "delegate_seats": [
                {
                    "union": d.congress.org.name,
                    "congress": d.congress.title,
                    "held_on": d.congress.held_on,
                    "unit": d.unit.name,
                    "present": d.present,
                }
                for d in delegates.order_by("congress__held_on")
            ],
            "candidacies": [_candidacy(c) for c in candidacies.order_by("created_at")],
            "voted_in": [{"election": m.election.title, "channel": m.channel} for m in marks],
        }
    }


def elections_anonymise(person: Any) -> None:
    """Nothing to clear (see the module's docstring): registered so that the part is explicit."""
