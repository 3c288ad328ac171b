"""The statutory rules on random ballots (hypothesis, derandomized: the assertions hold for
every example, none depends on what the randomness produced)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhijia.elections import rules
from zhijia.elections.services.congress import allot

settings.register_profile("elections", derandomize=True, max_examples=300, deadline=None)
PROFILE = settings.get_profile("elections")


@PROFILE
@given(present=st.integers(0, 2000), delegates=st.integers(0, 2000))
def test_quorum_is_more_than_two_thirds(present, delegates):
    present = min(present, delegates)
    assert rules.quorum_met(present=present, delegates=delegates) == (
        delegates > 0 and Decimal(present) > Decimal(2) * delegates / 3
    )


def test_quorum_edges():
    assert not rules.quorum_met(present=20, delegates=30)  # exactly two thirds is not enough
    assert rules.quorum_met(present=21, delegates=30)
    assert not rules.quorum_met(present=0, delegates=0)


@st.composite
def elections(draw):
    seats = draw(st.integers(1, 7))
    candidates = [f"c{i}" for i in range(draw(st.integers(seats + 1, seats + 5)))]
    delegates = draw(st.integers(1, 60))
    cast = draw(st.integers(0, delegates))
    ballot = st.lists(st.sampled_from([*candidates, "x"]), max_size=seats + 2)
    ballots = draw(st.lists(ballot, min_size=cast, max_size=cast))
    return seats, candidates, delegates, ballots


@PROFILE
@given(elections())
def test_count_holds_the_rules(case):
    seats, candidates, delegates, ballots = case
    out = rules.count(ballots, candidates=candidates, seats=seats, delegates=delegates)
    # every elected candidate has more than half of ALL delegates' votes (not of ballots cast)
    for c in out.elected:
        assert 2 * out.votes[c] > delegates
    # nobody below that line is elected or sent to a run-off
    for c in candidates:
        if 2 * out.votes[c] <= delegates:
            assert c not in out.elected and c not in out.runoff
    # never more elected than seats; elected, run-off and vacant seats add up
    assert len(out.elected) <= seats
    assert len(out.elected) + out.runoff_seats + out.vacant == seats
    # a run-off exists only for a real tie across the last seat
    if out.runoff:
        assert len({out.votes[c] for c in out.runoff}) == 1
        assert len(out.runoff) > out.runoff_seats
        assert all(out.votes[e] > out.votes[out.runoff[0]] for e in out.elected)
    # invalid ballots (too many names, repeats, names off the list) give nobody a vote
    valid = [b for b in ballots if rules.ballot_valid(b, seats=seats, candidates=candidates)]
    assert out.valid == len(valid) and out.cast == len(ballots)
    for c in candidates:
        assert out.votes[c] == sum(b.count(c) for b in valid)
    # the elected are the ones with the most votes
    losers = [c for c in candidates if c not in out.elected]
    for e in out.elected:
        assert all(out.votes[e] > out.votes[c] for c in losers if 2 * out.votes[c] > delegates)


@PROFILE
@given(
    seats=st.integers(1, 99),
    candidates=st.integers(0, 200),
    ratio=st.decimals(min_value=0, max_value=1, places=3),
)
def test_margin_ratio(seats, candidates, ratio):
    ok = rules.margin_ok(candidates=candidates, seats=seats, ratio=ratio)
    assert ok == (candidates > seats and (candidates - seats) >= (Decimal(seats) * ratio))


def test_margin_edges():
    # 差额率 5% of 9 seats: 0.45 rounds up to one extra candidate
    assert not rules.margin_ok(candidates=9, seats=9, ratio=Decimal("0.05"))
    assert rules.margin_ok(candidates=10, seats=9, ratio=Decimal("0.05"))
    # 20% of 9 seats = 1.8: two extra needed
    assert not rules.margin_ok(candidates=10, seats=9, ratio=Decimal("0.2"))
    assert rules.margin_ok(candidates=11, seats=9, ratio=Decimal("0.2"))


def test_tie_goes_to_a_runoff():
    ballots = [["a", "b"]] * 6 + [["a", "c"]] * 4 + [["b", "c"]] * 0
    out = rules.count(ballots, candidates=["a", "b", "c"], seats=2, delegates=10)
    # a 10, b 6, c 4: both a and b pass (> 5)
    assert out.elected == ["a", "b"]
    tie = [["a", "b"]] * 3 + [["a", "c"]] * 3 + [["a"]] * 1
    out = rules.count(tie, candidates=["a", "b", "c"], seats=2, delegates=10)
    assert out.elected == ["a"] and out.vacant == 1  # b and c have 3: below the line
    tie = [["b", "c"]] * 6 + [["a", "b"]] * 1 + [["a", "c"]] * 1
    out = rules.count(tie, candidates=["a", "b", "c"], seats=2, delegates=10)  # a 2, b 7, c 7
    assert sorted(out.elected) == ["b", "c"]
    tie = [["b"]] * 6 + [["c"]] * 6
    out = rules.count(tie, candidates=["a", "b", "c"], seats=1, delegates=12)  # b 6, c 6: not > 6
    assert out.elected == [] and out.vacant == 1
    tie = [["b"]] * 7 + [["c"]] * 7
    out = rules.count(tie, candidates=["a", "b", "c"], seats=1, delegates=13)  # b 7, c 7 > 6.5
    assert out.elected == [] and sorted(out.runoff) == ["b", "c"] and out.runoff_seats == 1


def test_more_than_half_of_all_delegates_not_of_votes_cast():
    # 30 delegates, 21 present and voting: 15 votes is more than half of those voting, not of all
    ballots = [["a"]] * 15 + [["b"]] * 6
    out = rules.count(ballots, candidates=["a", "b"], seats=1, delegates=30)
    assert out.needed == 16 and out.elected == [] and out.vacant == 1


@PROFILE
@given(sizes=st.lists(st.integers(0, 5000), min_size=1, max_size=30), seats=st.integers(1, 500))
def test_allotment_by_size(sizes, seats):
    got = allot(dict(enumerate(sizes)), seats)
    if not any(sizes):
        assert got == {}
        return
    assert sum(got.values()) == seats
    with_members = [k for k, n in enumerate(sizes) if n > 0]
    assert set(got) == set(with_members)
    if seats >= len(with_members):
        assert all(got[k] >= 1 for k in with_members)
