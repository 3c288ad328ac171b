"""A person's cases are their data: the ones they opened and the hardship file staff opened under
their ID number are in their own export, and their anonymisation clears what identifies them or
tells their story while the cases keep their kind, status, dates, sessions and help given."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tests.matrix.world import cn_id, person
from zhijia.casework.models import Case, CaseNote, HelpRecord, Screening
from zhijia.casework.services.cases import note_add
from zhijia.members.services.rights import person_anonymise, self_export

from .support import counselling, hardship, legal, staff, step, worker

pytestmark = pytest.mark.django_db


def _world(demo):
    org = demo.org("福保街道")
    me = person(7301, "李困难", user=worker())
    filed = hardship(
        org,
        n=7301,
        address="福保街道某村12号",
        members=[
            {
                "name": "李小困",
                "relation": "child",
                "id_number": cn_id(7302),
                "school_or_employer": "福保小学",
            }
        ],
    )
    step(filed, "screen", None)
    step(filed, "visit", None, visit_record="入户核查：母亲卧病在床", income_check_signed=True)
    HelpRecord.objects.create(
        case=filed, kind="warmth", amount=Decimal("500"), given_on=dt.date(2026, 1, 20), note="送米面油"
    )
    claim = legal(org, actor=me.user, summary="拖欠三个月工资", court_case_no="（2026）粤0304民初1号")
    note_add(actor=staff(org), case=claim, text="雇主称其旷工，待核实")
    talk = counselling(
        org, actor=me.user, summary="失眠", screening={"consent": True, "gad7": [1, 1, 0, 0, 1, 0, 0]}
    )
    other = hardship(org, n=7303, name="王邻居")
    return me, filed, claim, talk, other


def test_the_persons_cases_are_in_their_export(demo):
    me, filed, claim, talk, _other = _world(demo)
    exported = self_export(actor=None, person=me)["cases"]
    assert "李小困" in json.dumps(exported, cls=DjangoJSONEncoder, ensure_ascii=False)  # as the download does
    cases = {c["number"]: c for c in exported}
    assert set(cases) == {filed.number, claim.number, talk.number}  # not the neighbour's file
    file = cases[filed.number]["hardship"]
    assert (file["address"], file["visit_record"]) == ("福保街道某村12号", "入户核查：母亲卧病在床")
    assert [(m["name"], m["school_or_employer"]) for m in file["members"]] == [("李小困", "福保小学")]
    assert [(h["amount"], h["note"]) for h in file["help"]] == [(Decimal("500.00"), "送米面油")]
    assert cases[claim.number]["summary"] == "拖欠三个月工资"
    assert cases[claim.number]["legal"]["court_case_no"] == "（2026）粤0304民初1号"
    assert [set(n) for n in cases[claim.number]["notes"]] == [{"at", "level"}]  # the text stays back
    assert cases[talk.number]["screenings"][0]["answers"] == [1, 1, 0, 0, 1, 0, 0]


def test_anonymisation_clears_the_story_and_keeps_the_counted_facts(demo):
    me, filed, claim, talk, other = _world(demo)
    person_anonymise(actor=staff(demo.org("福保街道")), person=me)
    before = (claim.status, claim.kind, claim.opened_on)
    claim, filed = Case.objects.get(pk=claim.pk), Case.objects.get(pk=filed.pk)
    assert (claim.subject_name, claim.subject_phone, claim.summary) == ("已注销", "", "")
    assert (claim.status, claim.kind, claim.opened_on) == before
    assert (claim.legal.court_case_no, claim.legal.employer, claim.legal.wage_arrears) == ("", "", True)
    assert CaseNote.objects.get(case=claim).text == ""
    file = filed.hardship
    assert (file.id_number, file.address, file.visit_record) == ("", "", "")
    assert file.household_index == f"anonymised:{file.pk}" and file.household_size == 3
    assert [(m.name, m.id_number, m.relation) for m in file.members.all()] == [("已注销", "", "child")]
    help_given = HelpRecord.objects.get(case=filed)
    assert (help_given.amount, help_given.given_on, help_given.note) == (
        Decimal("500"),
        dt.date(2026, 1, 20),
        "",
    )
    screening = Screening.objects.get(case=talk)
    assert (screening.answers, screening.score) == ("[]", 3)
    other = Case.objects.get(pk=other.pk)
    assert (other.subject_name, other.hardship.id_number) == ("王邻居", cn_id(7303))
