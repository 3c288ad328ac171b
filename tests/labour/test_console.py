import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD
from zhijia.accounts.models import User
from zhijia.demo.labour import seed_labour
from zhijia.labour.models import Job, Referral, RegistryPerson, StatusPeriod, Team
from zhijia.labour.selectors.ledgers import brute_force_ledger, ledger_on
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo):
    assert seed_labour(DEMO_PASSWORD, people=90) > 90
    return demo


def login(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_demo_is_idempotent_and_consistent(seeded):
    assert RegistryPerson.objects.count() == 90
    assert seed_labour(DEMO_PASSWORD, people=90) == 0
    assert Team.objects.count() == 4 and Job.objects.count() == 3
    assert Referral.objects.filter(hired_on__isnull=False).exists()
    assert ServiceRecord.objects.filter(source="labour").count() >= 4
    for entry in RegistryPerson.objects.all()[:30]:  # the generated histories tile time
        periods = list(StatusPeriod.objects.filter(entry=entry).order_by("starts_on"))
        assert all(a.ends_on == b.starts_on for a, b in itertools.pairwise(periods))
        assert periods[-1].ends_on is None
    county = User.objects.get(username="pingli_staff")
    on = StatusPeriod.objects.order_by("starts_on").last().starts_on
    for ledger in ("transfer", "unemployed", "assistance"):
        assert set(
            ledger_on(actor=county, ledger=ledger, on=on).values_list("pk", flat=True)
        ) == brute_force_ledger(ledger, on)


def test_console_pages(seeded):
    staff = login("pingli_staff")
    for url in [
        "/console/labour/",
        "/console/labour/ledgers/?ledger=unemployed",
        "/console/labour/jobs/",
        "/console/labour/teams/",
        "/console/labour/import/",
    ]:
        assert staff.get(url).status_code == 200, url
    entry = RegistryPerson.objects.first()
    assert staff.get(f"/console/labour/people/{entry.pk}/").status_code == 200
    export = staff.get("/console/labour/ledgers/export.xlsx?ledger=transfer")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    job = Job.objects.get(title__startswith="保洁员")
    page = staff.get(f"/console/labour/jobs/{job.pk}/")
    assert page.status_code == 200
    picks = [m for m in page.context["matches"]][:3]
    response = staff.post(
        f"/console/labour/jobs/{job.pk}/refer/", {"people": [str(m.entry.pk) for m in picks]}
    )
    assert response.status_code == 302 and Referral.objects.filter(job=job).count() == len(picks)


def test_surveyor_sees_only_their_village(seeded):
    surveyor = login("tangfang_surveyor")
    page = surveyor.get("/console/labour/")
    shown = {e.org.short_name for e in page.context["page"].object_list}
    assert shown == {"塘坊村"}
    other = RegistryPerson.objects.filter(org__short_name="三坪村").first()
    assert surveyor.get(f"/console/labour/people/{other.pk}/").status_code == 404
    assert surveyor.get("/h5/labour/survey/").status_code == 200
    assert surveyor.get("/console/labour/import/").status_code == 403


def test_crosscheck_lists(seeded):
    from zhijia.labour.selectors.crosscheck import disagreements, stale
    from zhijia.members.models import Membership

    county = User.objects.get(username="pingli_staff")
    unit = RegistryPerson.objects.first().org.parent.parent
    entry = RegistryPerson.objects.filter(status="unemployed").first()
    Membership.objects.create(person=entry.person, org=entry.org, status="member")
    found = disagreements(actor=county, unit=unit)
    assert entry.pk in {d.entry.pk for d in found}
    cutoff = timezone.localdate() - dt.timedelta(days=30)
    expected = {
        e.pk
        for e in RegistryPerson.objects.all()
        if max(e.status_since or dt.date.min, e.surveyed_on or dt.date.min) < cutoff
    }
    assert set(stale(actor=county, unit=unit, days=30).values_list("pk", flat=True)) == expected
    assert login("pingli_staff").get("/console/labour/crosscheck/?days=x").status_code == 200
