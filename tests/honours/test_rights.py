"""A person's nominations and honours are in their own export; their anonymisation clears what
was typed about them (post, deeds, review notes, objections, materials) while the nominations'
statuses and the honours register stay."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.casework.support import staff, worker
from tests.honours.support import campaign, nominate
from zhijia.honours.models import Award, Material, Nomination, Objection, Review
from zhijia.members.services.rights import person_anonymise, self_export

pytestmark = pytest.mark.django_db


def _world(demo):
    c = campaign(demo)
    nomination = nominate(demo, c)
    futian, hetao = demo.org("福田区总"), demo.org("河套科创工会")
    Review.objects.create(
        nomination=nomination, org=futian, decision="approve", note="事迹突出", at=timezone.now()
    )
    Objection.objects.create(nomination=nomination, author=worker(), text="该同志去年有违纪记录")
    Material.objects.create(
        nomination=nomination,
        kind="deeds",
        caption="张三事迹",
        extension="pdf",
        size=3,
        content=b"pdf",
        at=timezone.now(),
    )
    Award.objects.create(
        nomination=nomination,
        person=nomination.person,
        org=hetao,
        kind="model_worker",
        title="2026年福田区劳动模范",
        year=2026,
        awarded_on=dt.date(2026, 5, 1),
        awarded_by=futian,
    )
    return nomination


def test_nominations_and_honours_are_in_the_export(demo):
    nomination = _world(demo)
    data = self_export(actor=None, person=nomination.person)["honours"]
    [mine] = data["nominations"]
    assert (mine["job_title"], mine["deeds"]) == ("电工班长", "十年扎根一线，完成技术革新12项。")
    assert [r["note"] for r in mine["reviews"]] == ["事迹突出"]
    assert [set(o) for o in mine["objections"]] == [{"status", "created_at", "decided_at"}]  # not the text
    assert [m["caption"] for m in mine["materials"]] == ["张三事迹"]
    assert [(a["title"], a["awarded_on"]) for a in data["awards"]] == [
        ("2026年福田区劳动模范", dt.date(2026, 5, 1))
    ]


def test_anonymisation_clears_what_was_typed_and_keeps_the_register(demo):
    nomination = _world(demo)
    person_anonymise(actor=staff(demo.org("河套科创工会")), person=nomination.person)
    after = Nomination.objects.get(pk=nomination.pk)
    assert (after.job_title, after.deeds, after.status, after.category) == (
        "",
        "",
        nomination.status,
        "frontline",
    )
    assert Review.objects.get(nomination=after).note == ""
    objection = Objection.objects.get(nomination=after)
    assert (objection.text, objection.resolution, objection.status) == ("", "", "open")
    material = Material.objects.get(nomination=after)
    assert (bytes(material.content), material.caption, material.kind) == (b"", "", "deeds")
    award = Award.objects.get(nomination=after)
    assert (award.person.name, award.title, award.awarded_on) == (
        "已注销",
        "2026年福田区劳动模范",
        dt.date(2026, 5, 1),
    )
