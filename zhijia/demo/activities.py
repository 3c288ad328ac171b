"""Demo activities (issue 5), from the seed articles: the 桃源镇 winter childcare camp (55
places), a 福田职工书院 course of three sessions (on site + live stream + replay), an AI
office-skills training with certificate, a lecture at 河套深港职工服务中心, a DIY workshop and a
skills contest. All go in through the activities services (activity_create → activity_publish,
audited with no actor, like the rest of the demo) and are published with registration open
around the day the demo is seeded (timezone.now()), sessions a few weeks ahead.

When the demo has members (zhijia.demo.members), a handful are enrolled through the enrolment
engine so rosters show data; the demo worker 13800000001 is not a member and is never enrolled.
Idempotent: an activity is matched by (organiser, title); a second run creates nothing.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.activities.enums import ActivityKind, Delivery, EnrolmentChannel
from zhijia.activities.models import Activity
from zhijia.activities.services.activities import activity_create, activity_publish
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.activities.services.questions import activity_questions_set
from zhijia.core.errors import ApplicationError
from zhijia.members.enums import ACTIVE_STATUSES, Relation
from zhijia.members.models import FamilyMember, Person
from zhijia.orgs.models import Org
from zhijia.positions.models import Position

CAMP_TITLE = "“快乐学习·公益同行”寒假公益托管营"
CAMP_GROUP = "2027寒假托管"
CAMP_QUESTIONS = [
    {"preset": "guardian", "required": True},
    {"preset": "pickup_name", "required": True},
    {"preset": "pickup_phone", "required": True},
    {"preset": "health", "required": False},
    {"preset": "emergency_name", "required": True},
    {"preset": "emergency_phone", "required": True},
]
LIVE = "https://live.example.org/futian-shuyuan"  # demo links (example.org: never a real stream)


def _day(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time `days` from today."""
    base = timezone.localtime() + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _session(title: str, days: int, hour: int, hours: float, **links: str) -> dict[str, Any]:
    start = _day(days, hour)
    return {"title": title, "starts_at": start, "ends_at": start + dt.timedelta(hours=hours), **links}


def _window(first_day: int) -> dict[str, dt.datetime]:
    """Registration open since two days ago, closing the day before the first session."""
    return {"registration_opens_at": _day(-2, 9), "registration_closes_at": _day(first_day - 1, 18)}


def _position_id(name: str) -> Any:
    return Position.objects.filter(name=name, deleted_at__isnull=True).values_list("id", flat=True).first()


def _camp() -> dict[str, Any]:
    return {
        "kind": ActivityKind.CAMP,
        "title": CAMP_TITLE,
        "summary": "桃源镇工会联合党群服务中心为企业职工子女开设为期10天的公益托管班：艺术、阅读等免费课程。",
        "category": "公益托管",
        "place_note": "桃源镇党群服务中心",
        "capacity": 55,
        "waitlist_enabled": True,
        "offer_hold_minutes": 24 * 60,
        "for_children": True,
        "child_age_min": 6,
        "child_age_max": 12,
        "limit_group": CAMP_GROUP,
        "limit_count": 1,
        "contact": "桃源镇总工会 0750-0000000",
        "sessions": [_session(f"第{d + 1}天", 21 + d, 8, 8.5) for d in range(10)],
        **_window(21),
    }


def _course() -> dict[str, Any]:
    lessons = ("书法", "油画", "围棋")
    return {
        "kind": ActivityKind.COURSE,
        "delivery": Delivery.MIXED,
        "title": "福田职工书院·琴棋书画大讲堂",
        "summary": "线下授课+直播教学+云端回看：书法、油画、围棋三讲，线上线下同步。",
        "category": "职工书院",
        "place_note": "福田区职工服务中心",
        "online_url": LIVE,
        "capacity": 40,
        "sessions": [
            _session(
                f"第{i + 1}讲 {name}", 10 + 7 * i, 19, 2, live_url=LIVE, replay_url=f"{LIVE}/replay/{i + 1}"
            )
            for i, name in enumerate(lessons)
        ],
        **_window(10),
    }


def _training() -> dict[str, Any]:
    return {
        "kind": ActivityKind.TRAINING,
        "title": "“AI赋能，智赢未来”职工AI智能办公技能培训",
        "summary": "主流AI工具的场景化演示与手把手教学：报表编制、文案沟通、资讯筛选。实操演练+答疑解惑。",
        "category": "技能培训",
        "place_note": "吉大街道职工服务站",
        "capacity": 30,
        "certificate": True,
        "materials": "自带笔记本电脑",
        "sessions": [_session("上午：AI工具入门", 12, 9, 3), _session("下午：实操演练", 12, 14, 3)],
        **_window(12),
    }


def _lecture() -> dict[str, Any]:
    return {
        "kind": ActivityKind.LECTURE,
        "title": "《职场压力与情绪管理》心理健康讲座",
        "summary": "心理咨询师讲解压力管理与情绪调节，OH卡牌、正念冥想互动体验。",
        "category": "心理健康",
        "position_id": _position_id("河套深港职工服务中心"),
        "place_note": "河套深港职工服务中心 职工成长厅",
        "capacity": 60,
        "members_only": False,
        "sessions": [_session("讲座", 8, 15, 2)],
        **_window(8),
    }


def _workshop() -> dict[str, Any]:
    return {
        "kind": ActivityKind.EVENT,
        "title": "新春盆栽DIY",
        "summary": "园艺师讲解多肉植物养护，现场演示并指导职工打造绿色微景观。",
        "category": "文体活动",
        "position_id": _position_id("坦头村职工书屋"),
        "place_note": "坦头村职工书屋",
        "capacity": 40,
        "materials": "盆器与多肉植物由工会提供",
        "sessions": [_session("DIY", 6, 14, 2.5)],
        **_window(6),
    }


def _contest() -> dict[str, Any]:
    return {
        "kind": ActivityKind.CONTEST,
        "title": "职工中式面点职业技能竞赛",
        "summary": "以赛促学、以赛聚才：理论考试与实操比赛，优胜者推荐参加市级竞赛。",
        "category": "劳动和技能竞赛",
        "position_id": _position_id("大朗镇工人文化宫"),
        "place_note": "大朗镇工人文化宫",
        "capacity": 24,
        "requires_approval": True,
        "sessions": [_session("初赛", 25, 9, 4), _session("决赛", 26, 9, 4)],
        **_window(25),
    }


# organiser (name in zhijia.demo.tree) → the activity's data
ACTIVITIES = (
    ("鹤山市桃源镇总工会", _camp),
    ("深圳市福田区总工会", _course),
    ("珠海市香洲区总工会", _training),
    ("河套深港职工服务中心联合工会", _lecture),
    ("广州市南沙区总工会", _workshop),
    ("东莞市大朗镇总工会", _contest),
)
# how many demo members to enrol in each (by title); the camp takes their children, if any
ENROL = {"福田职工书院·琴棋书画大讲堂": 4, "《职场压力与情绪管理》心理健康讲座": 6, "新春盆栽DIY": 3}


def _members() -> list[Person]:
    return list(
        Person.objects.filter(memberships__status__in=ACTIVE_STATUSES, anonymised_at__isnull=True)
        .distinct()
        .order_by("created_at", "id")[:10]
    )


def _enrol(activity: Activity, people: list[Person]) -> None:
    """Enrol `people` (or, for the camp, their children) as staff would; refusals are skipped."""
    for person in people:
        children = (
            FamilyMember.objects.filter(person=person, relation=Relation.CHILD)
            if activity.for_children
            else [None]
        )
        for child in children:
            try:
                enrolment_create(
                    actor=None, activity=activity, person=person, child=child, channel=EnrolmentChannel.STAFF
                )
            except ApplicationError:
                continue


@transaction.atomic
def seed_activities() -> int:
    """Create and publish the demo activities that do not exist yet (matched by organiser and
    title); enrol a few demo members in the new ones. Returns how many activities were created.
    Organisers missing from the tree are skipped."""
    created = 0
    members = _members()
    for org_name, build in ACTIVITIES:
        org = Org.objects.filter(name=org_name).first()
        data = build()
        if org is None or Activity.objects.filter(org=org, title=data["title"]).exists():
            continue
        if data.get("position_id") is None:
            data.pop("position_id", None)
        activity = activity_create(actor=None, org=org, data=data)
        if activity.for_children:  # what a childcare camp asks each family (activities.questions)
            activity = activity_questions_set(actor=None, activity=activity, questions=CAMP_QUESTIONS)
        activity = activity_publish(actor=None, activity=activity)
        created += 1
        count = ENROL.get(activity.title, len(members) if activity.for_children else 0)
        _enrol(activity, members[:count])
    return created
