"""The secret ballot: read every table that holds ballots and prove that no column links a
ballot to the delegate who cast it — no foreign key, no shared id, no time."""

import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from zhijia.core.models import AuditEntry
from zhijia.elections.models import Ballot, Candidate, Delegate, TellerEntry, VoteMark
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import election as esvc

from .support import congress_with, election_of

pytestmark = pytest.mark.django_db

# The tables that hold what somebody voted. A new model with a field named like a ballot's
# content must be added here (and so pass the checks below).
BALLOT_TABLES = {Ballot, TellerEntry}
ALLOWED_SHARED = {"election_id", "channel"}  # what a ballot may share with a voter's mark


def test_every_table_holding_ballots_is_checked():
    holding = {
        m
        for m in apps.get_app_config("elections").get_models()
        if any(f.name in {"choices", "ballots", "ballot"} for f in m._meta.get_fields())
    }
    assert holding == BALLOT_TABLES


def test_ballot_schema_has_no_link_to_a_voter():
    columns = {
        c.name: c
        for c in connection.introspection.get_table_description(connection.cursor(), "elections_ballot")
    }
    assert set(columns) == {"id", "election_id", "choices", "valid", "channel"}
    for field in Ballot._meta.get_fields():
        assert not isinstance(field, models.DateTimeField | models.DateField | models.TimeField)
        if field.is_relation:
            assert field.related_model._meta.label == "elections.Election", field.name
    assert Ballot._meta.pk.default is uuid.uuid4 and VoteMark._meta.pk.default is uuid.uuid4
    for field in VoteMark._meta.get_fields():
        assert not isinstance(field, models.DateTimeField | models.DateField | models.TimeField)


def _rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # fixed table names
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _flat(value) -> set[str]:
    """Every scalar inside a column value, as lower-case text (JSON lists included)."""
    if isinstance(value, list | tuple):
        return set().union(*(_flat(v) for v in value)) if value else set()
    if isinstance(value, str) and value.startswith("["):
        import json

        return _flat(json.loads(value))
    return {str(value).replace("-", "").lower()} if value is not None else set()


def test_no_column_links_a_ballot_to_its_voter(demo):
    congress, seated = congress_with(demo.org("河套科创工会"), delegates=6, present=6)
    election = election_of(congress, seats=2, candidates=3)
    keys = [str(c.pk) for c in Candidate.objects.filter(election=election)]
    election = esvc.election_open(actor=None, election=election)
    for i, d in enumerate(seated[:4]):
        bsvc.ballot_cast(
            actor=demo.user("enterprise_staff"),
            election=election,
            delegate=d,
            choices=keys[i % 3 : i % 3 + 1],
        )
    for d in seated[4:]:
        bsvc.paper_issue(actor=None, election=election, delegate=d)
    paper = [[keys[0], keys[1]], [keys[2]]]
    bsvc.teller_enter(actor=demo.user("enterprise_staff"), election=election, ballots=paper)
    bsvc.teller_enter(actor=demo.user("fubao_staff"), election=election, ballots=paper)
    esvc.election_close(actor=None, election=election)

    # everything that identifies a voter or their act of voting
    voter_values: set[str] = set()
    for mark in _rows("elections_votemark"):
        voter_values |= {
            str(mark["id"]).replace("-", "").lower(),
            str(mark["delegate_id"]).replace("-", "").lower(),
        }
    for d in Delegate.objects.filter(congress=congress).select_related("person"):
        voter_values |= {d.pk.hex, d.person_id.hex}
        if d.person.user_id:
            voter_values.add(str(d.person.user_id))
    assert voter_values

    ballot_rows = {Ballot: _rows("elections_ballot"), TellerEntry: _rows("elections_tellerentry")}
    assert len(ballot_rows[Ballot]) == 6
    for model, rows in ballot_rows.items():
        for row in rows:
            for column, value in row.items():
                if column in ALLOWED_SHARED:
                    continue
                assert not (_flat(value) & voter_values), (model.__name__, column)
    # The audit trail says who voted, never what or which ballot.
    ballot_ids = {str(r["id"]).replace("-", "").lower() for r in ballot_rows[Ballot]}
    for entry in AuditEntry.objects.filter(action="elections.ballot_cast"):
        text = f"{entry.object_id} {entry.data}".replace("-", "").lower()
        assert not any(b in text for b in ballot_ids)
        assert not any(k.replace("-", "") in text for k in keys)
