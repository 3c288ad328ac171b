"""The console pages of star-rated unions: the district union makes and publishes a criteria
set, the enterprise union starts and sends its self-assessment (the evidence Zhijia holds shown
beside the items), the district scores it and the stars show with the day they lapse; refusals
(other unions' ids 404, no capability 403) and fuzzed input (huge numbers, wrong types,
missing items) answered with a message, never a 500, and changing nothing."""

import pytest

from tests.honours.support import member
from tests.support import leaks
from zhijia.honours import stars
from zhijia.honours.models import Assessment, CriteriaSet, StarAward

pytestmark = pytest.mark.django_db
S = "/console/honours/stars/"


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:800])
    if status == 200:
        assert not leaks(response.content.decode())
    return response


def _page(client, url):
    return _ok(client.get(url)).content.decode()


def _form(**change):
    form = {
        "title": "2026年福田区星级职工之家评定",
        "year": "2026",
        "valid_days": "365",
        "item_title_0": "会员覆盖",
        "item_points_0": "40",
        "item_pass_0": "20",
        "item_evidence_0": "members",
        "item_title_1": "活动开展",
        "item_points_1": "30",
        "item_pass_1": "10",
        "item_evidence_1": "activities",
        "item_title_2": "阵地建设",
        "item_points_2": "30",
        "item_pass_2": "",
        "item_evidence_2": "",
        "threshold_0": "60",
        "threshold_1": "70",
        "threshold_2": "80",
    }
    form.update(change)
    return form


def _criteria(demo, publish=True):
    c = stars.criteria_create(
        actor=None,
        org=demo.org("福田区总"),
        title="矩阵外星级",
        year=2026,
        thresholds=["50", "80"],
        items=[("会员覆盖", "60", "10", "members"), ("阵地建设", "40", "0", "")],
    )
    return stars.criteria_publish(actor=None, criteria=c) if publish else c


def test_publish_self_assess_score_and_the_stars_show(demo, staff_client):
    hetao = demo.org("河套科创工会")
    m = member(hetao, "星")
    futian = staff_client("futian_staff")
    assert "criteria-form" in _page(futian, S)
    assert 'data-testid="stars-link"' in _page(futian, "/console/honours/")
    _ok(futian.post(S, _form()), 302)
    c = CriteriaSet.objects.get(title="2026年福田区星级职工之家评定")
    assert (c.thresholds, c.published, c.items.count()) == (["60.00", "70.00", "80.00"], False, 3)
    page = _page(futian, f"{S}criteria/{c.pk}/")
    assert 'data-testid="publish"' in page and 'data-testid="assess-form"' not in page
    enterprise = staff_client("enterprise_staff")
    assert "2026年福田区星级职工之家评定" not in _page(enterprise, S)  # a draft is not shown below
    _ok(futian.post(f"{S}criteria/{c.pk}/publish/"), 302)
    c.refresh_from_db()
    assert c.published
    # the enterprise union starts its own self-assessment from its star home
    home = _page(enterprise, S)
    assert 'data-testid="start-self"' in home
    _ok(enterprise.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(hetao.pk)}), 302)
    a = Assessment.objects.get(criteria=c, org=hetao)
    assert a.evidence["members"] >= 1
    page = _page(enterprise, f"{S}assessments/{a.pk}/")
    assert 'data-testid="self-form"' in page and m.person.name not in page
    assert f"<strong>{a.evidence['members']}</strong>" in page  # the figure beside its item
    ids = {i.criterion.title: str(i.criterion_id) for i in a.items.select_related("criterion")}
    own = {f"points_{ids[k]}": v for k, v in (("会员覆盖", "38"), ("活动开展", "25"), ("阵地建设", "28"))}
    note = {f"note_{ids['阵地建设']}": "职工之家200平方米"}
    _ok(enterprise.post(f"{S}assessments/{a.pk}/self/", {**own, **note}), 302)
    a.refresh_from_db()
    assert (a.status, str(a.self_total)) == ("submitted", "91.00")
    # the enterprise union cannot score itself
    assert enterprise.post(f"{S}assessments/{a.pk}/score/", own).status_code in (403, 404)
    page = _page(futian, f"{S}assessments/{a.pk}/")
    assert 'data-testid="score-form"' in page and "职工之家200平方米" in page
    scored = {f"points_{ids[k]}": v for k, v in (("会员覆盖", "35"), ("活动开展", "22"), ("阵地建设", "20"))}
    _ok(futian.post(f"{S}assessments/{a.pk}/score/", scored), 302)
    a.refresh_from_db()
    assert (a.status, str(a.total), a.stars) == ("scored", "77.00", 2)
    award = StarAward.objects.get(assessment=a)
    page = _page(enterprise, f"{S}assessments/{a.pk}/")
    assert 'data-stars="2"' in page and award.valid_until.isoformat() in page
    assert 'data-stars="2"' in _page(enterprise, S)  # held in its tree today
    criteria_page = _page(futian, f"{S}criteria/{c.pk}/")
    assert hetao.name in criteria_page and award.valid_until.isoformat() in criteria_page


def test_the_issuing_union_starts_an_assessment_below(demo, staff_client):
    c = _criteria(demo)
    futian = staff_client("futian_staff")
    hetao = demo.org("河套科创工会")
    page = _page(futian, f"{S}criteria/{c.pk}/")
    assert str(hetao.pk) in page
    # the units below fill the form, not the console's unit switcher (the user's own grants)
    switcher = page[page.index('data-testid="unit-switcher"') :].split("</select>")[0]
    assert str(hetao.pk) not in switcher and str(c.org_id) in switcher
    r = _ok(futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(hetao.pk)}), 302)
    a = Assessment.objects.get(criteria=c, org=hetao)
    assert r["Location"] == f"{S}assessments/{a.pk}/"
    # a second start is refused with a message (already_assessed), nothing made
    _ok(futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(hetao.pk)}), 302)
    # the issuing union itself is not assessed under its own set
    _ok(futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(c.org_id)}), 302)
    assert Assessment.objects.filter(criteria=c).count() == 1


def test_refusals_and_fuzzed_input_never_500(demo, staff_client):
    futian = staff_client("futian_staff")
    baoan = staff_client("baoan_staff")
    for change in (
        {"year": "9" * 40},
        {"year": "-1"},
        {"year": "二〇二六"},
        {"year": "1999"},
        {"valid_days": "5"},
        {"valid_days": "1e3"},
        {"title": "x" * 5000},
        {"title": ""},
        {"item_points_0": "9" * 60},
        {"item_points_0": "NaN"},
        {"item_points_0": "Infinity"},
        {"item_points_0": "-5"},
        {"item_points_0": "ten"},
        {"item_pass_0": "41"},  # above the item's points
        {"item_evidence_0": "salary"},
        {"threshold_0": "90", "threshold_1": "70"},  # not ascending
        {"threshold_2": "1e400"},
        {"threshold_0": "", "threshold_1": "", "threshold_2": ""},
        {"threshold_2": "101"},  # above the full marks
        {
            "item_title_0": "",
            "item_points_0": "",
            "item_title_1": "",
            "item_points_1": "",
            "item_title_2": "",
            "item_points_2": "",
        },
    ):
        r = futian.post(S, _form(**change))
        assert r.status_code == 200, change  # the form again with its message
        assert 'class="alert' in r.content.decode(), change
    assert not CriteriaSet.objects.exists()
    # the form keeps what was typed
    assert "会员覆盖" in futian.post(S, _form(year="x")).content.decode()
    c = _criteria(demo, publish=False)
    assert baoan.get(f"{S}criteria/{c.pk}/").status_code == 404
    assert baoan.post(f"{S}criteria/{c.pk}/publish/").status_code == 404
    assert futian.get(f"{S}criteria/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert staff_client("auditor").get(S).status_code == 403
    hetao = demo.org("河套科创工会")
    # a draft set cannot be assessed under; a published one of another district cannot be reached
    assert futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(hetao.pk)}).status_code == 404
    stars.criteria_publish(actor=None, criteria=c)
    xixiang = demo.org("西乡街道")
    assert futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": str(xixiang.pk)}).status_code == 404
    assert futian.post(f"{S}assess/", {"criteria": "nope", "org": str(hetao.pk)}).status_code == 404
    assert futian.post(f"{S}assess/", {"criteria": str(c.pk), "org": "42"}).status_code == 404
    a = stars.assessment_start(actor=None, criteria=c, org=hetao)
    assert baoan.get(f"{S}assessments/{a.pk}/").status_code == 404
    assert baoan.post(f"{S}assessments/{a.pk}/self/", {}).status_code == 404
    assert baoan.post(f"{S}assessments/{a.pk}/score/", {}).status_code == 404
    ids = [str(i.criterion_id) for i in a.items.order_by("criterion__order")]
    enterprise = staff_client("enterprise_staff")
    for points in (
        {},
        {ids[0]: "9" * 50, ids[1]: "1"},
        {ids[0]: "61", ids[1]: "1"},  # above the item's points
        {ids[0]: "-1", ids[1]: "1"},
        {ids[0]: "sNaN", ids[1]: "1"},
        {ids[0]: "", ids[1]: "1"},
        {ids[0]: "1"},  # an item missing
    ):
        body = {f"points_{k}": v for k, v in points.items()}
        _ok(enterprise.post(f"{S}assessments/{a.pk}/self/", body), 302)
        a.refresh_from_db()
        assert a.status == "draft", points
    # scoring out of order: a message, no change
    _ok(futian.post(f"{S}assessments/{a.pk}/score/", {f"points_{i}": "1" for i in ids}), 302)
    a.refresh_from_db()
    assert a.status == "draft" and not StarAward.objects.exists()
    assert enterprise.get(f"{S}assessments/nope/").status_code == 404


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _ok(client.get(url))
    return len(ctx.captured_queries)


def test_star_pages_read_in_a_fixed_number_of_queries(demo, staff_client):
    """The criteria page and the star home cost the same with two assessments or four."""
    futian = staff_client("futian_staff")
    c = _criteria(demo)
    units = [demo.org(n) for n in ("福保街道", "河套科创工会", "福保精密工会", "河套联合工会")]
    stars.assessment_start(actor=None, criteria=c, org=units[0])
    stars.assessment_start(actor=None, criteria=c, org=units[1])
    few = (_queries(futian, f"{S}criteria/{c.pk}/"), _queries(futian, S))
    for unit in units[2:]:
        a = stars.assessment_start(actor=None, criteria=c, org=unit)
        ids = [str(i.criterion_id) for i in a.items.all()]
        a = stars.assessment_self(actor=None, assessment=a, points=dict.fromkeys(ids, "30"))
        stars.assessment_score(actor=None, assessment=a, points=dict.fromkeys(ids, "30"))
    assert (_queries(futian, f"{S}criteria/{c.pk}/"), _queries(futian, S)) == few
