"""Helpers for election tests: a union with members, a congress in session with delegates."""

from datetime import date

from tests.matrix.world import member_of
from zhijia.elections.services import congress as csvc
from zhijia.elections.services import election as esvc
from zhijia.orgs.models import Org

_n = [1000]


def members(org: Org, count: int, prefix: str = "成员") -> list:
    out = []
    for _ in range(count):
        _n[0] += 1
        out.append(member_of(org, _n[0], f"{prefix}{_n[0]}").person)
    return out


def congress_with(org: Org, *, delegates: int, present: int, title: str = "第一届会员代表大会"):
    """A congress of `org` in session with `delegates` delegates (members of `org`), the first
    `present` of them signed in."""
    people = members(org, delegates, "代表")
    congress = csvc.congress_create(
        actor=None, org=org, title=title, held_on=date(2026, 12, 1), seats=max(3, delegates)
    )
    csvc.congress_allot(actor=None, congress=congress)
    seated = [csvc.delegate_add(actor=None, congress=congress, unit=org, person=p) for p in people]
    for d in seated[:present]:
        csvc.delegate_presence(actor=None, delegate=d, present=True)
    csvc.congress_advance(actor=None, congress=congress, to="in_session")
    return congress, seated


def election_of(congress, *, seats: int, candidates: int, margin: str = "0.05"):
    people = members(congress.org, candidates, "候选")
    return esvc.election_create(
        actor=None,
        congress=congress,
        kind="committee",
        title="委员会委员选举",
        seats=seats,
        people=people,
        margin=margin,
    )
