"""Honours through /api/v1/honours…: the journey with names masked, 404 outside scope, 403
inside without the capability, and fuzzed input (400/422 naming the field, never a 500)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import ApiClient
from tests.honours.support import member
from zhijia.accounts.models import User, UserKind
from zhijia.honours.models import Award

pytestmark = pytest.mark.django_db
H = "/api/v1/honours"


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _campaign(demo, api=None):
    api = api or ApiClient().login("futian_staff")
    body = {
        "org_id": str(demo.org("福田区总").pk),
        "title": "2026年福田区五一劳动奖章推荐",
        "kind": "may_day_medal",
        "year": 2026,
        "closes_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "frontline_min_pct": 50,
        "managers_max_pct": 30,
    }
    c = _ok(api.post(f"{H}/campaigns", body), 201)
    hetao = demo.org("河套科创工会")
    _ok(api.post(f"{H}/campaigns/{c['id']}/quotas", {"org_id": str(hetao.pk), "quota": 2}))
    _ok(api.post(f"{H}/campaigns/{c['id']}/status", {"status": "open"}))
    return api, c, hetao


def test_the_journey_through_the_api_with_masked_names(demo, client):
    futian, c, hetao = _campaign(demo)
    cid = c["id"]
    unit = ApiClient().login("enterprise_staff")
    m = member(hetao, "王")
    body = {
        "org_id": str(hetao.pk),
        "membership_id": str(m.pk),
        "category": "frontline",
        "job_title": "焊工",
        "deeds": "攻克焊接难题",
    }
    n = _ok(unit.post(f"{H}/campaigns/{cid}/nominations", body), 201)
    assert n["nominee"] != m.person.name and n["nominee"].startswith(m.person.name[0])
    assert n["status"] == "draft"
    assert _ok(unit.post(f"{H}/campaigns/{cid}/submit", {"org_id": str(hetao.pk)})) == {"submitted": 1}
    street = ApiClient().login("fubao_staff")
    queue = _ok(street.get(f"{H}/review-queue"))
    assert [q["id"] for q in queue] == [n["id"]]
    nid = n["id"]
    _ok(street.post(f"{H}/nominations/{nid}/review", {"decision": "approve"}))
    done = _ok(futian.post(f"{H}/nominations/{nid}/review", {"decision": "approve", "note": "同意"}))
    assert done["status"] == "approved" and [r["decision"] for r in done["reviews"]] == ["forward", "approve"]
    _ok(futian.post(f"{H}/campaigns/{cid}/status", {"status": "reviewing"}))
    c = _ok(futian.post(f"{H}/campaigns/{cid}/status", {"status": "publicity"}))
    notices = _ok(client.get(f"{H}/notices"))  # public, anonymous
    nominee = notices[0]["nominees"][0]
    assert nominee["name"] == n["nominee"] and m.person.name not in str(notices)
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    client.force_login(worker)
    o = _ok(
        client.post(f"{H}/nominations/{nid}/objections", {"text": "有异议"}, content_type="application/json"),
        201,
    )
    assert _ok(futian.get(f"{H}/campaigns/{cid}/objections"))[0]["id"] == o["id"]
    r = futian.post(f"{H}/campaigns/{cid}/status", {"status": "closed"})
    assert (r.status_code, r.json()["code"]) == (409, "publicity_running")
    until = dt.date.fromisoformat(c["publicity_until"])
    with time_machine.travel(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(10))):
        futian.token = None
        futian = ApiClient().login("futian_staff")
        r = futian.post(f"{H}/campaigns/{cid}/status", {"status": "closed"})
        assert (r.status_code, r.json()["code"]) == (409, "objections_open")
        _ok(futian.post(f"{H}/objections/{o['id']}/decide", {"upheld": False, "resolution": "不属实"}))
        _ok(futian.post(f"{H}/campaigns/{cid}/status", {"status": "closed"}))
        register = _ok(futian.get(f"{H}/register", {"org_id": str(hetao.pk)}))
    assert [a["name"] for a in register] == [n["nominee"]]
    assert Award.objects.get().person == m.person


def test_outside_scope_is_404_inside_without_capability_403(demo):
    futian, c, hetao = _campaign(demo)
    cid = c["id"]
    baoan = ApiClient().login("baoan_staff")
    for path in (
        f"{H}/campaigns/{cid}",
        f"{H}/campaigns/{cid}/nominations",
        f"{H}/campaigns/{cid}/objections",
    ):
        assert baoan.get(path).status_code == 404, path
    assert baoan.post(f"{H}/campaigns/{cid}/status", {"status": "reviewing"}).status_code == 404
    assert baoan.get(f"{H}/campaigns").json() == []
    auditor = ApiClient().login("auditor")  # in scope (the province), no honours capability
    assert auditor.get(f"{H}/campaigns/{cid}").status_code == 403
    # the enterprise union reads the campaign it holds a quota in, but cannot run it
    unit = ApiClient().login("enterprise_staff")
    assert unit.get(f"{H}/campaigns/{cid}").status_code == 200
    assert unit.post(f"{H}/campaigns/{cid}/status", {"status": "reviewing"}).status_code == 404
    assert unit.get(f"{H}/campaigns/{cid}/nominations").status_code == 200
    m = member(hetao)
    body = {"org_id": str(hetao.pk), "membership_id": str(m.pk), "category": "frontline", "deeds": "x"}
    n = _ok(unit.post(f"{H}/campaigns/{cid}/nominations", body), 201)
    assert baoan.get(f"{H}/nominations/{n['id']}").status_code == 404
    assert baoan.post(f"{H}/nominations/{n['id']}/withdraw").status_code == 404
    assert ApiClient().get(f"{H}/campaigns").status_code == 401
    for bad in ("0", "x" * 300, "00000000-0000-0000-0000-000000000000", "1e999"):
        assert futian.get(f"{H}/campaigns/{bad}").status_code == 404
        assert futian.get(f"{H}/nominations/{bad}").status_code == 404
        assert (
            futian.post(f"{H}/objections/{bad}/decide", {"upheld": True, "resolution": "x"}).status_code
            == 404
        )


def test_fuzzed_input_names_the_field_never_500(demo):
    futian, c, hetao = _campaign(demo)
    cid = c["id"]
    base = {
        "org_id": str(demo.org("福田区总").pk),
        "title": "t",
        "kind": "craftsman",
        "year": 2026,
        "closes_on": timezone.localdate().isoformat(),
    }
    for change, field in [
        ({"year": 10**30}, "year"),
        ({"year": "two"}, "year"),
        ({"closes_on": "2026-02-30"}, "closes_on"),
        ({"closes_on": "99999-01-01"}, "closes_on"),
        ({"kind": "emperor"}, "kind"),
        ({"frontline_min_pct": 10**20}, "frontline_min_pct"),
        ({"publicity_days": -4}, "publicity_days"),
        ({"org_id": "nope"}, "org_id"),
        ({"title": ["x"]}, "title"),
    ]:
        r = futian.post(f"{H}/campaigns", {**base, **change})
        assert r.status_code in (400, 422), (change, r.status_code)
        assert field in str(r.json()["fields"]), (change, r.json())
    for body, field in [
        ({"org_id": str(hetao.pk), "quota": 10**40}, "quota"),
        ({"org_id": str(hetao.pk), "quota": -1}, "quota"),
        ({"org_id": str(hetao.pk), "quota": "many"}, "quota"),
    ]:
        r = futian.post(f"{H}/campaigns/{cid}/quotas", body)
        assert r.status_code in (400, 422) and field in str(r.json()["fields"]), (body, r.content)
    r = futian.post(f"{H}/campaigns/{cid}/status", {"status": "crowned"})
    assert r.status_code in (400, 422) and "status" in str(r.json()["fields"])
    for body in (
        {"org_id": str(hetao.pk), "category": "boss", "deeds": "x"},
        {"org_id": str(hetao.pk), "category": "frontline", "deeds": "x" * 30000},
        {"org_id": str(hetao.pk), "category": "frontline", "deeds": "x", "membership_id": 12},
        {"org_id": str(hetao.pk), "category": "frontline", "deeds": "x"},  # a person honour needs a member
    ):
        r = futian.post(f"{H}/campaigns/{cid}/nominations", body)
        assert r.status_code in (400, 422), (body, r.status_code)
        assert r.json()["fields"], r.json()
    r = futian.post(f"{H}/nominations/{'0' * 8}/review", {"decision": "crown"})
    assert r.status_code in (400, 404, 422)
    r = futian.get(f"{H}/register", {"org_id": "x" * 100})
    assert r.status_code in (400, 422) and "org_id" in str(r.json()["fields"])
