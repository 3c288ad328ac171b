"""The statutory rules of a union election, as pure functions (no database): 《工会基层组织选举
工作条例》 as the seeds cite it.

- The meeting is valid only when MORE than two thirds of all delegates are present.
- 差额选举: more candidates than seats, by at least the configured ratio of the seats (rounded up).
- A ballot may name at most as many candidates as there are seats, each once; any other ballot
  is invalid (counted as cast, giving nobody a vote).
- A candidate is elected only with MORE than half of the votes of ALL delegates (not of the
  ballots cast). If more candidates pass than there are seats, the most votes win; candidates
  tied across the last seat go to a run-off for the seats left. Seats nobody passed for stay
  vacant (a further round, 另行选举, may fill them).
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


def quorum_met(*, present: int, delegates: int) -> bool:
    """More than two thirds present (3p > 2d; exact in integers)."""
    return delegates > 0 and 3 * present > 2 * delegates


def votes_needed(delegates: int) -> int:
    """The fewest votes that are more than half of all delegates."""
    return delegates // 2 + 1


def min_candidates(*, seats: int, ratio: Decimal) -> int:
    """The fewest candidates a 差额 list may have: seats + ceil(seats × ratio), and at least one
    more than the seats."""
    extra = math.ceil(Decimal(seats) * Decimal(ratio))
    return seats + max(1, extra)


def margin_ok(*, candidates: int, seats: int, ratio: Decimal) -> bool:
    return seats >= 1 and candidates >= min_candidates(seats=seats, ratio=ratio)


def ballot_valid(choices: Sequence[str], *, seats: int, candidates: Iterable[str]) -> bool:
    allowed = set(candidates)
    return len(choices) <= seats and len(set(choices)) == len(choices) and all(c in allowed for c in choices)


@dataclass
class Outcome:
    votes: dict[str, int]
    cast: int
    valid: int
    needed: int
    elected: list[str] = field(default_factory=list)
    runoff: list[str] = field(default_factory=list)  # tied across the last seat(s)
    runoff_seats: int = 0
    vacant: int = 0  # seats nobody passed the majority for


def count(
    ballots: Iterable[Sequence[str]], *, candidates: Sequence[str], seats: int, delegates: int
) -> Outcome:
    """Count `ballots` (each a list of candidate keys). Invalid ballots are cast but count for
    nobody. The order of `candidates` never decides anything: ties go to a run-off."""
    votes: Counter[str] = Counter({c: 0 for c in candidates})
    cast = valid = 0
    for choices in ballots:
        cast += 1
        if ballot_valid(choices, seats=seats, candidates=candidates):
            valid += 1
            votes.update(choices)
    needed = votes_needed(delegates)
    passing = sorted((c for c in candidates if votes[c] >= needed), key=lambda c: -votes[c])
    outcome = Outcome(votes=dict(votes), cast=cast, valid=valid, needed=needed)
    if len(passing) <= seats:
        outcome.elected = passing
        outcome.vacant = seats - len(passing)
        return outcome
    boundary = votes[passing[seats - 1]]  # the votes of the last seat
    outcome.elected = [c for c in passing if votes[c] > boundary]
    tied = [c for c in passing if votes[c] == boundary]
    left = seats - len(outcome.elected)
    if len(tied) == left:  # no tie across the line after all
        outcome.elected += tied
    else:
        outcome.runoff, outcome.runoff_seats = tied, left
    return outcome
