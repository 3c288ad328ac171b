import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.labour.support import login, register, units
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.labour.models import Certificate, Job, RegistryPerson
from zhijia.labour.selectors.matching import LEVEL_RANK, job_matches
from zhijia.labour.services.jobs import job_create, referral_create
from zhijia.labour.services.registry import consent_set
from zhijia.labour.services.teams import assignment_create, attendance_record, team_create, team_members_add
from zhijia.members.enums import SkillLevel
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db
START = dt.date(2026, 3, 1)

PERSON = st.fixed_dictionaries(
    {
        "consent": st.sampled_from(["given", "withdrawn", "none"]),
        "born": st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2008, 12, 31)),
        "status": st.sampled_from(["local", "unemployed", "incapable", "migrant"]),
        "level": st.sampled_from(["", *SkillLevel.values]),
        "cert": st.sampled_from(["", "电工证", "叉车证"]),
        "cert_expires": st.one_of(
            st.none(), st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 1, 1))
        ),
    }
)
JOB = st.fixed_dictionaries(
    {
        "min_age": st.one_of(st.none(), st.integers(16, 40)),
        "max_age": st.one_of(st.none(), st.integers(40, 70)),
        "certificate": st.sampled_from(["", "电工证"]),
        "min_level": st.sampled_from(["", SkillLevel.LEVEL4, SkillLevel.LEVEL2]),
    }
)


def age_on(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def qualifies(p, job):
    if p["consent"] != "given" or p["status"] == "incapable":
        return False
    age = age_on(p["born"], START)
    if job["min_age"] is not None and age < job["min_age"]:
        return False
    if job["max_age"] is not None and age > job["max_age"]:
        return False
    if job["certificate"] and not (
        p["cert"] == job["certificate"] and (p["cert_expires"] is None or p["cert_expires"] >= START)
    ):
        return False
    return not (job["min_level"] and LEVEL_RANK.get(p["level"], 0) < LEVEL_RANK[job["min_level"]])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(PERSON, min_size=1, max_size=6), spec=JOB)
def test_matches_only_consenting_people_meeting_hard_requirements(demo, people, spec):
    u = units()
    viewer = login(u["平利县总"], role="viewer")
    job = Job.objects.create(
        org=u["广佛乡建公司工会"], title="岗位", occupation="6-29", starts_on=START, **spec
    )
    expected = set()
    for i, p in enumerate(people):
        entry = register(
            u["塘坊村"],
            200 + i,
            born=p["born"],
            status=p["status"],
            status_since="2025-01-01",
            skill_level=p["level"],
            job_matching_consent=p["consent"] != "none",
        )
        if p["consent"] == "withdrawn":
            consent_set(entry.person, False)
        if p["cert"]:
            Certificate.objects.create(entry=entry, name=p["cert"], expires_on=p["cert_expires"])
        if qualifies(p, spec):
            expected.add(entry.pk)
    got = {m.entry.pk for m in job_matches(actor=viewer, job=job, limit=200, today=START)}
    assert got == expected
    job.delete()
    for entry in RegistryPerson.objects.all():
        entry.certificates.all().delete()
        entry.periods.all().delete()
        entry.person.consents.all().delete()
        entry.delete()


def test_referral_refuses_an_ineligible_person(demo):
    u = units()
    job = job_create(
        actor=None,
        org=u["广佛乡建公司工会"],
        data={"title": "保洁", "occupation": "4-10", "starts_on": "2026-01-10"},
    )
    entry = register(u["塘坊村"], 301)
    with pytest.raises(Conflict) as exc:
        referral_create(actor=None, job=job, entry=entry)
    assert exc.value.code == "not_eligible"


def test_team_roster_assignment_and_work_days_are_ledger_rows(demo):
    u = units()
    clerk = login(u["广佛镇"])
    team = team_create(
        actor=clerk, org=u["广佛镇"], kind="domestic", name="广佛镇家政服务队", serves=u["广佛乡建公司工会"]
    )
    a = register(u["塘坊村"], 311, skills=[{"occupation": "4-10"}])
    b = register(u["三坪村"], 312, skills=[{"occupation": "4-10"}])
    outsider = register(u["三坪村"], 313)
    assert team_members_add(actor=clerk, team=team, entries=[a, b], on="2026-01-01") == 2
    assert team_members_add(actor=clerk, team=team, entries=[a], on="2026-01-01") == 0
    today = timezone.localdate()
    job = assignment_create(
        actor=clerk,
        team=team,
        title="敬老院保洁",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today,
        day_pay="150.00",
    )
    rows = attendance_record(actor=clerk, assignment=job, entries=[a, b], on=today - dt.timedelta(days=1))
    again = attendance_record(actor=clerk, assignment=job, entries=[a], on=today - dt.timedelta(days=1))
    assert len(rows) == 2 and again == []
    assert ServiceRecord.objects.filter(source="labour", org=u["广佛镇"]).count() == 2
    with pytest.raises(ValidationFailed):
        attendance_record(actor=clerk, assignment=job, entries=[outsider], on=today)
    with pytest.raises(ValidationFailed):
        attendance_record(actor=clerk, assignment=job, entries=[a], on=today + dt.timedelta(days=1))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(["6-29", "6-30", "4-10", ""]),
            st.sampled_from(["", "6-29"]),
            st.sampled_from(["unemployed", "local"]),
            st.sampled_from([None, "2026-12-20", "2027-06-01"]),
            st.booleans(),  # consented to job matching
        ),
        min_size=1,
        max_size=8,
    ),
    limit=st.integers(1, 5),
    first_round=st.sampled_from([1, 3]),
)
def test_skilled_first_ranking_equals_scoring_everyone(demo, monkeypatch, people, limit, first_round):
    """The shortcuts (score those with the job's skill first; check eligibility only for the
    best-scored few, in growing rounds) return what scoring every eligible person does."""
    from zhijia.labour.selectors import matching
    from zhijia.labour.selectors.matching import RANK, candidates

    monkeypatch.setattr(matching, "FIRST_ROUND", first_round)
    monkeypatch.setattr(matching, "ROUNDS", first_round)  # 1: straight to the checked query

    u = units()
    viewer = login(u["平利县总"], role="viewer")
    job = Job.objects.create(org=u["广佛乡建公司工会"], title="岗位", occupation="6-29", starts_on=START)
    for i, (skill, wish, status, available, consent) in enumerate(people):
        register(
            u["塘坊村" if i % 2 else "三坪村"],
            300 + i,
            status=status,
            status_since="2025-01-01",
            skills=[{"occupation": skill}] if skill else [],
            wanted_occupation=wish,
            available_from=available,
            job_matching_consent=consent,
        )
    every = list(
        candidates(actor=viewer, job=job, today=START).order_by(*RANK).values_list("pk", "score")[:limit]
    )
    got = [(m.entry.pk, m.score) for m in job_matches(actor=viewer, job=job, limit=limit, today=START)]
    assert got == every
    job.delete()
    for entry in RegistryPerson.objects.all():
        entry.skills.all().delete()
        entry.periods.all().delete()
        entry.person.consents.all().delete()
        entry.delete()
