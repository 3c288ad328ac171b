"""A person's seats, candidacies and the elections they voted in are in their own export (never
what they voted); their anonymisation keeps every seat and candidacy the counts rely on."""

import datetime as dt

import pytest

from tests.casework.support import staff
from zhijia.elections.models import Candidate, Committee, CommitteeMember, Delegate, VoteMark
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import election as esvc
from zhijia.members.services.rights import person_anonymise, self_export

from .support import congress_with, members

pytestmark = pytest.mark.django_db


def _world(demo):
    org = demo.org("河套科创工会")
    congress, seated = congress_with(org, delegates=3, present=3)
    me = seated[0].person
    election = esvc.election_create(
        actor=None,
        congress=congress,
        kind="committee",
        title="委员会委员选举",
        seats=2,
        people=[me, *members(org, 2)],
    )
    election = esvc.election_open(actor=None, election=election)
    mine = str(Candidate.objects.get(election=election, person=me).pk)
    for delegate in seated:
        bsvc.ballot_cast(actor=None, election=election, delegate=delegate, choices=[mine])
    esvc.election_close(actor=None, election=election)
    committee = Committee.objects.create(
        org=org,
        kind="committee",
        title="第一届工会委员会",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2031, 11, 30),
    )
    CommitteeMember.objects.create(committee=committee, person=me)
    return me


def test_seats_candidacies_and_votes_cast_are_in_the_export(demo):
    me = _world(demo)
    data = self_export(actor=None, person=me)["elections"]
    assert [s["committee"] for s in data["committee_seats"]] == ["第一届工会委员会"]
    assert [(d["congress"], d["present"]) for d in data["delegate_seats"]] == [("第一届会员代表大会", True)]
    assert [(c["election"], c["votes"], c["elected"]) for c in data["candidacies"]] == [
        ("委员会委员选举", 3, True)
    ]
    assert data["voted_in"] == [{"election": "委员会委员选举", "channel": "phone"}]


def test_anonymisation_keeps_the_seats_the_counts_rely_on(demo):
    me = _world(demo)
    person_anonymise(actor=staff(demo.org("河套科创工会")), person=me)
    assert Delegate.objects.get(person=me).present is True
    assert Candidate.objects.get(person=me).person.name == "已注销"
    assert CommitteeMember.objects.filter(person=me).count() == 1
    assert VoteMark.objects.filter(delegate__person=me).count() == 1
