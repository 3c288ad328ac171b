"""The cases API: creation by worker and staff, scoped lists, the detail without note text or
screening answers for anyone but the counsellor, steps (409 invalid_transition), notes (the
counsellor's alone, also right after reassignment), pool experts seeing only their cases,
the hardship household rules, the fund's guarded balance, the crisis alert, the ledger."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.matrix.world import cn_id
from tests.support import leaks
from zhijia.accounts import sms
from zhijia.casework.models import Case, HelpFund
from zhijia.core.models import AuditEntry
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

from .support import expert_login, fund, hardship, legal, settings, step, worker

pytestmark = pytest.mark.django_db


def _as(api_client, user):
    from zhijia.accounts.tokens import token_issue

    api_client.token = token_issue(user=user)[0]
    return api_client


def _clean(response):
    body = response.content.decode()
    assert not leaks(body), leaks(body)
    return response.json()


def test_worker_books_counselling_and_province_sees_it_without_notes(
    demo, api_client, django_capture_on_commit_callbacks
):
    org = demo.org("大朗镇")
    settings(
        org, crisis_contact_name="危机联络人", crisis_contact_phone="13700001111", crisis_hotline="12356"
    )
    me = worker()
    api = _as(api_client, me)
    with django_capture_on_commit_callbacks(execute=True):
        sms.outbox.clear()
        r = api.post(
            "/api/v1/cases",
            {
                "kind": "counselling",
                "org_id": str(org.pk),
                "name": "王师傅",
                "summary": "最近睡不好",
                "screening": {"consent": True, "phq9": [1, 1, 1, 1, 0, 0, 0, 0, 1]},
            },
        )
    assert r.status_code == 201, r.content
    body = _clean(r)
    assert body["status"] == "booked" and body["crisis_hotline"] == "12356"
    assert body["screenings"] is None  # the worker does not get the answers back either
    assert [m["phone"] for m in sms.outbox] == ["13700001111"]  # the crisis contact, at once
    case_id = body["id"]
    # the counsellor is assigned from the pool of 大朗 (or above)
    counsellor, expert = expert_login(org, name="心理咨询师")
    admin = demo.user("province_admin")
    step(Case.objects.get(pk=case_id), "assign", admin, expert_id=str(expert.pk))
    c = _as(api_client, counsellor)
    assert c.post(f"/api/v1/cases/{case_id}/notes", {"text": "来访者主诉失眠 13800138000"}).status_code == 201
    notes = _clean(c.get(f"/api/v1/cases/{case_id}/notes"))
    assert len(notes) == 1
    detail = _clean(c.get(f"/api/v1/cases/{case_id}"))
    assert detail["screenings"][0]["answers"] == [1, 1, 1, 1, 0, 0, 0, 0, 1]
    # the province admin sees the case, its status and dates, never the notes or the answers
    p = _as(api_client, admin)
    seen = _clean(p.get(f"/api/v1/cases/{case_id}"))
    assert seen["status"] == "assigned" and seen["screenings"] is None and seen["summary"] is None
    assert "失眠" not in json.dumps(seen)
    assert p.get(f"/api/v1/cases/{case_id}/notes").status_code == 404
    assert p.post(f"/api/v1/cases/{case_id}/notes", {"text": "x"}).status_code == 404
    assert AuditEntry.objects.filter(action="case.notes_read", object_id=case_id).count() == 1
    # reassigned: the first counsellor loses the notes on the next request
    other_user, other = expert_login(org, name="另一位咨询师")
    step(Case.objects.get(pk=case_id), "assign", admin, expert_id=str(other.pk))
    c = _as(api_client, counsellor)
    assert c.get(f"/api/v1/cases/{case_id}/notes").status_code == 404
    assert c.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert _as(api_client, other_user).get(f"/api/v1/cases/{case_id}/notes").status_code == 200


def test_pool_experts_see_only_the_cases_assigned_to_them(demo, api_client):
    org = demo.org("西乡街道")
    mediator, expert = expert_login(org, name="调解员")
    mine = legal(org)
    theirs = legal(org)
    step(mine, "assign", None, expert_id=str(expert.pk))
    api = _as(api_client, mediator)
    listed = _clean(api.get("/api/v1/cases"))
    assert [c["id"] for c in listed["items"]] == [str(mine.pk)]
    assert api.get(f"/api/v1/cases/{theirs.pk}").status_code == 404
    assert api.post(f"/api/v1/cases/{theirs.pk}/session", {}).status_code in (403, 404)
    r = api.post(f"/api/v1/cases/{mine.pk}/session", {"both_parties": True})
    assert r.status_code == 200, r.content
    assert ServiceRecord.objects.filter(source=RecordSource.LEGAL, org=org).count() == 1
    r = api.post(f"/api/v1/cases/{mine.pk}/agree", {"terms": "单位于 2026-12-20 前支付拖欠工资 6000 元"})
    assert r.status_code == 200
    pdf = api.get(f"/api/v1/cases/{mine.pk}/agreement.pdf")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and "attachment" in pdf["Content-Disposition"]
    )
    assert api.post(f"/api/v1/cases/{mine.pk}/agree", {"terms": "x"}).json()["code"] == "invalid_transition"


def test_scope_404_outside_403_inside_without_capability(demo, api_client):
    case = legal(demo.org("福保街道"))
    assert _as(api_client, demo.user("baoan_staff")).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert _as(api_client, demo.user("futian_staff")).get(f"/api/v1/cases/{case.pk}").status_code == 200
    r = _as(api_client, demo.user("auditor")).post(f"/api/v1/cases/{case.pk}/close", {"outcome": "x"})
    assert r.status_code == 403
    r = _as(api_client, demo.user("baoan_staff")).post(f"/api/v1/cases/{case.pk}/close", {"outcome": "x"})
    assert r.status_code == 404
    r = _as(api_client, demo.user("futian_staff")).post(f"/api/v1/cases/{case.pk}/nonsense", {})
    assert r.status_code == 404 and r.json()["code"] == "unknown_step"
    r = _as(api_client, demo.user("baoan_staff")).post(
        "/api/v1/cases", {"kind": "legal", "org_id": str(demo.org("福保街道").pk), "name": "x"}
    )
    assert r.status_code == 404


def test_hardship_household_rules_name_the_owning_unit_to_those_who_may_know(demo, api_client):
    fubao, xixiang = demo.org("福保街道"), demo.org("西乡街道")
    hardship(fubao, n=501, members=[{"name": "李小困", "relation": "child", "id_number": cn_id(502)}])
    shenzhen = _as(api_client, demo.user("shenzhen_admin"))
    r = shenzhen.post(
        "/api/v1/cases",
        {"kind": "hardship", "org_id": str(xixiang.pk), "name": "李困难", "id_number": cn_id(501)},
    )
    assert r.status_code == 409 and r.json()["code"] == "household_has_file"
    r = shenzhen.post(
        "/api/v1/cases",
        {"kind": "hardship", "org_id": str(xixiang.pk), "name": "李小困", "id_number": cn_id(502)},
    )
    assert r.status_code == 409 and r.json()["code"] == "id_in_other_file"
    assert fubao.name in r.json()["message"]
    r = _as(api_client, demo.user("xixiang_staff")).post(
        "/api/v1/cases",
        {"kind": "hardship", "org_id": str(xixiang.pk), "name": "李小困", "id_number": cn_id(502)},
    )
    assert r.status_code == 409 and fubao.name not in r.json()["message"]
    assert not leaks(r.content.decode())


def test_hardship_journey_publicity_approval_and_fund(demo, api_client):
    org = demo.org("福保街道")
    settings(demo.org("深圳市总"), dibao_line=Decimal("1300"))
    f = fund(org, amount="1000")
    staff = _as(api_client, demo.user("fubao_staff"))
    r = staff.post(
        "/api/v1/cases",
        {
            "kind": "hardship",
            "org_id": str(org.pk),
            "name": "陈大姐",
            "id_number": cn_id(601),
            "own_income": "1500",
            "other_income": "600",
            "household_size": 3,
            "cause_main": "06",
            "causes_other": ["09", "04"],
            "bank_account": "6222020200112233445",
            "members": [{"name": "陈小弟", "relation": "child", "id_number": cn_id(602), "income": "0"}],
        },
    )
    body = _clean(r)
    assert r.status_code == 201, body
    assert body["hardship"]["per_capita_income"] == "700.00" and body["hardship"]["below_dibao_line"] is True
    assert body["hardship"]["bank_account"] == "****3445"
    cid = body["id"]
    assert (
        staff.post(f"/api/v1/cases/{cid}/visit", {"visit_record": "x"}).json()["code"] == "invalid_transition"
    )
    assert staff.post(f"/api/v1/cases/{cid}/screen", {"grade": "deep"}).status_code == 200
    r = staff.post(f"/api/v1/cases/{cid}/visit", {"visit_record": "入户核查属实"})
    assert r.status_code == 400 and "income_check_signed" in r.json()["fields"]
    assert (
        staff.post(
            f"/api/v1/cases/{cid}/visit", {"visit_record": "入户核查属实", "income_check_signed": True}
        ).status_code
        == 200
    )
    assert staff.post(f"/api/v1/cases/{cid}/publicise", {}).status_code == 200
    notices = _clean(api_client.__class__().get("/api/v1/public-notices"))
    assert [n["name"] for n in notices if n["id"] == cid] == ["陈*姐"]
    anon = api_client.__class__()
    assert anon.post(f"/api/v1/public-notices/{cid}/objections", {"text": "收入不实"}).status_code == 201
    shenzhen = _as(api_client.__class__(), demo.user("shenzhen_admin"))
    assert shenzhen.post(f"/api/v1/cases/{cid}/approve", {}).json()["code"] == "publicity_running"
    Case.objects.get(pk=cid).hardship.__class__.objects.filter(case_id=cid).update(
        publicity_until=dt.date.today() - dt.timedelta(days=1)
    )
    assert shenzhen.post(f"/api/v1/cases/{cid}/approve", {}).json()["code"] == "objection_open"
    objection = Case.objects.get(pk=cid).objections.get()
    assert (
        staff.post(
            f"/api/v1/cases/{cid}/answer", {"objection_id": str(objection.pk), "answer": "已复核"}
        ).status_code
        == 200
    )
    # the grassroots clerk cannot approve their own unit's file: the upper union does
    assert staff.post(f"/api/v1/cases/{cid}/approve", {}).status_code == 403
    assert shenzhen.post(f"/api/v1/cases/{cid}/approve", {}).json()["status"] == "filed"
    r = staff.post(f"/api/v1/cases/{cid}/help", {"kind": "warmth", "amount": "800", "fund_id": str(f.pk)})
    assert r.status_code == 200
    r = staff.post(f"/api/v1/cases/{cid}/help", {"kind": "warmth", "amount": "300", "fund_id": str(f.pk)})
    assert r.status_code == 409 and r.json()["code"] == "fund_exhausted"
    assert HelpFund.objects.get(pk=f.pk).spent == Decimal("800")
    assert ServiceRecord.objects.filter(source=RecordSource.HARDSHIP).count() == 1
    assert staff.post(f"/api/v1/cases/{cid}/close", {"reason": "recovered"}).json()["status"] == "exited"
    assert staff.post(f"/api/v1/cases/{cid}/reopen", {"reason": "返困"}).json()["status"] == "filed"


def test_me_cases_shows_plain_language_dates(demo, api_client):
    me = worker()
    api = _as(api_client, me)
    r = api.post(
        "/api/v1/cases",
        {
            "kind": "legal",
            "org_id": str(demo.org("西乡街道").pk),
            "name": "张骑手",
            "summary": "站点拖欠三个月工资",
            "employer": "某配送站",
            "claim_amount": "9000",
            "wage_arrears": True,
            "still_employed": False,
            "employment_ended_on": "2026-10-31",
            "mediation": True,
        },
    )
    assert r.status_code == 201, r.content
    mine = _clean(api.get("/api/v1/me/cases"))
    assert len(mine) == 1 and mine[0]["number"].startswith("FL")
    text = " ".join(mine[0]["next_dates"])
    assert "2027-10-31" in text and (dt.date.today() + dt.timedelta(days=15)).isoformat() in text


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "hardship", "id_number": "110101200002301234", "name": "x"},
        {"kind": "hardship", "id_number": cn_id(9), "name": "x", "household_size": 10**30},
        {"kind": "hardship", "id_number": cn_id(9), "name": "x", "own_income": "1e400"},
        {"kind": "hardship", "id_number": cn_id(9), "name": "x", "members": "nope"},
        {"kind": "hardship", "id_number": cn_id(9), "name": "x", "members": [{"name": "y"}]},
        {"kind": "hardship", "id_number": cn_id(9), "name": "x", "causes_other": ["01", "02", "03", "04"]},
        {"kind": "legal", "name": "x", "knew_on": "2026-02-30"},
        {"kind": "legal", "name": "x", "claim_amount": [1]},
        {"kind": "legal", "name": "x", "channel": "court"},
        {"kind": "counselling", "name": "x", "screening": {"consent": False, "phq9": [0] * 9}},
        {"kind": "counselling", "name": "x", "screening": {"consent": True, "phq9": [9] * 9}},
        {"kind": "counselling", "name": "x", "screening": {"consent": True, "gad7": [True] * 7}},
        {"kind": "nope", "name": "x"},
        {"kind": "legal", "name": "\x00"},
    ],
)
def test_bad_input_is_a_400_naming_the_field(demo, api_client, payload):
    api = _as(api_client, demo.user("futian_staff"))
    r = api.post("/api/v1/cases", {"org_id": str(demo.org("福保街道").pk), **payload})
    assert r.status_code in (400, 422), (payload, r.status_code, r.content)
    assert r.json()["fields"], r.content


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/v1/cases?limit=1&offset=99999999999999999999", None),
        ("/api/v1/cases?status=nonsense", None),
        ("/api/v1/cases?org=not-a-uuid", None),
        ("/api/v1/cases/not-a-uuid", None),
        ("/api/v1/cases/not-a-uuid/notes", None),
        ("/api/v1/cases/{id}/session", {"held_at": "2026-02-30T10:00"}),
        ("/api/v1/cases/{id}/session", {"minutes": 10**40}),
        ("/api/v1/cases/{id}/refer", {"to": ["x"]}),
        ("/api/v1/cases/{id}/award", {"received_on": "9999-99-99"}),
        ("/api/v1/public-notices/{id}/objections", {"text": 5}),
    ],
)
def test_fuzzed_routes_never_500(demo, api_client, path, body):
    case = legal(demo.org("福保街道"))
    step(case, "assign", None, user_id=str(demo.user("fubao_staff").pk))
    api = _as(api_client, demo.user("futian_staff"))
    url = path.replace("{id}", str(case.pk))
    r = api.get(url) if body is None else api.post(url, body)
    assert r.status_code < 500, (url, r.status_code)
