"""Congress and election services: allotment, 差额 lists, phone and paper ballots, the count,
quorum, 报批 and run-offs."""

import pytest

from zhijia.core.errors import ApplicationError
from zhijia.elections.models import Ballot, Candidate, CommitteeMember, TellerEntry, VoteMark
from zhijia.elections.selectors import election_result
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import election as esvc

from .support import congress_with, election_of, members

pytestmark = pytest.mark.django_db


def _code(fn, **kw):
    with pytest.raises(ApplicationError) as err:
        fn(**kw)
    return err.value.code


def _keys(election):
    return [str(c.pk) for c in Candidate.objects.filter(election=election).order_by("order")]


def test_a_list_without_enough_margin_is_refused(demo):
    congress, _ = congress_with(demo.org("河套科创工会"), delegates=3, present=3)
    people = members(congress.org, 5)
    code = _code(
        esvc.election_create,
        actor=None,
        congress=congress,
        kind="committee",
        title="x",
        seats=5,
        people=people,
    )
    assert code == "margin_too_small"
    code = _code(
        esvc.election_create,
        actor=None,
        congress=congress,
        kind="committee",
        title="x",
        seats=4,
        people=people,
        margin="0.3",  # 4 × 0.3 = 1.2: two extra needed
    )
    assert code == "margin_too_small"
    assert esvc.election_create(
        actor=None, congress=congress, kind="committee", title="x", seats=4, people=people, margin="0.25"
    )


def test_phone_and_paper_ballots_count_and_the_result_goes_up(demo):
    congress, seated = congress_with(demo.org("河套科创工会"), delegates=10, present=8)
    election = election_of(congress, seats=2, candidates=3)
    a, b, c = _keys(election)
    election = esvc.election_open(actor=None, election=election)
    for d in seated[:5]:
        bsvc.ballot_cast(actor=None, election=election, delegate=d, choices=[a, b])
    assert (
        _code(bsvc.ballot_cast, actor=None, election=election, delegate=seated[0], choices=[a])
        == "already_voted"
    )
    assert (
        _code(bsvc.ballot_cast, actor=None, election=election, delegate=seated[9], choices=[a])
        == "not_present"
    )
    assert (
        _code(bsvc.ballot_cast, actor=None, election=election, delegate=seated[5], choices=[a, b, c])
        == "invalid_ballot"
    )
    for d in seated[5:8]:
        bsvc.paper_issue(actor=None, election=election, delegate=d)
    assert (
        _code(bsvc.ballot_cast, actor=None, election=election, delegate=seated[5], choices=[a])
        == "already_voted"
    )
    t1, t2 = demo.user("enterprise_staff"), demo.user("fubao_staff")
    paper = [[a, c], [a], [a, b, c]]  # the last is spoilt (three names for two seats)
    assert bsvc.teller_enter(actor=t1, election=election, ballots=paper)["status"] == "waiting"
    assert _code(bsvc.teller_enter, actor=t2, election=election, ballots=[[a], [a], [c]]) == "teller_mismatch"
    assert (
        bsvc.teller_enter(actor=t2, election=election, ballots=list(reversed(paper)))["status"] == "accepted"
    )
    election = esvc.election_close(actor=None, election=election)
    result = election_result(election)
    assert (result["delegates"], result["present"], result["cast"], result["valid"]) == (10, 8, 8, 7)
    assert result["needed"] == 6
    votes = {r["candidate_id"].hex: r for r in result["candidates"]}
    from uuid import UUID

    assert votes[UUID(a).hex]["votes"] == 7 and votes[UUID(a).hex]["elected"]
    assert votes[UUID(b).hex]["votes"] == 5 and not votes[UUID(b).hex]["elected"]  # 5 is not > 10/2
    assert result["vacant"] == 1
    election = esvc.election_submit(actor=demo.user("enterprise_staff"), election=election)
    with pytest.raises(ApplicationError) as err:  # the unit itself may not approve upward
        esvc.election_decide(actor=demo.user("enterprise_staff"), election=election, approve=True)
    assert err.value.status in (403, 404)
    election = esvc.election_decide(actor=demo.user("fubao_staff"), election=election, approve=True)
    election.refresh_from_db()
    assert election.status == "approved"
    assert CommitteeMember.objects.filter(committee=election.committee).count() == 1
    runoff = esvc.runoff_create(actor=None, election=election)
    assert runoff.seats == 1 and Candidate.objects.filter(election=runoff).count() == 2


def test_result_below_two_thirds_is_quorum_not_met(demo):
    congress, seated = congress_with(demo.org("河套科创工会"), delegates=9, present=6)  # 6 of 9: not more
    election = election_of(congress, seats=1, candidates=2)
    election = esvc.election_open(actor=None, election=election)
    for d in seated[:6]:
        bsvc.ballot_cast(actor=None, election=election, delegate=d, choices=[_keys(election)[0]])
    election = esvc.election_close(actor=None, election=election)
    assert _code(election_result, election=election) == "quorum_not_met"
    assert _code(esvc.election_submit, actor=None, election=election) == "quorum_not_met"


def test_paper_ballots_beyond_those_handed_out_are_refused(demo):
    congress, seated = congress_with(demo.org("河套科创工会"), delegates=3, present=3)
    election = election_of(congress, seats=1, candidates=2)
    election = esvc.election_open(actor=None, election=election)
    bsvc.paper_issue(actor=None, election=election, delegate=seated[0])
    a = _keys(election)[0]
    assert _code(bsvc.teller_enter, actor=None, election=election, ballots=[[a], [a]]) == "too_many_ballots"
    assert not TellerEntry.objects.exists() and not Ballot.objects.exists()
    assert VoteMark.objects.count() == 1
