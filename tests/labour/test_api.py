import datetime as dt

import pytest
from django.utils import timezone

from tests.labour.support import cn_id, login, register, units
from zhijia.accounts.tokens import token_issue
from zhijia.labour.models import Referral, RegistryPerson
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token_issue(user=user)[0]}"}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def post(self, path, data=None, **headers):
        return self.client.post(
            path, data or {}, content_type="application/json", headers={**self.headers, **headers}
        )

    def patch(self, path, data=None):
        return self.client.patch(path, data or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def world(demo, client):
    u = units()
    clerk = login(u["平利县总"])
    return u, Api(client, clerk), clerk


def person_body(u, n, **extra):
    return {"org_id": str(u["塘坊村"].pk), "name": f"接口{n}", "id_number": cn_id(n), **extra}


def test_create_is_idempotent_and_masked(world):
    u, api, _clerk = world
    body = person_body(
        u,
        41,
        phone="13700137000",
        status="unemployed",
        job_matching_consent=True,
        skills=[{"occupation": "4-10", "title": "家政服务员"}],
    )
    first = api.post("/api/v1/labour/people", body, **{"Idempotency-Key": "survey-1"})
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/labour/people", body, **{"Idempotency-Key": "survey-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert RegistryPerson.objects.count() == 1
    data = first.json()
    assert data["name"].startswith("接*") and "****" in data["phone"] and data["job_matching_consent"] is True
    listed = api.get("/api/v1/labour/people", {"status": "unemployed", "skill": "4"})
    assert listed.json()["count"] == 1
    other = api.post("/api/v1/labour/people", person_body(u, 42), **{"Idempotency-Key": "survey-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"


def test_patch_and_ledgers(world):
    u, api, _clerk = world
    created = api.post(
        "/api/v1/labour/people", person_body(u, 43, status="unemployed", status_since="2025-01-01")
    )
    pid = created.json()["id"]
    patched = api.patch(
        f"/api/v1/labour/people/{pid}",
        {"status": "migrant", "status_since": "2025-05-01", "destination": "西安"},
    )
    assert patched.status_code == 200 and [h["status"] for h in patched.json()["history"]] == [
        "migrant",
        "unemployed",
    ]
    before = api.get(
        "/api/v1/labour/ledgers/unemployed", {"date": "2025-03-01", "org": str(u["平利县总"].pk)}
    )
    after = api.get("/api/v1/labour/ledgers/transfer", {"date": "2025-06-01"})
    assert before.json()["count"] == 1 and after.json()["count"] == 1
    changes = api.get("/api/v1/labour/ledgers/transfer/changes", {"start": "2025-01-01", "end": "2025-12-31"})
    assert [(c["on"], c["entered"]) for c in changes.json()] == [("2025-05-01", True)]


def test_surveyor_scope(world, client):
    u, _api, _clerk = world
    other = register(u["三坪村"], 44)
    surveyor = Api(client, login(u["塘坊村"], role="village_surveyor"))
    assert surveyor.get(f"/api/v1/labour/people/{other.pk}").status_code == 404
    assert (
        surveyor.post(
            "/api/v1/labour/people", person_body(u, 45) | {"org_id": str(u["三坪村"].pk)}
        ).status_code
        == 404
    )
    assert surveyor.post("/api/v1/labour/people", person_body(u, 45)).status_code == 201
    assert surveyor.get("/api/v1/labour/people").json()["count"] == 1
    assert (
        surveyor.post(
            "/api/v1/labour/jobs",
            {"org_id": str(u["塘坊村"].pk), "title": "x", "occupation": "6-29", "starts_on": "2026-01-01"},
        ).status_code
        == 403
    )


def test_job_matches_referral_funnel_and_placement(world):
    u, api, _clerk = world
    start = timezone.localdate() - dt.timedelta(days=100)
    job = api.post(
        "/api/v1/labour/jobs",
        {
            "org_id": str(u["广佛乡建公司工会"].pk),
            "title": "砌筑工",
            "occupation": "6-29",
            "place": "广佛镇",
            "place_org_id": str(u["广佛镇"].pk),
            "wage_min": 4000,
            "wage_max": 6000,
            "headcount": 3,
            "starts_on": start.isoformat(),
            "min_age": 18,
            "max_age": 60,
        },
    )
    assert job.status_code == 201, job.content
    jid = job.json()["id"]
    good = register(
        u["塘坊村"],
        51,
        job_matching_consent=True,
        status="unemployed",
        status_since=(start - dt.timedelta(days=200)).isoformat(),
        skills=[{"occupation": "6-29", "title": "砌筑工"}],
    )
    register(u["塘坊村"], 52, job_matching_consent=False, skills=[{"occupation": "6-29"}])  # no consent
    register(u["塘坊村"], 53, born=dt.date(1950, 1, 1), job_matching_consent=True)  # too old
    near = register(u["三坪村"], 54, job_matching_consent=True, skills=[{"occupation": "6-30"}])
    matches = api.get(f"/api/v1/labour/jobs/{jid}/matches").json()
    assert [m["person_id"] for m in matches] == [str(good.pk), str(near.pk)]
    assert matches[0]["score"] > matches[1]["score"] and matches[0]["reasons"]
    ref = api.post(
        "/api/v1/labour/referrals", {"job_id": jid, "person_id": str(good.pk), "on": start.isoformat()}
    )
    assert ref.status_code == 201
    rid = ref.json()["id"]
    again = api.post("/api/v1/labour/referrals", {"job_id": jid, "person_id": str(good.pk)})
    assert again.status_code == 409 and again.json()["code"] == "already_referred"
    assert api.post(f"/api/v1/labour/referrals/{rid}/retain30", {}).json()["code"] == "invalid_transition"
    hired_on = (start + dt.timedelta(days=1)).isoformat()
    assert api.post(f"/api/v1/labour/referrals/{rid}/interview", {"on": start.isoformat()}).status_code == 200
    assert api.post(f"/api/v1/labour/referrals/{rid}/hire", {"on": hired_on}).status_code == 200
    early = api.post(f"/api/v1/labour/referrals/{rid}/retain90", {})
    assert early.json()["code"] == "invalid_transition"
    assert api.post(f"/api/v1/labour/referrals/{rid}/retain30", {}).status_code == 200
    funnel = api.get(f"/api/v1/labour/jobs/{jid}/funnel").json()
    assert funnel == {"referred": 1, "interviewed": 1, "hired": 1, "retained_30": 1, "retained_90": 0}
    record = ServiceRecord.objects.get(source="labour", source_id=Referral.objects.get().pk)
    assert record.person_id == good.person_id and record.org == u["塘坊村"]
    good.refresh_from_db()
    assert good.status == "local"


FUZZ_VALUES = ["2026-02-30", "9999-99-99", 2**63, -1, "x" * 5000, None, [], {"a": 1}, True, "\x00"]


def test_fuzz_every_route(world):
    u, api, _clerk = world
    entry = register(u["塘坊村"], 61, job_matching_consent=True)
    job = api.post(
        "/api/v1/labour/jobs",
        {"org_id": str(u["塘坊村"].pk), "title": "x", "occupation": "4-10", "starts_on": "2026-01-01"},
    ).json()
    ref = api.post("/api/v1/labour/referrals", {"job_id": job["id"], "person_id": str(entry.pk)}).json()
    posts = {
        "/api/v1/labour/people": person_body(u, 62),
        f"/api/v1/labour/people/{entry.pk}": {"note": "x"},
        "/api/v1/labour/jobs": {
            "org_id": str(u["塘坊村"].pk),
            "title": "x",
            "occupation": "4-10",
            "starts_on": "2026-01-01",
        },
        "/api/v1/labour/referrals": {"job_id": job["id"], "person_id": str(entry.pk)},
        f"/api/v1/labour/referrals/{ref['id']}/interview": {"on": "2026-01-01"},
    }
    for path, body in posts.items():
        send = api.patch if "/people/" in path else api.post
        for key in body:
            for value in FUZZ_VALUES:
                response = send(path, {**body, key: value})
                assert response.status_code < 500, (path, key, value, response.content[:200])
                if response.status_code in (400, 422):
                    assert response.json()["code"]
    gets = {
        "/api/v1/labour/people": ["org", "status", "skill", "q", "limit", "offset"],
        "/api/v1/labour/ledgers/transfer": ["org", "date", "limit", "offset"],
        "/api/v1/labour/ledgers/assistance/changes": ["org", "start", "end"],
        "/api/v1/labour/jobs": ["org", "status", "limit", "offset"],
        f"/api/v1/labour/jobs/{job['id']}/matches": ["limit"],
    }
    for path, params in gets.items():
        for key in params:
            for value in ["2026-02-30", str(2**64), "-1", "x" * 300, "%00", "9999-12-31"]:
                response = api.get(
                    path,
                    {key: value, "start": "2025-01-01", "end": "2025-02-01"}
                    if "changes" in path and key not in ("start", "end")
                    else {key: value},
                )
                assert response.status_code < 500, (path, key, value, response.content[:200])
    for bad in ["nope", "00000000-0000-0000-0000-000000000000", "1" * 100]:
        assert api.get(f"/api/v1/labour/people/{bad}").status_code == 404
        assert api.get(f"/api/v1/labour/jobs/{bad}/matches").status_code == 404
        assert api.post(f"/api/v1/labour/referrals/{bad}/hire", {}).status_code == 404
    assert api.get("/api/v1/labour/ledgers/other").status_code in (400, 404)
    assert api.post(f"/api/v1/labour/referrals/{ref['id']}/fly", {}).status_code in (400, 404)
