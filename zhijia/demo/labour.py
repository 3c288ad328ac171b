"""Demo labour registry (issue 14, 一库三台账), from 平利县 (陕西省安康市): the county's union and the
village committees went door to door in 广佛镇 — 塘坊村 and 三坪村 — and built the registry and
its three ledgers; the town formed four service teams (产业技术服务队, 乡村基建工程队, 农机服务队,
家政服务队) serving the 广佛镇乡村建设服务公司, which set up its own union and posts jobs.

Generated households (`people`, ~3 people each) go in by bulk inserts (the registry's own rows:
encrypted ID numbers with their blind index, a status history of one or two periods, skills by
职业分类大典 code, wishes, assistance flags, consents), as the member demo's generated people
do; the named parts — jobs, referrals and their funnel, teams, assignments and work days — go
through zhijia.labour.services with the system as the actor. Logins: pingli_staff (clerk of
the county union), tangfang_surveyor (village surveyor of 塘坊村), xiangjian_staff (clerk of the
company's union). Idempotent: a second run creates nothing."""

import datetime as dt
import random
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.services import user_create
from zhijia.labour.enums import ReferralStep
from zhijia.labour.models import Assistance, Household, Job, RegistryPerson, Skill, StatusPeriod, Team
from zhijia.labour.services.jobs import job_create, referral_create, referral_step
from zhijia.labour.services.registry import CONSENT_NOTICE
from zhijia.labour.services.status import relink
from zhijia.labour.services.teams import assignment_create, attendance_record, team_create, team_members_add
from zhijia.labour.sorting import sort_key_set
from zhijia.members.enums import ConsentPurpose
from zhijia.members.models import Consent, Person
from zhijia.members.validation import id_index
from zhijia.orgs.models import Org, Role, RoleGrant
from zhijia.orgs.services import pinyin_fields, role_grant

from .labour_tree import pingli_tree

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "志强",
    "海燕",
    "明",
    "丽",
    "军",
    "平",
    "红梅",
    "德华",
    "春花",
    "小龙",
    "玉兰",
    "国庆",
    "文静",
]
# (code, title)
SKILLS = [
    ("6-29", "砌筑工"),
    ("6-29", "钢筋工"),
    ("4-10", "家政服务员"),
    ("4-14", "养老护理员"),
    ("5-01", "茶叶种植"),
    ("6-02", "茶叶加工工"),
    ("6-30", "挖掘机驾驶员"),
    ("5-05", "农机操作员"),
    ("4-03", "中式烹调师"),
    ("6-24", "电工"),
]
DESTINATIONS = ["广东东莞", "江苏苏州", "陕西西安", "浙江宁波", "安康市汉滨区"]
LOCAL_EMPLOYERS = ["平利县女娲茶业", "广佛镇社区工厂", "广佛镇乡村建设服务有限公司"]
STATUS_WEIGHTS = [("migrant", 45), ("local", 20), ("flexible", 10), ("unemployed", 20), ("incapable", 5)]
USERS = {
    "pingli_staff": ("平利县总业务员", "平利县总", "clerk"),
    "tangfang_surveyor": ("塘坊村调查员", "塘坊村", "village_surveyor"),
    "xiangjian_staff": ("乡建公司工会干事", "广佛乡建公司工会", "clerk"),
}


def cn_id(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


@lru_cache(maxsize=4096)
def _pinyin(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(pinyin_fields(name).items())


def _pick_status(rng: random.Random) -> str:
    roll, total = rng.randrange(100), 0
    for status, weight in STATUS_WEIGHTS:
        total += weight
        if roll < total:
            return status
    return "unemployed"


def bulk_people(
    village: Org, count: int, *, start: int = 0, seed: int = 14, today: dt.date | None = None
) -> int:
    """Insert `count` generated people of `village` (households of ~3), numbered from `start`
    (ID numbers are unique per number). Returns how many were created (0 if they exist)."""
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}-{village.name}-{start}")
    people, entries, periods, skills, flags, consents, households = [], [], [], [], [], [], {}
    now = timezone.now()
    for i in range(start, start + count):
        born = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        number = cn_id(f"61{(i // 1000) % 10000:04d}", born, i)  # unique per i, whatever the birth date
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        person = Person(
            name=name,
            gender="male" if int(number[16]) % 2 else "female",
            birth_date=born,
            id_type="cn_resident",
            id_number=number,
            id_index=id_index("cn_resident", number),
            **dict(_pinyin(name)),
        )
        people.append(person)
        group = f"{rng.randrange(1, 9)}组"
        key = (group, f"{i // 3:05d}")
        if key not in households:
            households[key] = Household(
                org=village, group=group, number=key[1], address=f"{village.short_name}{group}"
            )
        status = _pick_status(rng)
        since = today - dt.timedelta(days=rng.randrange(30, 1000))
        skill = rng.choice(SKILLS)
        entry = RegistryPerson(
            person=person,
            org=village,
            household=households[key],
            group=group,
            status=status,
            status_since=since,
            skill_level=rng.choice(["", "level5", "level4", "level3"]),
            wanted_occupation=skill[0],
            wanted_job=skill[1] if status == "unemployed" else "",
            wanted_range=rng.choice(["village", "town", "county", "anywhere"]),
            wanted_wage=rng.choice([None, 3000, 4000, 5000]),
            training_needs=rng.choice(["", "", "电商直播", "养老护理", "茶叶加工"]),
            surveyed_on=today - dt.timedelta(days=rng.randrange(1, 200)),
        )
        entries.append(entry)
        if rng.random() < 0.3:  # one earlier period: they changed status once
            earlier = since - dt.timedelta(days=rng.randrange(60, 700))
            periods.append(
                StatusPeriod(
                    entry=entry,
                    org=village,
                    status=_pick_status(rng),
                    starts_on=earlier,
                    ends_on=since,
                    source="survey",
                )
            )
        periods.append(
            StatusPeriod(
                entry=entry,
                org=village,
                status=status,
                starts_on=since,
                source="survey",
                destination=rng.choice(DESTINATIONS) if status == "migrant" else "",
                employer=rng.choice(LOCAL_EMPLOYERS) if status == "local" else "",
            )
        )
        skills.append(Skill(entry=entry, occupation=skill[0], title=skill[1], level=entry.skill_level))
        if rng.random() < 0.15:
            kind = rng.choice(["poverty", "dibao", "disability", "zero_employment"])
            flags.append(
                Assistance(entry=entry, kind=kind, starts_on=since - dt.timedelta(days=rng.randrange(400)))
            )
        if rng.random() < 0.7:
            consents.append(
                Consent(
                    person=person,
                    purpose=ConsentPurpose.JOB_MATCHING,
                    notice_version=CONSENT_NOTICE,
                    given_at=now,
                )
            )
    with transaction.atomic():
        indexes = [p.id_index for p in people]
        if Person.objects.filter(id_index__in=indexes[:1] + indexes[-1:]).exists():
            return 0
        Household.objects.bulk_create(list(households.values()), ignore_conflicts=True)
        stored = {(h.group, h.number): h for h in Household.objects.filter(org=village)}
        for entry in entries:
            entry.household = stored[(entry.household.group, entry.household.number)]
            sort_key_set(entry)
        Person.objects.bulk_create(people, batch_size=1000)
        RegistryPerson.objects.bulk_create(entries, batch_size=1000)
        StatusPeriod.objects.bulk_create(periods, batch_size=2000)
        Skill.objects.bulk_create(skills, batch_size=2000)
        Assistance.objects.bulk_create(flags, batch_size=2000)
        Consent.objects.bulk_create(consents, batch_size=2000)
    return len(people)


def _users(units: dict[str, Org], password: str) -> dict[str, User]:
    found = {}
    for username, (display, unit, role) in USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None, username=username, password=password, org=units[unit], display_name=display
            )
        role_obj = Role.objects.get(code=role)
        if not RoleGrant.objects.filter(user=user, org=units[unit], role=role_obj).exists():
            role_grant(actor=None, user=user, org=units[unit], role=role_obj)
        found[username] = user
    return found


JOBS = [
    # title, code, skills, headcount, wage_min, wage_max, place, days from today
    ("砌筑工（安置房项目）", "6-29", ["6-30"], 6, 4500, 6500, "广佛镇安置小区", -120),
    ("保洁员（敬老院）", "4-10", ["4-14"], 3, 2500, 3200, "广佛镇敬老院", 10),
    ("挖掘机驾驶员", "6-30", [], 2, 6000, 8000, "广佛镇道路工程", 20),
]
TEAMS = [
    ("industry", "广佛镇茶产业技术服务队", "5-01"),
    ("construction", "广佛镇乡村基建工程队", "6-29"),
    ("farm_machinery", "广佛镇农机服务队", "5-05"),
    ("domestic", "广佛镇家政服务队", "4-10"),
]


def seed_labour(password: str, people: int = 3000) -> int:
    """The 平利县 registry, logins, jobs with a funnel and four teams; returns rows created."""
    units = pingli_tree()
    _users(units, password)
    created = 0
    half = people // 2
    created += bulk_people(units["塘坊村"], people - half, start=0)
    created += bulk_people(units["三坪村"], half, start=people - half)
    for entry in RegistryPerson.objects.filter(
        org__in=[units["塘坊村"], units["三坪村"]], status=""
    ).iterator():
        relink(entry)
    created += _jobs(units) + _teams(units)
    return created


def _jobs(units: dict[str, Org]) -> int:
    company = units["广佛乡建公司工会"]
    if Job.objects.filter(org=company).exists():
        return 0
    today = timezone.localdate()
    jobs = []
    for title, code, skills, headcount, low, high, place, offset in JOBS:
        data: dict[str, Any] = {
            "title": title,
            "occupation": code,
            "skills": skills,
            "headcount": headcount,
            "wage_min": low,
            "wage_max": high,
            "place": place,
            "place_org": units["广佛镇"],
            "starts_on": (today + dt.timedelta(days=offset)).isoformat(),
            "min_age": 18,
            "max_age": 60,
        }
        jobs.append(job_create(actor=None, org=company, data=data))
    first = jobs[0]
    start = first.starts_on
    matches = _system_matches(first, 6)
    steps = [
        [ReferralStep.INTERVIEWED, ReferralStep.HIRED, ReferralStep.RETAINED_30, ReferralStep.RETAINED_90],
        [ReferralStep.INTERVIEWED, ReferralStep.HIRED, ReferralStep.RETAINED_30],
        [ReferralStep.INTERVIEWED, ReferralStep.HIRED],
        [ReferralStep.INTERVIEWED, ReferralStep.DECLINED],
        [],
        [ReferralStep.DECLINED],
    ]
    for entry, plan in zip(matches, steps, strict=False):
        referral = referral_create(actor=None, job=first, entry=entry, on=start - dt.timedelta(days=10))
        when = {
            ReferralStep.INTERVIEWED: start - dt.timedelta(days=5),
            ReferralStep.HIRED: start,
            ReferralStep.RETAINED_30: start + dt.timedelta(days=31),
            ReferralStep.RETAINED_90: start + dt.timedelta(days=91),
            ReferralStep.DECLINED: start - dt.timedelta(days=4),
        }
        for step in plan:
            referral = referral_step(actor=None, referral=referral, step=step, on=min(when[step], today))
    return len(jobs)


def _system_matches(job: Job, limit: int) -> list[RegistryPerson]:
    """The best matches over the whole registry (the system sees everything)."""
    from zhijia.labour.selectors.matching import hard_q

    qs = RegistryPerson.objects.filter(hard_q(job)).filter(skills__occupation=job.occupation).distinct()
    return list(qs.select_related("org", "person").order_by("pk")[:limit])


def _teams(units: dict[str, Org]) -> int:
    town = units["广佛镇"]
    if Team.objects.filter(org=town).exists():
        return 0
    today = timezone.localdate()
    for kind, name, code in TEAMS:
        team = team_create(actor=None, org=town, kind=kind, name=name, serves=units["广佛乡建公司工会"])
        members = list(
            RegistryPerson.objects.filter(org__parent=town, skills__occupation=code)
            .exclude(status="incapable")
            .order_by("pk")[:8]
        )
        team_members_add(actor=None, team=team, entries=members, on=today - dt.timedelta(days=60))
        work = assignment_create(
            actor=None,
            team=team,
            title=f"{name}：{'安置小区' if kind == 'construction' else '乡建公司项目'}",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
            day_pay="180.00",
        )
        for back in (1, 2, 3):
            attendance_record(
                actor=None, assignment=work, entries=members[:5], on=today - dt.timedelta(days=back)
            )
    return len(TEAMS)
