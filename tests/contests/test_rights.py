"""A person's competition entries are in their own export (not their teammates); their
anonymisation keeps the entries, ranks and prizes, with the name shown as 已注销."""

import pytest

from tests.casework.support import staff
from tests.elections.support import members
from zhijia.contests import services as svc
from zhijia.contests.models import Entry
from zhijia.members.services.rights import person_anonymise, self_export

pytestmark = pytest.mark.django_db


def _entry(demo):
    futian, hetao = demo.org("福田区总"), demo.org("河套科创工会")
    contest = svc.contest_create(actor=None, org=futian, title="福田区职工技能竞赛", year=2026)
    event = svc.event_create(
        actor=None,
        contest=contest,
        title="电工",
        aspects=[("measurement", "接线正确", "60")],
        prizes=(1, 1, 0),
        team_size=2,
    )
    me, mate = members(hetao, 2, "选手")
    entry = svc.entry_register(actor=None, event=event, unit=hetao, people=[me, mate])
    entry = svc.entry_confirm(actor=None, entry=entry)
    Entry.objects.filter(pk=entry.pk).update(rank=1, award="first")
    return me, mate, entry


def test_entries_are_in_the_export(demo):
    me, mate, _ = _entry(demo)
    [row] = self_export(actor=None, person=me)["contests"]["entries"]
    assert (row["contest"], row["event"], row["unit"], row["rank"], row["award"]) == (
        "福田区职工技能竞赛",
        "电工",
        demo.org("河套科创工会").name,
        1,
        "first",
    )
    assert mate.name not in str(row)


def test_anonymisation_keeps_the_entry_and_its_prize(demo):
    me, mate, entry = _entry(demo)
    person_anonymise(actor=staff(demo.org("河套科创工会")), person=me)
    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.rank, entry.award) == (1, "first")
    assert sorted(p.name for p in entry.people.all()) == sorted(["已注销", mate.name])
