"""The elections API end to end: a congress in session, a 差额 list, a delegate's phone ballot,
paper ballots by two tellers, the count, 409 quorum_not_met, 报批 upward, the PDF; and bad input."""

import pytest

from tests.conftest import ApiClient
from tests.matrix.world import member_of
from zhijia.accounts.models import User, UserKind

from .support import members

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return (
        response.json()
        if response.content and response["Content-Type"].startswith("application/json")
        else None
    )


def _setup(demo, api_client, *, delegates=6, present=5):
    org = demo.org("河套科创工会")
    api = api_client.login("enterprise_staff")
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    mine = member_of(org, 7777, "代表工人", user=worker).person
    people = [mine, *members(org, delegates - 1, "代表")]
    congress = _ok(
        api.post(
            "/api/v1/elections/congresses",
            {
                "org_id": str(org.pk),
                "title": "第二届会员代表大会",
                "held_on": "2026-12-20",
                "seats": delegates,
            },
        ),
        201,
    )
    cid = congress["id"]
    detail = _ok(api.post(f"/api/v1/elections/congresses/{cid}/allot"))
    assert detail["allotments"][0]["seats"] == delegates
    ids = []
    for p in people:
        d = _ok(
            api.post(
                f"/api/v1/elections/congresses/{cid}/delegates",
                {"unit_id": str(org.pk), "person_id": str(p.pk)},
            ),
            201,
        )
        ids.append(d["id"])
        assert "代表工人" not in str(d)  # masked
    for did in ids[:present]:
        _ok(api.post(f"/api/v1/elections/delegates/{did}/presence", {"present": True}))
    _ok(api.post(f"/api/v1/elections/congresses/{cid}/status", {"status": "in_session"}))
    return api, org, cid, ids, worker


def test_congress_elects_a_committee_and_the_result_is_approved_upward(demo, api_client, client):
    api, org, cid, delegate_ids, worker = _setup(demo, api_client)
    candidates = members(org, 4, "候选")
    bad = api.post(
        "/api/v1/elections",
        {
            "congress_id": cid,
            "kind": "committee",
            "title": "委员选举",
            "seats": 4,
            "candidate_ids": [str(c.pk) for c in candidates],
        },
    )
    assert bad.status_code == 400 and bad.json()["code"] == "margin_too_small"
    election = _ok(
        api.post(
            "/api/v1/elections",
            {
                "congress_id": cid,
                "kind": "committee",
                "title": "委员选举",
                "seats": 3,
                "candidate_ids": [str(c.pk) for c in candidates],
            },
        ),
        201,
    )
    eid = election["id"]
    keys = [c["id"] for c in election["candidates"]]
    _ok(api.post(f"/api/v1/elections/{eid}/open"))
    # the demo worker votes on the phone
    client.force_login(worker)
    mine = client.get("/api/v1/me/elections").json()
    assert [e["id"] for e in mine] == [eid] and mine[0]["voted"] is False
    too_many = client.post(
        f"/api/v1/elections/{eid}/ballots", {"choices": keys}, content_type="application/json"
    )
    assert too_many.status_code == 400 and too_many.json()["code"] == "invalid_ballot"
    cast = client.post(
        f"/api/v1/elections/{eid}/ballots", {"choices": keys[:3]}, content_type="application/json"
    )
    assert cast.status_code == 204 and cast.content == b""
    again = client.post(
        f"/api/v1/elections/{eid}/ballots", {"choices": keys[:3]}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    # four more present delegates take paper ballots; two tellers enter them
    for did in delegate_ids[1:5]:
        _ok(api.post(f"/api/v1/elections/{eid}/paper-ballots", {"delegate_id": did}), 204)
    paper = [keys[:3], keys[:3], keys[:3], [keys[0], keys[3]]]
    assert _ok(api.post(f"/api/v1/elections/{eid}/teller-entries", {"ballots": paper}))["status"] == "waiting"
    second = ApiClient().login("fubao_staff")
    assert (
        _ok(second.post(f"/api/v1/elections/{eid}/teller-entries", {"ballots": paper[::-1]}))["status"]
        == "accepted"
    )
    before = api.get(f"/api/v1/elections/{eid}/result")
    assert before.status_code == 409 and before.json()["code"] == "invalid_transition"
    _ok(api.post(f"/api/v1/elections/{eid}/close"))
    result = _ok(api.get(f"/api/v1/elections/{eid}/result"))
    assert (result["delegates"], result["present"], result["cast"], result["needed"]) == (6, 5, 5, 4)
    elected = [r for r in result["candidates"] if r["elected"]]
    assert len(elected) == 3 and all(r["votes"] >= 4 for r in elected)
    pdf = api.get(f"/api/v1/elections/{eid}/result.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # 报批: the unit cannot approve itself; its upper union (福保街道) does
    _ok(api.post(f"/api/v1/elections/{eid}/submit"))
    assert api.post(f"/api/v1/elections/{eid}/approve", {}).status_code in (403, 404)
    returned = second.post(f"/api/v1/elections/{eid}/return", {"note": ""})
    assert returned.status_code == 400 and "note" in returned.json()["fields"]
    approved = _ok(second.post(f"/api/v1/elections/{eid}/approve", {"note": "同意"}))
    assert approved["status"] == "approved"
    committees = _ok(api.get("/api/v1/elections/committees"))
    assert any(c["title"] == "委员选举" for c in committees)


def test_result_below_two_thirds_present_is_quorum_not_met(demo, api_client):
    api, org, cid, _ids, _worker = _setup(demo, api_client, delegates=6, present=4)  # 4 of 6
    candidates = members(org, 2, "候选")
    eid = _ok(
        api.post(
            "/api/v1/elections",
            {
                "congress_id": cid,
                "kind": "audit",
                "title": "经审委",
                "seats": 1,
                "candidate_ids": [str(c.pk) for c in candidates],
            },
        ),
        201,
    )["id"]
    _ok(api.post(f"/api/v1/elections/{eid}/open"))
    _ok(api.post(f"/api/v1/elections/{eid}/close"))
    response = api.get(f"/api/v1/elections/{eid}/result")
    assert response.status_code == 409 and response.json()["code"] == "quorum_not_met"
    assert api.get(f"/api/v1/elections/{eid}/result.pdf").status_code == 409
    assert api.post(f"/api/v1/elections/{eid}/submit").json()["code"] == "quorum_not_met"


def test_strangers_get_404_and_bad_input_400(demo, api_client, client):
    api, org, cid, _ids, worker = _setup(demo, api_client)
    other = ApiClient().login("baoan_staff")
    assert other.get(f"/api/v1/elections/congresses/{cid}").status_code == 404
    viewer = ApiClient().login("auditor")
    assert viewer.get(f"/api/v1/elections/congresses/{cid}").status_code in (403, 404)
    api = api_client.login("enterprise_staff")
    cases = [
        (
            "/api/v1/elections/congresses",
            {"org_id": str(org.pk), "title": "x", "held_on": "2026-02-30", "seats": 5},
        ),
        (
            "/api/v1/elections/congresses",
            {"org_id": str(org.pk), "title": "x", "held_on": "2026-02-03", "seats": 2**64},
        ),
        (
            "/api/v1/elections/congresses",
            {"org_id": "not-a-uuid", "title": "x", "held_on": "2026-02-03", "seats": 5},
        ),
        (
            "/api/v1/elections",
            {"congress_id": cid, "kind": "committee", "title": "x", "seats": -1, "candidate_ids": []},
        ),
        (
            "/api/v1/elections",
            {"congress_id": cid, "kind": "nope", "title": "x", "seats": 1, "candidate_ids": []},
        ),
        (
            "/api/v1/elections",
            {
                "congress_id": cid,
                "kind": "committee",
                "title": "x",
                "seats": 1,
                "margin": "1e400",
                "candidate_ids": [],
            },
        ),
        (
            "/api/v1/elections/committees",
            {
                "org_id": str(org.pk),
                "kind": "committee",
                "title": "x",
                "seats": "many",
                "starts_on": "2026-01-01",
            },
        ),
        (f"/api/v1/elections/congresses/{cid}/delegates", {"unit_id": str(org.pk), "person_id": str(org.pk)}),
    ]
    for url, body in cases:
        response = api.post(url, body)
        assert response.status_code in (400, 422), (url, body, response.status_code, response.content)
    assert api.get("/api/v1/elections/congresses/9223372036854775808").status_code == 404
    assert api.get("/api/v1/elections/not-a-uuid/result").status_code == 404
    client.force_login(worker)
    assert (
        client.post(
            "/api/v1/elections/0190a0b0-0000-7000-8000-000000000000/ballots",
            {"choices": []},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.post(
        f"/api/v1/elections/{cid}/ballots", {"choices": "x"}, content_type="application/json"
    ).status_code in (400, 404)


def test_openapi_lists_the_routes_with_their_errors(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/elections",
        "/api/v1/elections/{election_id}/ballots",
        "/api/v1/elections/{election_id}/result",
        "/api/v1/consultations",
        "/api/v1/consultations/{consultation_id}/opinions",
        "/api/v1/opinions/{opinion_id}/outcome",
        "/api/v1/opinions/box",
    ):
        assert path in paths, path
    result = paths["/api/v1/elections/{election_id}/result"]["get"]
    assert {"404", "409"} <= set(result["responses"]) and "quorum_not_met" in result["description"]
    assert "409" in paths["/api/v1/elections/{election_id}/ballots"]["post"]["responses"]
