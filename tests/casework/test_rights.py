"""A person's cases are their data: the ones they opened and the hardship file staff opened under
their ID number are in their own export, and their anonymisation clears what identifies them or
tells their story while the cases keep their kind, status, dates, sessions and help given."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tests.matrix.world import cn_id, person
from zhijia.accounts import sms
from zhijia.casework.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    CaseNote,
    HardshipFile,
    HelpRecord,
    Screening,
)
from zhijia.casework.services.cases import ENDED, note_add
from zhijia.casework.services.tick import cases_tick
from zhijia.core.models import AuditEntry
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
    before = (claim.kind, claim.opened_on)
    claim, filed = Case.objects.get(pk=claim.pk), Case.objects.get(pk=filed.pk)
    assert (claim.subject_name, claim.subject_phone, claim.summary) == ("已注销", "", "")
    assert (claim.kind, claim.opened_on) == before
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


def test_anonymisation_ends_the_persons_open_cases_and_their_clocks(demo, django_capture_on_commit_callbacks):
    """Nobody can be reached or helped under a cleared name: each open case takes its kind's
    ending step with fixed wording (audited, why: anonymised), no SMS goes out, and its clocks
    stop reminding. A filed household leaves the files; the neighbour's case is untouched."""
    me, filed, claim, talk, other = _world(demo)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(actor=staff(demo.org("福保街道")), person=me)
    ended = {c.pk: c for c in Case.objects.filter(pk__in=[filed.pk, claim.pk, talk.pk, other.pk])}
    statuses = [ended[c.pk].status for c in (filed, claim, talk, other)]
    assert statuses == ["rejected", "closed", "cancelled", "applied"]
    for case in (filed, claim, talk):
        event = CaseEvent.objects.filter(case=case).latest("at")
        assert (event.step, event.label, event.actor) == (
            {"rejected": "reject", "closed": "close", "cancelled": "cancel"}[ended[case.pk].status],
            ENDED,
            None,
        )
        assert ended[case.pk].closed_at is not None and ended[case.pk].outcome == ENDED
        audit = AuditEntry.objects.filter(object_id=str(case.pk), action=f"case.{event.step}").get()
        assert audit.data["why"] == "anonymised"
    assert not HardshipFile.objects.get(case=filed).is_open
    assert sms.outbox == []
    due = max(CaseDeadline.objects.values_list("due_on", flat=True))  # every clock falls due
    assert cases_tick(today=due) == {"reminded": 1}  # the neighbour's screening clock only
    assert CaseDeadline.objects.filter(reminded_at__isnull=False).get().case_id == other.pk


def test_a_filed_household_leaves_the_files_when_the_applicant_is_deleted(demo):
    me = person(7311, "陈建档", user=worker())
    filed = hardship(demo.org("福保街道"), n=7311)
    step(filed, "screen", None)
    step(filed, "visit", None, visit_record="x", income_check_signed=True)
    step(filed, "publicise", None)
    HardshipFile.objects.filter(case=filed).update(publicity_until=dt.date.today() - dt.timedelta(days=1))
    step(filed, "approve", None)
    person_anonymise(actor=staff(demo.org("福保街道")), person=me)
    filed = Case.objects.get(pk=filed.pk)
    assert (filed.status, filed.hardship.exit_reason, filed.hardship.is_open) == ("exited", "other", False)
    assert CaseDeadline.objects.get(case=filed, code="review_by").met_at is None  # kept, but closed
    assert cases_tick(today=dt.date.today() + dt.timedelta(days=400)) == {"reminded": 0}
