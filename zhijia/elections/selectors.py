"""Reads of congresses and elections, limited to the actor's scope."""

from typing import Any

from django.db.models import QuerySet

from zhijia.core.masking import mask_name
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from .enums import ElectionStatus
from .models import Allotment, Candidate, Committee, Congress, Delegate, Election, VoteMark
from .services.election import require_quorum


def committee_list(*, actor: Any) -> QuerySet[Committee]:
    return Committee.objects.select_related("org").filter(scope_for(actor, Cap.ELECTIONS_MANAGE).q("org"))


def congress_list(*, actor: Any) -> QuerySet[Congress]:
    return Congress.objects.select_related("org").filter(scope_for(actor, Cap.ELECTIONS_MANAGE).q("org"))


def congress_allotments(congress: Congress) -> list[Allotment]:
    return list(Allotment.objects.filter(congress=congress).select_related("unit"))


def congress_delegates(congress: Congress) -> list[Delegate]:
    return list(Delegate.objects.filter(congress=congress).select_related("person", "unit"))


def congress_elections(congress: Congress) -> list[Election]:
    return list(Election.objects.filter(congress=congress).order_by("created_at"))


def election_candidates(election: Election) -> list[Candidate]:
    return list(Candidate.objects.filter(election=election).select_related("person"))


def approvals_pending(*, actor: Any) -> QuerySet[Election]:
    """Results sent up to a union where the actor holds elections.approve."""
    return Election.objects.select_related("congress__org").filter(
        scope_for(actor, Cap.ELECTIONS_APPROVE).q("congress__org__parent"),
        status=ElectionStatus.SUBMITTED,
    )


def voted_count(election: Election) -> int:
    return VoteMark.objects.filter(election=election).count()


def has_voted(election: Election, delegate: Delegate) -> bool:
    return VoteMark.objects.filter(election=election, delegate=delegate).exists()


def open_elections_for(*, user: Any) -> list[tuple[Election, Delegate]]:
    """The open votes where `user` holds a delegate seat (the phone ballot page)."""
    if not getattr(user, "is_authenticated", False):
        return []
    seats = {d.congress_id: d for d in Delegate.objects.filter(person__user=user).select_related("congress")}
    elections = Election.objects.filter(congress_id__in=seats, status=ElectionStatus.OPEN).select_related(
        "congress"
    )
    return [(e, seats[e.congress_id]) for e in elections]


def election_result(election: Election) -> dict[str, Any]:
    """The counted result (409 invalid_transition before the count, 409 quorum_not_met when
    not more than two thirds were present). Names are masked."""
    from zhijia.core.errors import Conflict

    if election.status in (ElectionStatus.DRAFT, ElectionStatus.OPEN):
        raise Conflict(code="invalid_transition", message=None)
    require_quorum(election)
    result = election.result
    rows = []
    for c in election_candidates(election):
        key = str(c.pk)
        rows.append(
            {
                "candidate_id": c.pk,
                "name": mask_name(c.person.name),
                "votes": result["votes"].get(key, 0),
                "elected": key in result["elected"],
                "runoff": key in result["runoff"],
            }
        )
    rows.sort(key=lambda r: (-r["votes"], not r["elected"]))
    return {
        "election_id": election.pk,
        "title": election.title,
        "status": election.status,
        "seats": election.seats,
        "delegates": election.delegates,
        "present": election.present,
        "cast": result["cast"],
        "valid": result["valid"],
        "needed": result["needed"],
        "vacant": result["vacant"],
        "runoff_seats": result["runoff_seats"],
        "candidates": rows,
    }


def people_within(org: Any, ids: list[Any]) -> list[Any]:
    """The members (Person) among `ids` with an active membership in `org`'s subtree, in the
    order given; anything else is left out (the caller compares the counts)."""
    from zhijia.members.enums import ACTIVE_STATUSES
    from zhijia.members.models import Person
    from zhijia.orgs.tree import subtree_q

    found = {
        p.pk: p
        for p in Person.objects.filter(
            subtree_q(org.path, "memberships__org__path"), memberships__status__in=ACTIVE_STATUSES, pk__in=ids
        ).distinct()
    }
    return [found[i] for i in ids if i in found]


def members_for(org: Any, limit: int = 300) -> list[Any]:
    """Active members of `org`'s subtree (people to seat as delegates or list as candidates)."""
    from zhijia.members.enums import ACTIVE_STATUSES
    from zhijia.members.models import Person
    from zhijia.orgs.tree import subtree_q

    return list(
        Person.objects.filter(
            subtree_q(org.path, "memberships__org__path"), memberships__status__in=ACTIVE_STATUSES
        )
        .distinct()
        .order_by("name_initials", "pk")[:limit]
    )
