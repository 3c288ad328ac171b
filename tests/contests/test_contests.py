"""Competitions: the journey (register → confirm → judges mark → chief locks → prizes, skill
level, ledger rows, certificate verified) and the rules as properties — a score never comes
from a conflicted judge; ranks and prizes follow the stated tie rules."""

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.elections.support import members
from zhijia.accounts.services import user_create
from zhijia.contests import scoring
from zhijia.contests import services as svc
from zhijia.contests.certificate import certificate_pdf, token_for, verify
from zhijia.contests.models import Score
from zhijia.core.errors import ApplicationError
from zhijia.records.models import ServiceRecord

PROFILE = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _judge(demo, name, unit, event, conflicts=(), chief=False):
    user = user_create(actor=None, username=name, password=demo.password, org=unit)
    return svc.judge_add(
        actor=None, event=event, user=user, unit=unit, conflicts=list(conflicts), chief=chief
    )


def _setup(demo):
    futian, hetao, fubao_jm = demo.org("福田区总"), demo.org("河套科创工会"), demo.org("福保精密工会")
    contest = svc.contest_create(actor=None, org=futian, title="福田区职工技能竞赛", year=2026)
    event = svc.event_create(
        actor=None,
        contest=contest,
        title="电工",
        aspects=[("measurement", "接线正确", "60"), ("judgement", "工艺规范", "40")],
        prizes=(1, 1, 0),
        skill_level="level3",
    )
    entries = []
    for unit in (hetao, hetao, fubao_jm):
        person = members(unit, 1, "选手")[0]
        entry = svc.entry_register(actor=demo.user("futian_staff"), event=event, unit=unit, people=[person])
        entries.append(svc.entry_confirm(actor=None, entry=entry))
    return contest, event, entries, (futian, hetao, fubao_jm)


@pytest.mark.django_db
def test_contest_journey(demo):
    contest, event, entries, (futian, hetao, fubao_jm) = _setup(demo)
    svc.contest_start(actor=None, contest=contest)
    chief = _judge(demo, "chief", futian, event, chief=True)
    a = _judge(demo, "judge-a", hetao, event)
    b = _judge(demo, "judge-b", futian, event, conflicts=[fubao_jm])
    measure, judgement = list(event.aspects.order_by("order"))
    # a judge of 河套 never marks 河套's entries; b declared 福保精密
    with pytest.raises(ApplicationError) as err:
        svc.score_record(actor=a.user, entry=entries[0], aspect=measure, value="50")
    assert err.value.code == "judge_conflict"
    with pytest.raises(ApplicationError) as err:
        svc.score_record(actor=b.user, entry=entries[2], aspect=judgement, value="3")
    assert err.value.code == "judge_conflict"
    marks = {0: ("55", ["3", "2", "3"]), 1: ("55", ["2", "2", "2"]), 2: ("40", ["3", "3", "3"])}
    for i, (m, _js) in marks.items():
        svc.score_record(actor=chief.user, entry=entries[i], aspect=measure, value=m)
    extra = _judge(demo, "judge-c", futian, event)
    panel = {0: [chief, b, extra], 1: [chief, b, extra], 2: [chief, a, extra]}
    for i, (_m, js) in marks.items():
        for judge, v in zip(panel[i], js, strict=True):
            svc.score_record(actor=judge.user, entry=entries[i], aspect=judgement, value=v)
    fourth = _judge(demo, "judge-d", futian, event)
    with pytest.raises(ApplicationError) as err:  # a fourth judge on a judgement aspect
        svc.score_record(actor=fourth.user, entry=entries[2], aspect=judgement, value="1")
    assert err.value.code == "judgement_panel_full"
    with pytest.raises(ApplicationError) as err:
        svc.results_lock(actor=a.user, event=event)
    assert err.value.code == "not_chief"
    svc.results_lock(actor=chief.user, event=event)
    for e in entries:
        e.refresh_from_db()
    # 0: 55 + 40×(8/9)=90.556; 1: 55 + 40×(2/3)=81.667; 2: 40 + 40 = 80
    assert [e.rank for e in entries] == [1, 2, 3] and [e.award for e in entries] == [
        "first",
        "second",
        "merit",
    ]
    winner = entries[0].people.get()
    assert winner.skill_level == "level3"
    assert ServiceRecord.objects.filter(source="contest").count() == 3
    with pytest.raises(ApplicationError):
        svc.score_record(actor=chief.user, entry=entries[1], aspect=measure, value="60")
    assert certificate_pdf(entries[0], winner, "https://example.test/v").startswith(b"%PDF")
    assert verify(token_for(entries[0], winner))["award"]
    with pytest.raises(ApplicationError) as err:
        verify("forged")
    assert err.value.code == "bad_certificate"


@pytest.mark.django_db
@PROFILE
@given(data=st.data())
def test_a_score_never_comes_from_a_conflicted_judge(demo_once, data):
    _contest, event, entries, _units, judges = demo_once
    aspects = list(event.aspects.all())
    for _ in range(data.draw(st.integers(1, 12))):
        judge = data.draw(st.sampled_from(judges))
        entry = data.draw(st.sampled_from(entries))
        aspect = data.draw(st.sampled_from(aspects))
        value = data.draw(st.sampled_from(["0", "1", "2", "3"]))
        with contextlib.suppress(ApplicationError):  # refusals are fine; what is stored is checked
            svc.score_record(actor=judge.user, entry=entry, aspect=aspect, value=value)
    for score in Score.objects.select_related("judge", "entry"):
        assert not svc.conflicted(score.judge, score.entry)


@pytest.fixture
def demo_once(demo):
    contest, event, entries, (futian, hetao, fubao_jm) = _setup(demo)
    svc.contest_start(actor=None, contest=contest)
    judges = [
        _judge(demo, "pj-1", hetao, event),
        _judge(demo, "pj-2", futian, event, conflicts=[fubao_jm]),
        _judge(demo, "pj-3", fubao_jm, event),
        _judge(demo, "pj-4", futian, event, conflicts=[hetao, fubao_jm]),
    ]
    return contest, event, entries, (futian, hetao, fubao_jm), judges


totals_st = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.tuples(*[st.integers(0, 5).map(Decimal)] * 2),
    min_size=1,
    max_size=12,
)


@PROFILE
@given(totals_st, st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))
def test_ranks_and_prizes_follow_the_tie_rules(parts, first, second, third):
    scores = {e: (j + m, j, m) for e, (j, m) in parts.items()}
    ranked = scoring.ranks(scores)
    prizes = scoring.awards(ranked, first=first, second=second, third=third)
    for x in scores:
        for y in scores:
            if scores[x] > scores[y]:  # better on total, then judgement, then measurement
                assert ranked[x] < ranked[y]
            if scores[x] == scores[y]:
                assert ranked[x] == ranked[y] and prizes[x] == prizes[y]
        # a rank is 1 + the number of strictly better entries
        assert ranked[x] == 1 + sum(scores[y] > scores[x] for y in scores)
    order = ["first", "second", "third", "merit"]
    best_first = sorted(scores, key=lambda e: ranked[e])
    assert [order.index(prizes[e]) for e in best_first] == sorted(order.index(prizes[e]) for e in best_first)


def test_judgement_is_the_mean_of_three_over_three():
    marks = [scoring.Mark("e", "a", "judgement", Decimal(30), Decimal(v)) for v in (3, 2, 1)]
    marks.append(scoring.Mark("e", "m", "measurement", Decimal(70), Decimal(65)))
    assert scoring.totals(marks)["e"] == (Decimal("85.000"), Decimal("20.000"), Decimal("65.000"))
