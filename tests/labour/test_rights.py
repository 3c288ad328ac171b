"""The registry record is the person's data: it is in their own export, their anonymisation
clears what was typed about them (keeping the dated periods and flags the ledgers counted), and
an anonymised person is never matched to a job."""

import datetime as dt

import pytest

from tests.labour.support import login, register, units
from zhijia.labour.models import Job, RegistryPerson, StatusPeriod
from zhijia.labour.selectors.matching import job_matches
from zhijia.members.services.rights import person_anonymise, self_export

pytestmark = pytest.mark.django_db


def _entry(u, clerk):
    return register(
        u["塘坊村"],
        41,
        actor=clerk,
        group="三组",
        household_number="012",
        status="migrant",
        status_since="2026-03-01",
        destination="广东东莞",
        skills=[{"occupation": "6-29", "title": "砌筑工", "level": "level4"}],
        assistance=["poverty"],
        wanted_job="钢筋工，想回县城附近",
        training_needs="想学电焊",
        note="母亲卧病在床",
        job_matching_consent=True,
    )


def test_the_registry_record_is_in_the_persons_export(demo):
    u = units()
    entry = _entry(u, login(u["平利县总"]))
    data = self_export(actor=None, person=entry.person)["labour_registry"]
    assert (data["household"], data["wanted_job"], data["note"]) == (
        "012",
        "钢筋工，想回县城附近",
        "母亲卧病在床",
    )
    assert [s["title"] for s in data["skills"]] == ["砌筑工"]
    assert [(p["status"], p["destination"]) for p in data["status_history"]] == [("migrant", "广东东莞")]
    assert [a["kind"] for a in data["assistance"]] == ["poverty"]


def test_anonymisation_clears_what_was_typed_and_ends_matching(demo):
    u = units()
    clerk = login(u["平利县总"])
    entry = _entry(u, clerk)
    job = Job.objects.create(
        org=u["广佛乡建公司工会"], title="砌筑", occupation="6-29", starts_on=dt.date(2026, 12, 1)
    )
    assert [m.entry.pk for m in job_matches(actor=clerk, job=job, today=dt.date(2026, 12, 1))] == [entry.pk]
    person_anonymise(actor=clerk, person=entry.person)
    entry = RegistryPerson.objects.get(pk=entry.pk)
    assert (entry.household, entry.wanted_job, entry.training_needs, entry.note) == (None, "", "", "")
    assert entry.skills.get().title == "" and entry.skills.get().occupation == "6-29"
    period = StatusPeriod.objects.get(entry=entry)
    assert (period.status, period.destination) == ("migrant", "")  # the ledgers' history stays
    assert entry.assistance.get().kind == "poverty"
    assert job_matches(actor=clerk, job=job, today=dt.date(2026, 12, 1)) == []
