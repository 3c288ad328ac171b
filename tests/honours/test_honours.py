"""Honours: the journey (quota → nominations → composition checked → reviewed up the tree →
公示 with an objection → awarded into the register), every refusal with its code, and the
composition rule as a property."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.honours.support import campaign, member, nominate
from zhijia.accounts.models import User, UserKind
from zhijia.core.errors import ApplicationError
from zhijia.core.models import AuditEntry
from zhijia.honours import services as svc
from zhijia.honours.enums import Category
from zhijia.honours.models import Award, Nomination, Review

pytestmark = pytest.mark.django_db
PROFILE = settings(derandomize=True, max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


def _code(fn, **kw):
    with pytest.raises(ApplicationError) as err:
        fn(**kw)
    return err.value.code


def test_the_journey_nominate_review_publicity_objection_register(demo):
    c = campaign(demo)
    hetao, fubao, futian = demo.org("河套科创工会"), demo.org("福保街道"), demo.org("福田区总")
    a = nominate(demo, c)
    b = nominate(demo, c, category="technical")
    assert svc.nominations_submit(actor=demo.user("enterprise_staff"), campaign=c, org=hetao) == 2
    a.refresh_from_db()
    assert (a.status, a.at_org) == ("submitted", fubao)
    # the street union endorses and sends it up; the enterprise union cannot review
    assert _code(
        svc.nomination_review, actor=demo.user("enterprise_staff"), nomination=a, decision="approve"
    ) in (
        "not_found",
        "permission_denied",
    )
    a = svc.nomination_review(actor=demo.user("fubao_staff"), nomination=a, decision="approve")
    assert (a.status, a.at_org) == ("submitted", futian)
    a = svc.nomination_review(actor=demo.user("futian_staff"), nomination=a, decision="approve")
    assert (a.status, a.at_org) == ("approved", None)
    assert [r.decision for r in Review.objects.filter(nomination=a)] == ["forward", "approve"]
    b = svc.nomination_review(
        actor=demo.user("fubao_staff"), nomination=b, decision="reject", note="材料不实"
    )
    assert b.status == "rejected"
    c = svc.campaign_step(actor=None, campaign=c, to="reviewing")
    c = svc.campaign_step(actor=None, campaign=c, to="publicity")
    assert c.publicity_from == timezone.localdate() and c.publicity_until > c.publicity_from
    a.refresh_from_db()
    assert a.status == "publicity"
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    objection = svc.objection_submit(actor=worker, nomination=a, body="该同志去年有违纪记录")
    assert _code(svc.campaign_step, actor=None, campaign=c, to="closed") == "publicity_running"
    with time_machine.travel(dt.datetime.combine(c.publicity_until + dt.timedelta(days=1), dt.time(10))):
        assert _code(svc.objection_submit, actor=worker, nomination=a, body="又一条") == "publicity_closed"
        assert _code(svc.campaign_step, actor=None, campaign=c, to="closed") == "objections_open"
        svc.objection_decide(
            actor=demo.user("futian_staff"), objection=objection, upheld=False, resolution="经核查不属实"
        )
        assert (
            _code(svc.objection_decide, actor=None, objection=objection, upheld=True, resolution="x")
            == "already_decided"
        )
        c = svc.campaign_step(actor=None, campaign=c, to="closed")
    a.refresh_from_db()
    assert a.status == "awarded"
    award = Award.objects.get()
    assert (award.person, award.org, award.awarded_by, award.kind) == (
        a.person,
        hetao,
        futian,
        "model_worker",
    )
    actions = set(AuditEntry.objects.filter(action__startswith="honours.").values_list("action", flat=True))
    assert actions >= {
        "honours.campaign_create",
        "honours.quota_set",
        "honours.campaign_step",
        "honours.nomination_create",
        "honours.nominations_submit",
        "honours.nomination_review",
        "honours.objection_submit",
        "honours.objection_decide",
    }


def test_an_upheld_objection_withdraws_the_nominee(demo):
    c = campaign(demo)
    a = nominate(demo, c)
    svc.nominations_submit(actor=None, campaign=c, org=a.org)
    svc.nomination_review(actor=None, nomination=a, decision="approve")
    svc.nomination_review(actor=None, nomination=a, decision="approve")
    c = svc.campaign_step(
        actor=None, campaign=svc.campaign_step(actor=None, campaign=c, to="reviewing"), to="publicity"
    )
    a.refresh_from_db()
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    o = svc.objection_submit(actor=worker, nomination=a, body="事迹材料有误")
    svc.objection_decide(actor=None, objection=o, upheld=True, resolution="属实，撤销推荐")
    a.refresh_from_db()
    assert a.status == "withdrawn"
    with time_machine.travel(dt.datetime.combine(c.publicity_until + dt.timedelta(days=1), dt.time(10))):
        svc.campaign_step(actor=None, campaign=c, to="closed")
    assert not Award.objects.exists()


def test_refusals_with_their_codes(demo):
    hetao = demo.org("河套科创工会")
    draft = campaign(demo, open_it=False)
    assert _code(nominate, demo=demo, c=draft) == "not_open"
    assert _code(svc.campaign_step, actor=None, campaign=draft, to="closed") == "invalid_transition"
    bare = svc.campaign_create(
        actor=None,
        org=demo.org("福田区总"),
        title="无名额",
        kind="craftsman",
        year=2026,
        closes_on=timezone.localdate(),
    )
    assert _code(svc.campaign_step, actor=None, campaign=bare, to="open") == "no_quota"
    c = campaign(demo, quota=2)
    assert _code(nominate, demo=demo, c=c, unit=demo.org("福保精密工会")) == "no_quota"
    first = nominate(demo, c)
    nominate(demo, c)
    assert _code(nominate, demo=demo, c=c) == "quota_exceeded"
    again = dict(actor=None, campaign=c, org=hetao, category="frontline", deeds="x")
    m = member(hetao)
    svc.nomination_withdraw(actor=None, nomination=first)
    svc.nomination_create(membership=m, **again)
    assert _code(svc.nomination_create, membership=m, **again) in ("duplicate", "quota_exceeded")
    assert _code(svc.nomination_create, membership=None, **again) in ("required", "quota_exceeded")
    # a person honour needs a member of the nominating union's tree
    c2 = campaign(demo, quota=5)
    other = member(demo.org("福保精密工会"))
    assert _code(svc.nomination_create, membership=other, **{**again, "campaign": c2}) == "invalid"
    assert (
        _code(
            svc.nomination_create, membership=member(hetao), **{**again, "campaign": c2, "category": "boss"}
        )
        == "invalid"
    )
    # nothing to submit, reviews need a note to return / reject, and a turn
    assert _code(svc.nominations_submit, actor=None, campaign=c2, org=hetao) == "invalid_transition"
    n = nominate(demo, c2)
    svc.nominations_submit(actor=None, campaign=c2, org=hetao)
    assert _code(svc.nomination_review, actor=None, nomination=n, decision="return", note="") == "required"
    n = svc.nomination_review(actor=None, nomination=n, decision="return", note="补充材料")
    assert n.status == "returned"
    assert _code(svc.nomination_review, actor=None, nomination=n, decision="approve") == "invalid_transition"
    n = svc.nomination_edit(
        actor=None, nomination=n, category="frontline", job_title="", deeds="补充后的材料"
    )
    assert (n.status, n.at_org) == ("draft", None)
    svc.nominations_submit(actor=None, campaign=c2, org=hetao)
    n.refresh_from_db()
    assert _code(svc.nomination_withdraw, actor=None, nomination=n) == "invalid_transition"
    assert (
        _code(
            svc.campaign_step,
            actor=None,
            campaign=svc.campaign_step(actor=None, campaign=c2, to="reviewing"),
            to="publicity",
        )
        == "invalid_transition"
    )
    # no objection outside the public notice
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    assert _code(svc.objection_submit, actor=worker, nomination=n, body="x") == "publicity_closed"
    assert _code(svc.objection_submit, actor=None, nomination=n, body="x") == "invalid"


def test_bad_campaign_fields_name_the_field(demo):
    base = dict(
        actor=None,
        org=demo.org("福田区总"),
        title="t",
        kind="model_worker",
        year=2026,
        closes_on=timezone.localdate(),
    )
    for change, field in [
        ({"year": 10**12}, "year"),
        ({"year": True}, "year"),
        ({"kind": "emperor"}, "kind"),
        ({"closes_on": timezone.localdate() - dt.timedelta(days=1)}, "closes_on"),
        ({"frontline_min_pct": 101}, "frontline_min_pct"),
        ({"managers_max_pct": -1}, "managers_max_pct"),
        ({"publicity_days": 2}, "publicity_days"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
    ]:
        with pytest.raises(ApplicationError) as err:
            svc.campaign_create(**{**base, **change})
        assert field in err.value.fields, change
    c = campaign(demo)
    with pytest.raises(ApplicationError) as err:
        svc.quota_set(actor=None, campaign=c, org=demo.org("宝安区总"), quota=1)
    assert "org_id" in err.value.fields
    with pytest.raises(ApplicationError) as err:
        svc.quota_set(actor=None, campaign=c, org=demo.org("福保街道"), quota=10**9)
    assert "quota" in err.value.fields


def test_the_composition_rule_is_checked_on_submit(demo):
    c = campaign(demo, quota=5, frontline=60, managers=20)
    hetao = demo.org("河套科创工会")
    nominate(demo, c, category="manager")
    nominate(demo, c)
    assert _code(svc.nominations_submit, actor=None, campaign=c, org=hetao) == "composition_rule"
    nominate(demo, c)
    nominate(demo, c)
    nominate(demo, c, category="technical")
    assert svc.nominations_submit(actor=None, campaign=c, org=hetao) == 5  # 3/5 frontline, 1/5 manager
    assert set(Nomination.objects.filter(campaign=c).values_list("status", flat=True)) == {"submitted"}


class _N:
    def __init__(self, category):
        self.category = category


@PROFILE
@given(
    cats=st.lists(st.sampled_from(Category.values), max_size=30),
    fmin=st.integers(0, 100),
    mmax=st.integers(0, 100),
)
def test_composition_problems_match_the_stated_shares(cats, fmin, mmax):
    from zhijia.honours.models import Campaign

    c = Campaign(frontline_min_pct=fmin, managers_max_pct=mmax)
    problems = svc.composition_problems(c, [_N(x) for x in cats])
    if not cats:
        assert problems == []
        return
    share_f = cats.count("frontline") / len(cats)
    share_m = cats.count("manager") / len(cats)
    expected = int(share_f * 100 < fmin - 1e-9) + int(share_m * 100 > mmax + 1e-9)
    assert len(problems) == expected


def test_returned_and_draft_nominations_lapse_at_the_public_notice(demo):
    c = campaign(demo)
    returned, kept = nominate(demo, c), nominate(demo, c)
    svc.nominations_submit(actor=None, campaign=c, org=returned.org)
    svc.nomination_review(actor=None, nomination=returned, decision="return", note="补充材料")
    for _ in range(2):
        svc.nomination_review(actor=None, nomination=kept, decision="approve")
    c = svc.campaign_step(
        actor=None, campaign=svc.campaign_step(actor=None, campaign=c, to="reviewing"), to="publicity"
    )
    returned.refresh_from_db()
    kept.refresh_from_db()
    assert (returned.status, kept.status) == ("withdrawn", "publicity")
