"""The demo of issue 15: 花都's congress counted and sent up, 河套's consultations."""

import pytest

from tests.conftest import DEMO_PASSWORD
from zhijia.demo.participation import seed_participation
from zhijia.elections.models import Election
from zhijia.elections.selectors import election_result
from zhijia.voice.models import Consultation, Opinion

pytestmark = pytest.mark.django_db


def test_demo_seeds_once_and_holds_the_rules(demo):
    assert seed_participation(DEMO_PASSWORD) == 3
    assert seed_participation(DEMO_PASSWORD) == 0
    committee = Election.objects.get(title="第十六届委员会委员选举")
    assert committee.status == "submitted"
    result = election_result(committee)
    assert (result["delegates"], result["present"], result["cast"], result["needed"]) == (15, 13, 13, 8)
    assert sum(r["elected"] for r in result["candidates"]) == 7
    assert Consultation.objects.filter(status="open").count() == 1
    assert Opinion.objects.filter(outcome="partly").count() == 1
