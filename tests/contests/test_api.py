"""The contests API: a union registers a team, the organiser confirms, judges mark (a
conflicted one is refused), the chief judge locks, the winner downloads and verifies the
certificate; bad input is 400."""

import re

import pytest

from tests.conftest import ApiClient
from tests.elections.support import members
from tests.matrix.world import member_of
from zhijia.accounts.models import User, UserKind
from zhijia.accounts.services import user_create

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json() if response["Content-Type"].startswith("application/json") else response


def test_register_mark_lock_certificate(demo, client):
    futian, hetao, jm = demo.org("福田区总"), demo.org("河套科创工会"), demo.org("福保精密工会")
    organiser = ApiClient().login("futian_staff")
    contest = _ok(
        organiser.post(
            "/api/v1/contests", {"org_id": str(futian.pk), "title": "福田区职工技能竞赛", "year": 2026}
        ),
        201,
    )
    event = _ok(
        organiser.post(
            f"/api/v1/contests/{contest['id']}/events",
            {
                "title": "电子装配（团体）",
                "team_size": 2,
                "prizes": [1, 0, 0],
                "skill_level": "level2",
                "aspects": [
                    {"kind": "measurement", "title": "功能测试", "max_points": "70"},
                    {"kind": "judgement", "title": "工艺", "max_points": "30"},
                ],
            },
        ),
        201,
    )
    eid = event["id"]
    measure, judgement = (a["id"] for a in event["aspects"])
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    star = member_of(hetao, 4242, "孙巧手", user=worker).person
    team = [star, members(hetao, 1, "队员")[0]]
    union = ApiClient().login("enterprise_staff")
    bad = union.post(
        f"/api/v1/contests/events/{eid}/registrations",
        {"unit_id": str(hetao.pk), "person_ids": [str(members(jm, 1)[0].pk)]},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "not_eligible"
    mine = _ok(
        union.post(
            f"/api/v1/contests/events/{eid}/registrations",
            {"unit_id": str(hetao.pk), "person_ids": [str(p.pk) for p in team]},
        ),
        201,
    )
    assert "孙巧手" not in str(mine)
    other = _ok(
        organiser.post(
            f"/api/v1/contests/events/{eid}/registrations",
            {"unit_id": str(jm.pk), "person_ids": [str(members(jm, 1)[0].pk)]},
        ),
        201,
    )
    for entry in (mine, other):
        _ok(organiser.post(f"/api/v1/contests/registrations/{entry['id']}/confirm", {"confirm": True}))
    _ok(organiser.post(f"/api/v1/contests/{contest['id']}/start"))
    judges = []
    for i, (unit, chief) in enumerate(((futian, True), (hetao, False), (futian, False))):
        user_create(actor=None, username=f"cj{i}", password=demo.password, org=unit)
        _ok(
            organiser.post(
                f"/api/v1/contests/events/{eid}/judges",
                {"username": f"cj{i}", "unit_id": str(unit.pk), "chief": chief},
            ),
            201,
        )
        judges.append(ApiClient().login(f"cj{i}"))
    refused = judges[1].post(
        f"/api/v1/contests/events/{eid}/scores", {"entry_id": mine["id"], "aspect_id": measure, "value": "60"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "judge_conflict"
    assert (
        union.post(
            f"/api/v1/contests/events/{eid}/scores",
            {"entry_id": mine["id"], "aspect_id": measure, "value": "1"},
        ).status_code
        == 404
    )
    _ok(
        judges[0].post(
            f"/api/v1/contests/events/{eid}/scores",
            {"entry_id": mine["id"], "aspect_id": measure, "value": "66"},
        )
    )
    _ok(
        judges[0].post(
            f"/api/v1/contests/events/{eid}/scores",
            {"entry_id": other["id"], "aspect_id": measure, "value": "60"},
        )
    )
    for judge, a, b in ((judges[0], "3", "2"), (judges[2], "3", "2")):
        _ok(
            judge.post(
                f"/api/v1/contests/events/{eid}/scores",
                {"entry_id": mine["id"], "aspect_id": judgement, "value": a},
            )
        )
        _ok(
            judge.post(
                f"/api/v1/contests/events/{eid}/scores",
                {"entry_id": other["id"], "aspect_id": judgement, "value": b},
            )
        )
    too_high = judges[0].post(
        f"/api/v1/contests/events/{eid}/scores",
        {"entry_id": mine["id"], "aspect_id": judgement, "value": "4"},
    )
    assert too_high.status_code == 400
    assert client.get(f"/api/v1/contests/events/{eid}/results").json() == []
    assert judges[2].post(f"/api/v1/contests/events/{eid}/lock").json()["code"] == "not_chief"
    _ok(judges[0].post(f"/api/v1/contests/events/{eid}/lock"))
    results = _ok(client.get(f"/api/v1/contests/events/{eid}/results"))
    assert [(r["rank"], r["award"]) for r in results] == [(1, "first"), (2, "merit")]
    assert "孙*手" in results[0]["names"]
    star.refresh_from_db()
    assert star.skill_level == "level2"
    client.force_login(worker)
    certs = _ok(client.get("/api/v1/me/certificates"))
    assert len(certs) == 1
    pdf = client.get(f"/api/v1/contests/registrations/{certs[0]['entry_id']}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/contests/registrations/{other['id']}/certificate.pdf").status_code == 404
    from zhijia.contests.certificate import token_for
    from zhijia.contests.models import Entry

    token = token_for(Entry.objects.get(pk=mine["id"]), star)
    assert re.match(r"^[\w:.-]+$", token)
    ok = _ok(client.get("/api/v1/contests/certificates/verify", {"token": token}))
    assert ok["name"] == "孙*手" and ok["event"] == "电子装配（团体）"
    assert (
        client.get("/api/v1/contests/certificates/verify", {"token": token[:-2] + "xx"}).json()["code"]
        == "bad_certificate"
    )


def test_bad_input(demo):
    futian = demo.org("福田区总")
    api = ApiClient().login("futian_staff")
    for body in (
        {"org_id": str(futian.pk), "title": "x", "year": 2**70},
        {"org_id": str(futian.pk), "title": "", "year": 2026},
        {"org_id": "nope", "title": "x", "year": 2026},
    ):
        assert api.post("/api/v1/contests", body).status_code == 400, body
    c = api.post("/api/v1/contests", {"org_id": str(futian.pk), "title": "x", "year": 2026}).json()
    for body in (
        {"title": "x", "aspects": []},
        {"title": "x", "aspects": [{"kind": "x", "title": "x", "max_points": "1"}]},
        {"title": "x", "aspects": [{"kind": "measurement", "title": "x", "max_points": "0"}]},
        {
            "title": "x",
            "skill_level": "level9",
            "aspects": [{"kind": "measurement", "title": "x", "max_points": "1"}],
        },
        {
            "title": "x",
            "prizes": [1, 2],
            "aspects": [{"kind": "measurement", "title": "x", "max_points": "1"}],
        },
    ):
        assert api.post(f"/api/v1/contests/{c['id']}/events", body).status_code == 400, body
    assert ApiClient().login("baoan_staff").post(f"/api/v1/contests/{c['id']}/start").status_code == 404
