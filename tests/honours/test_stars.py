"""Star-rated unions: criteria → the union's assessment with the evidence pulled in → self
assessment → the issuing union scores → stars for a while, then lapsed ("not for life"); pass
lines; refusals with their codes; the API with 404 outside scope and fuzzed input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.honours.support import member
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.honours import stars as svc
from zhijia.honours.models import CriteriaSet, StarAward

pytestmark = pytest.mark.django_db
PROFILE = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
S = "/api/v1/star-ratings"


def _criteria(demo, publish=True):
    c = svc.criteria_create(
        actor=None,
        org=demo.org("福田区总"),
        title="2026年福田区星级工会评定",
        year=2026,
        thresholds=["60", "70", "80", "90", "95"],
        items=[
            ("会员覆盖", "40", "20", "members"),
            ("活动开展", "30", "10", "activities"),
            ("服务台账", "30", "0", "services"),
        ],
        valid_days=365,
    )
    return svc.criteria_publish(actor=None, criteria=c) if publish else c


def _code(fn, **kw):
    with pytest.raises(ApplicationError) as err:
        fn(**kw)
    return err.value.code


def test_assessment_journey_and_stars_lapse(demo):
    hetao = demo.org("河套科创工会")
    member(hetao)
    criteria = _criteria(demo)
    a = svc.assessment_start(actor=demo.user("enterprise_staff"), criteria=criteria, org=hetao)
    assert set(a.evidence) == {"members", "activities", "services"} and a.evidence["members"] >= 1
    ids = {i.criterion.title: str(i.criterion_id) for i in a.items.select_related("criterion")}
    assert _code(svc.assessment_score, actor=None, assessment=a, points={}) == "invalid_transition"
    own = {ids["会员覆盖"]: "38", ids["活动开展"]: "28", ids["服务台账"]: "27"}
    a = svc.assessment_self(actor=demo.user("enterprise_staff"), assessment=a, points=own)
    assert (a.status, a.self_total) == ("submitted", Decimal("93"))
    assert _code(svc.assessment_self, actor=None, assessment=a, points=own) == "invalid_transition"
    # the enterprise union cannot score itself
    assert _code(svc.assessment_score, actor=demo.user("enterprise_staff"), assessment=a, points=own) in (
        "not_found",
        "permission_denied",
    )
    scored = {ids["会员覆盖"]: "36", ids["活动开展"]: "26", ids["服务台账"]: "24"}
    a = svc.assessment_score(actor=demo.user("futian_staff"), assessment=a, points=scored)
    assert (a.status, a.total, a.stars) == ("scored", Decimal("86"), 3)
    today = timezone.localdate()
    assert svc.stars_of(hetao) == 3 and svc.rights_of(hetao) == svc.STAR_RIGHTS[3]
    assert svc.stars_of(hetao, on=today + dt.timedelta(days=365)) == 3
    assert svc.stars_of(hetao, on=today + dt.timedelta(days=366)) == 0  # not for life
    assert svc.rights_of(hetao, on=today + dt.timedelta(days=366)) == {}
    assert [r["name"] for r in svc.public_star_unions(demo.org("福田区总"))] == [hetao.name]
    assert svc.public_star_unions(demo.org("宝安区总")) == []
    assert _code(svc.assessment_start, actor=None, criteria=criteria, org=hetao) == "already_assessed"
    actions = set(AuditEntry.objects.filter(action__startswith="honours.").values_list("action", flat=True))
    assert {"honours.criteria_create", "honours.assessment_start", "honours.assessment_self"} <= actions
    assert "honours.assessment_score" in actions


def test_a_pass_line_missed_gives_no_star(demo):
    fubao = demo.org("福保精密工会")
    a = svc.assessment_start(actor=None, criteria=_criteria(demo), org=fubao)
    ids = {i.criterion.title: str(i.criterion_id) for i in a.items.select_related("criterion")}
    pts = {ids["会员覆盖"]: "19", ids["活动开展"]: "30", ids["服务台账"]: "30"}  # 79, but 19 < 20
    a = svc.assessment_self(actor=None, assessment=a, points=pts)
    a = svc.assessment_score(actor=None, assessment=a, points=pts)
    assert a.stars == 0 and not StarAward.objects.exists() and svc.stars_of(fubao) == 0


def test_refusals(demo):
    draft = _criteria(demo, publish=False)
    hetao = demo.org("河套科创工会")
    assert _code(svc.assessment_start, actor=None, criteria=draft, org=hetao) == "not_published"
    c = svc.criteria_publish(actor=None, criteria=draft)
    assert _code(svc.criteria_publish, actor=None, criteria=c) == "invalid_transition"
    assert _code(svc.assessment_start, actor=None, criteria=c, org=demo.org("福田区总")) == "not_below"
    assert _code(svc.assessment_start, actor=None, criteria=c, org=demo.org("宝安区总")) == "not_below"
    a = svc.assessment_start(actor=None, criteria=c, org=hetao)
    ids = [str(i.criterion_id) for i in a.items.all()]
    for bad in ({ids[0]: "1"}, {**dict.fromkeys(ids, "1"), ids[0]: "41"}, {**dict.fromkeys(ids, "x")}):
        with pytest.raises(ApplicationError) as err:
            svc.assessment_self(actor=None, assessment=a, points=bad)
        assert "items" in err.value.fields
    base = dict(
        actor=None,
        org=demo.org("福田区总"),
        title="t",
        year=2026,
        thresholds=["10"],
        items=[("a", "10", "0", "")],
    )
    for change, field in [
        ({"year": 10**9}, "year"),
        ({"thresholds": ["20", "10"]}, "thresholds"),
        ({"thresholds": ["11"]}, "thresholds"),
        ({"thresholds": []}, "thresholds"),
        ({"items": []}, "items"),
        ({"items": [("a", "10", "11", "")]}, "items"),
        ({"items": [("a", "NaN", "0", "")]}, "items"),
        ({"items": [("a", "10", "0", "horoscope")]}, "items"),
        ({"valid_days": 0}, "valid_days"),
    ]:
        with pytest.raises(ApplicationError) as err:
            svc.criteria_create(**{**base, **change})
        assert field in err.value.fields, change


@PROFILE
@given(
    marks=st.lists(st.decimals(min_value=0, max_value=40, places=2), min_size=3, max_size=3),
    days=st.integers(-400, 800),
)
def test_stars_follow_the_thresholds_and_expire_on_their_date(marks, days):
    criteria = CriteriaSet(thresholds=["60", "70", "80", "90", "95"], valid_days=365)
    lines = dict.fromkeys(range(3), Decimal(10))
    got = svc.stars_for(criteria, dict(enumerate(marks)), lines)
    total = sum(marks)
    expected = 0 if min(marks) < 10 else sum(1 for t in (60, 70, 80, 90, 95) if total >= t)
    assert got == expected
    # an award valid from day 0 for 365 days counts on day d only within [0, 365]
    start = dt.date(2026, 1, 1)
    award = StarAward(valid_from=start, valid_until=start + dt.timedelta(days=365), stars=max(got, 1))
    on = start + dt.timedelta(days=days)
    assert (award.valid_from <= on <= award.valid_until) == (0 <= days <= 365)


def test_api_scope_and_fuzz(demo, client):
    futian = ApiClient().login("futian_staff")
    body = {
        "org_id": str(demo.org("福田区总").pk),
        "title": "星级工会",
        "year": 2026,
        "thresholds": ["5"],
        "items": [{"title": "会员覆盖", "points": "10", "pass_line": "2", "evidence": "members"}],
    }
    r = futian.post(f"{S}/criteria", body)
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert client.get(f"{S}/criteria/{cid}").status_code == 404  # a draft is not public
    assert ApiClient().login("baoan_staff").post(f"{S}/criteria/{cid}/publish").status_code == 404
    assert futian.post(f"{S}/criteria/{cid}/publish").status_code == 200
    assert client.get(f"{S}/criteria/{cid}").json()["items"][0]["evidence"] == "members"
    hetao = demo.org("河套科创工会")
    unit = ApiClient().login("enterprise_staff")
    r = unit.post(f"{S}/assessments", {"criteria_id": cid, "org_id": str(hetao.pk)})
    assert r.status_code == 201, r.content
    a = r.json()
    crit = a["items"][0]["criterion_id"]
    assert ApiClient().login("baoan_staff").get(f"{S}/assessments/{a['id']}").status_code == 404
    assert ApiClient().login("auditor").get(f"{S}/assessments/{a['id']}").status_code == 403
    r = unit.post(f"{S}/assessments/{a['id']}/self", {"items": [{"criterion_id": crit, "points": "9"}]})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = unit.post(f"{S}/assessments/{a['id']}/score", {"items": [{"criterion_id": crit, "points": "8"}]})
    assert r.status_code in (403, 404)
    r = futian.post(f"{S}/assessments/{a['id']}/score", {"items": [{"criterion_id": crit, "points": "8"}]})
    assert r.status_code == 200 and r.json()["stars"] == 1
    assert client.get(f"{S}/public", {"area_id": str(demo.org("深圳市总").pk)}).json()[0]["stars"] == 1
    for path, payload, field in [
        (f"{S}/criteria", {**body, "year": 10**30}, "year"),
        (f"{S}/criteria", {**body, "thresholds": ["1e999"]}, "thresholds"),
        (f"{S}/criteria", {**body, "items": [{"title": "x", "points": "abc"}]}, "points"),
        (f"{S}/criteria", {**body, "valid_days": "forever"}, "valid_days"),
        (f"{S}/assessments", {"criteria_id": "x", "org_id": str(hetao.pk)}, "criteria_id"),
        (f"{S}/assessments/{a['id']}/self", {"items": [{"criterion_id": crit, "points": "9e99"}]}, "points"),
    ]:
        r = futian.post(path, payload)
        assert r.status_code in (400, 422), (payload, r.status_code, r.content)
        assert field in str(r.json()["fields"]), (payload, r.json())
    assert client.get(f"{S}/public", {"area_id": "nope"}).status_code in (400, 422)
    assert client.get(f"{S}/public", {"area_id": "00000000-0000-0000-0000-000000000000"}).status_code == 404
    assert futian.get(f"{S}/assessments/{'9' * 40}").status_code == 404
