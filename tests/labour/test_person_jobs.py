"""Jobs for a person (issue 14, 4): the staff view (API and console) and the worker's phone
page; scored and explained exactly as the job's matches rank people."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.activities.support import worker_user
from tests.labour.support import login, register, units
from tests.labour.test_api import Api
from zhijia.labour.models import Job, RegistryPerson
from zhijia.labour.selectors.matching import job_matches, open_jobs, person_jobs
from zhijia.labour.services.registry import consent_set

pytestmark = pytest.mark.django_db
START = dt.date(2026, 12, 1)


def jobs(u, **extra):
    company = u["广佛乡建公司工会"]
    return [
        Job.objects.create(org=company, title="砌筑工", occupation="6-29", starts_on=START, **extra),
        Job.objects.create(org=company, title="保洁员", occupation="4-10", skills=["4-14"], starts_on=START),
        Job.objects.create(
            org=company, title="电工", occupation="6-24", certificate="电工证", starts_on=START
        ),
        Job.objects.create(org=company, title="已关闭", occupation="6-29", starts_on=START, status="closed"),
    ]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    skill=st.sampled_from(["6-29", "4-14", "6-24", ""]),
    status=st.sampled_from(["unemployed", "local", "incapable"]),
    max_age=st.sampled_from([None, 30, 60]),
)
def test_jobs_for_a_person_score_as_the_jobs_matches_do(demo, skill, status, max_age):
    u = units()
    viewer = login(u["平利县总"], role="viewer")
    listed = jobs(u, max_age=max_age)
    entry = register(
        u["塘坊村"],
        400,
        status=status,
        status_since="2025-01-01",
        skills=[{"occupation": skill}] if skill else [],
        job_matching_consent=True,
    )
    found = person_jobs(entry=entry, jobs=open_jobs(START), today=START)
    got = {m.job.pk: (m.score, m.reasons) for m in found}
    expected = {}
    for job in listed[:3]:
        for m in job_matches(actor=viewer, job=job, limit=200, today=START):
            if m.entry.pk == entry.pk:
                expected[job.pk] = (m.score, m.reasons)
    assert got == expected
    assert listed[3].pk not in got  # closed
    Job.objects.all().delete()
    for e in RegistryPerson.objects.all():
        e.skills.all().delete()
        e.periods.all().delete()
        e.person.consents.all().delete()
        e.delete()


def test_no_jobs_without_consent_and_best_first(demo):
    u = units()
    jobs(u)
    entry = register(u["塘坊村"], 401, skills=[{"occupation": "6-29"}], job_matching_consent=True)
    found = person_jobs(entry=entry, jobs=open_jobs(START), today=START)
    assert [m.job.title for m in found][:1] == ["砌筑工"]
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    consent_set(entry.person, False)
    assert person_jobs(entry=entry, jobs=open_jobs(START), today=START) == []


def test_api_person_jobs_scoped_and_fuzzed(demo, client):
    u = units()
    jobs(u)
    entry = register(u["塘坊村"], 402, skills=[{"occupation": "6-29"}], job_matching_consent=True)
    api = Api(client, login(u["平利县总"], role="viewer"))
    r = api.get(f"/api/v1/labour/people/{entry.pk}/jobs")
    assert r.status_code == 200 and r.json()[0]["title"] == "砌筑工" and r.json()[0]["reasons"]
    for bad in ("x", "-1", "0", "101", "9" * 40, "1.5"):
        r = api.get(f"/api/v1/labour/people/{entry.pk}/jobs", {"limit": bad})
        assert r.status_code in (400, 422) and "limit" in r.content.decode(), bad
    for wrong in ("nope", "00000000-0000-0000-0000-000000000000", "1" * 200, "%00"):
        assert api.get(f"/api/v1/labour/people/{wrong}/jobs").status_code == 404
    other = Api(client, login(u["三坪村"], role="viewer"))  # another village: 404, not 403
    assert other.get(f"/api/v1/labour/people/{entry.pk}/jobs").status_code == 404


def test_console_person_page_lists_jobs(demo, client):
    u = units()
    jobs(u)
    entry = register(u["塘坊村"], 403, skills=[{"occupation": "6-29"}], job_matching_consent=True)
    client.force_login(login(u["广佛镇"]))
    page = client.get(f"/console/labour/people/{entry.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="person-jobs"' in html and "砌筑工" in html and "已关闭" not in html


def test_worker_sees_jobs_for_their_own_record_only(demo, client):
    u = units()
    jobs(u)
    user = worker_user()
    client.force_login(user)
    page = client.get("/h5/labour/jobs/")
    assert page.status_code == 200 and 'data-testid="jobs-not-registered"' in page.content.decode()
    entry = register(u["塘坊村"], 404, skills=[{"occupation": "6-29"}])
    entry.person.user = user
    entry.person.save(update_fields=["user"])
    assert 'data-testid="jobs-no-consent"' in client.get("/h5/labour/jobs/").content.decode()
    consent_set(entry.person, True)
    register(u["塘坊村"], 405, skills=[{"occupation": "4-10"}], job_matching_consent=True)  # someone else
    html = client.get("/h5/labour/jobs/").content.decode()
    assert html.count('data-testid="my-job"') >= 1 and "砌筑工" in html
    assert "测试405" not in html and "测试404" not in html  # no names on the page
    client.logout()
    assert client.get("/h5/labour/jobs/").status_code == 302


def test_console_jobs_page_shows_the_units_funnel(demo, client):
    from zhijia.labour.services.jobs import referral_create

    u = units()
    job = jobs(u)[0]
    entry = register(u["塘坊村"], 406, skills=[{"occupation": "6-29"}], job_matching_consent=True)
    register(u["塘坊村"], 407)
    staff = login(u["广佛镇"])
    referral_create(actor=staff, job=job, entry=entry)
    client.force_login(staff)
    html = client.get("/console/labour/jobs/").content.decode()
    assert 'data-testid="unit-funnel"' in html
    for code, n in (("registered", 2), ("matchable", 1), ("referred", 1), ("hired", 0)):
        assert f'data-testid="unit-funnel-{code}">{n}<' in html, code
