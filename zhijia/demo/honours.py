"""Demo honours, star-rated unions and a skills contest (issue 15), with the demo's own members
(zhijia.demo.members; without them only the star criteria and assessments are made):

- 深圳市总工会's 五一劳动奖章 campaign: a quota for 福田区总工会, two 福保精密 workers nominated,
  approved and on public notice (公示) now — the public page and the objection form show them.
- 福田区总工会's star criteria for the year, published: 河套科创工会 self-assessed and scored (its
  stars, valid for a year), 福保精密工会 self-assessed and waiting to be scored.
- 福田区总工会's 职工职业技能竞赛: two events (电工, 数控车工) with marking sheets, 福保精密's
  entries confirmed, futian_staff the chief judge, marked and locked: ranks, prizes, certificates.

Through the services, with the system (or the demo judge) as the actor. Idempotent: each part
is matched by (union, title) and a second run creates nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.contests import services as contests
from zhijia.contests.models import Contest
from zhijia.honours import services as honours
from zhijia.honours import stars
from zhijia.honours.models import Campaign, CriteriaSet
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.orgs.models import Org

CITY, DISTRICT = "深圳市总工会", "深圳市福田区总工会"
KECHUANG, FUBAO = "深圳河套深港科创有限公司工会委员会", "深圳福保精密电子有限公司工会委员会"


def _member(union: Org, name: str) -> Membership | None:
    return (
        Membership.objects.filter(org=union, person__name=name, status__in=ACTIVE_STATUSES)
        .select_related("person", "org")
        .first()
    )


def seed_may_day(city: Org, district: Org, fubao: Org) -> int:
    title = f"{timezone.localdate().year + 1}年深圳市五一劳动奖章评选"
    nominees = [_member(fubao, "黄晓明"), _member(fubao, "杨磊")]
    if Campaign.objects.filter(org=city, title=title).exists() or None in nominees:
        return 0
    campaign = honours.campaign_create(
        actor=None,
        org=city,
        title=title,
        kind="may_day_medal",
        year=timezone.localdate().year + 1,
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        frontline_min_pct=50,
        managers_max_pct=20,
    )
    honours.quota_set(actor=None, campaign=campaign, org=district, quota=2)
    campaign = honours.campaign_step(actor=None, campaign=campaign, to="open")
    deeds = {
        "黄晓明": "扎根数控车床一线十二年，攻克精密轴类零件加工难题，良品率由92%提升到99.6%，带徒18人。",
        "杨磊": "装配班组长，牵头精益改善项目27项，年节约成本120万元，获评市级优秀班组。",
    }
    made = []
    for membership, job in zip(nominees, ("数控车工", "装配班组长"), strict=True):
        assert membership is not None
        made.append(
            honours.nomination_create(
                actor=None,
                campaign=campaign,
                org=district,
                membership=membership,
                category="frontline",
                job_title=job,
                deeds=deeds[membership.person.name],
            )
        )
    honours.nominations_submit(actor=None, campaign=campaign, org=district)
    for nomination in made:
        nomination.refresh_from_db()
        honours.nomination_review(actor=None, nomination=nomination, decision="approve", note="同意推荐")
    campaign = honours.campaign_step(actor=None, campaign=campaign, to="reviewing")
    honours.campaign_step(actor=None, campaign=campaign, to="publicity")
    return 1


def seed_stars(district: Org, kechuang: Org, fubao: Org) -> int:
    year = timezone.localdate().year
    title = f"{year}年福田区星级职工之家评定"
    if CriteriaSet.objects.filter(org=district, title=title).exists():
        return 0
    criteria = stars.criteria_create(
        actor=None,
        org=district,
        title=title,
        year=year,
        thresholds=["60", "70", "80", "90", "95"],
        items=[
            ("组织建设与会员覆盖", "30", "18", "members"),
            ("职工活动开展", "25", "10", "activities"),
            ("服务职工台账", "25", "10", "services"),
            ("职工之家阵地建设", "20", "10", ""),
        ],
    )
    criteria = stars.criteria_publish(actor=None, criteria=criteria)
    own = {
        KECHUANG: (("28", "22", "21", "18"), ("27", "20", "19", "17")),
        FUBAO: (("27", "20", "18", "16"), None),
    }
    for union in (kechuang, fubao):
        assessment = stars.assessment_start(actor=None, criteria=criteria, org=union)
        ids = [str(i.criterion_id) for i in assessment.items.order_by("criterion__order")]
        self_points, scored = own[union.name]
        notes = {ids[3]: "职工之家面积200平方米，设阅览室、母婴室和健身角。"}
        assessment = stars.assessment_self(
            actor=None, assessment=assessment, points=dict(zip(ids, self_points, strict=True)), notes=notes
        )
        if scored:
            points = dict(zip(ids, scored, strict=True))
            stars.assessment_score(actor=None, assessment=assessment, points=points)
    return 1


def seed_contest(district: Org, fubao: Org) -> int:
    title = f"{timezone.localdate().year}年福田区职工职业技能竞赛"
    judge = User.objects.filter(username="futian_staff").first()
    entrants = {"电工": ["徐强", "孙丽"], "数控车工": ["黄晓明", "吕𠀀"]}
    people = {n: _member(fubao, n) for names in entrants.values() for n in names}
    if Contest.objects.filter(org=district, title=title).exists() or judge is None or None in people.values():
        return 0
    contest = contests.contest_create(actor=None, org=district, title=title, year=timezone.localdate().year)
    sheets = {
        "电工": [("measurement", "线路接线正确", "60"), ("judgement", "工艺规范与安全", "40")],
        "数控车工": [("measurement", "尺寸精度", "70"), ("judgement", "表面质量", "30")],
    }
    events = {}
    for name, aspects in sheets.items():
        events[name] = contests.event_create(
            actor=None, contest=contest, title=name, aspects=aspects, prizes=(1, 1, 0), skill_level="level3"
        )
    entries = {}
    for name, names in entrants.items():
        for person_name in names:
            membership = people[person_name]
            assert membership is not None
            entry = contests.entry_register(
                actor=None, event=events[name], unit=fubao, people=[membership.person]
            )
            entries[person_name] = contests.entry_confirm(actor=None, entry=entry)
    for event in events.values():
        contests.judge_add(actor=None, event=event, user=judge, unit=district, conflicts=[], chief=True)
    contests.contest_start(actor=None, contest=contest)
    marks = {"徐强": ("56", "3"), "孙丽": ("51", "2"), "黄晓明": ("66", "3"), "吕𠀀": ("60", "2")}
    for name, names in entrants.items():
        measure, judgement = list(events[name].aspects.order_by("order"))
        for person_name in names:
            entry, (m, j) = entries[person_name], marks[person_name]
            contests.score_record(actor=judge, entry=entry, aspect=measure, value=m)
            contests.score_record(actor=judge, entry=entry, aspect=judgement, value=j)
        contests.results_lock(actor=judge, event=events[name])
    return 1


@transaction.atomic
def seed_honours() -> int:
    units = {o.name: o for o in Org.objects.filter(name__in=[CITY, DISTRICT, KECHUANG, FUBAO])}
    if len(units) < 4:
        return 0
    city, district, kechuang, fubao = (units[n] for n in (CITY, DISTRICT, KECHUANG, FUBAO))
    return (
        seed_may_day(city, district, fubao)
        + seed_stars(district, kechuang, fubao)
        + seed_contest(district, fubao)
    )
