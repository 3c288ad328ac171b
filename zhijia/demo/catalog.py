"""Demo service list and activity plan, after the seed article on the 河套深港职工服务中心: its
《河套深港职工中心服务清单》 of seven categories and 23 services (the "1+4+3" model: four basic
services — 开放共享, 技能提升, 权益保障, 强企兴商 — and three innovative ones — 深港融合, 湾区联动,
国际链接), published; and the 2026 百场活动清单 of the same union with twelve entries, some held
and one cancelled. Items name their providing positions only when the positions demo
(zhijia.demo.positions) has created a position of that name. Idempotent: an existing list or
plan (same union and title) is left as it is.
"""

from django.db import transaction

from zhijia.catalog import plans, services
from zhijia.catalog.models import ActivityPlan, ServiceList
from zhijia.orgs.models import Org

UNION = "河套深港职工服务中心联合工会"
LIST_TITLE = "河套深港职工中心服务清单"
PLAN_TITLE = "2026年河套深港职工中心百场活动清单"
HUB = "河套深港职工服务中心"
INTRO = (
    "用心用情服务，为深港职工链接成长的每一种可能。"
    "服务中心提供开放共享、技能提升、权益保障、强企兴商四大基础服务，"
    "及深港融合、湾区联动、国际链接三大创新服务。"
)

W, A, M, ON, P = "walk_in", "activity", "menu", "online", "phone"
ALL = "河套园区及周边职工"
# category: [(name, description, audience, access modes, positions besides the hub)]
SERVICES = {
    "开放共享": [
        ("深港启航站参观讲解", "展示河套合作区发展历程与战略蓝图，提供团体参观讲解。", ALL, [W, A], []),
        ("职工书屋借阅", "图书、期刊免费借阅，提供安静阅读空间。", ALL, [W], []),
        ("墨匠咖啡坊", "职工休憩交流空间，会员享优惠饮品。", "工会会员", [W, M], []),
        ("功能室预约", "会议室、活动室免费预约，用于企业工会活动。", "园区企业工会", [ON, P], []),
    ],
    "技能提升": [
        ("“福工学堂”AI技能提升工作坊", "AI办公、数据分析等实操课程，小班教学。", ALL, [A, ON], []),
        ("职业技能培训", "联合培训机构开展职业技能等级培训。", "在职职工", [A, ON], []),
        ("学历提升咨询", "学历提升政策与补贴咨询。", "工会会员", [W, P], []),
        ("阅读分享会", "每月主题阅读分享与读书会。", ALL, [A], []),
    ],
    "权益保障": [
        ("法律服务室", "律师驻点提供劳动法律咨询与援助。", ALL, [W, P, ON], []),
        ("心灵茶舍", "心理咨询师提供个体咨询与团体辅导。", ALL, [A, P], []),
        ("劳动争议调解", "工会调解员协助化解劳动争议。", "园区职工及企业", [W, P], []),
        ("困难职工帮扶", "困难职工建档、帮扶与慰问。", "困难职工", [ON, P], []),
    ],
    "强企兴商": [
        ("企业成果展示区", "为园区企业提供成果展示与推介。", "园区企业", [ON], []),
        ("人才招聘对接", "人才驿站提供招聘信息发布与对接。", "求职者及企业", [W, ON], ["河套人才驿站"]),
        ("企业工会建设指导", "指导企业建会、规范化建设和集体协商。", "园区企业", [P, ON], []),
    ],
    "深港融合": [
        ("深港职工交流活动", "全年不少于十场深港职工交流活动。", "深港职工", [A], []),
        (
            "港人港企政策咨询",
            "与香港工联会深圳工联咨询服务处合作提供政策咨询。",
            "在深港人及港企",
            [W, P],
            [],
        ),
        ("深港志愿服务联动", "深港职工志愿服务联动项目报名。", "深港职工", [A, ON], []),
    ],
    "湾区联动": [
        ("湾区职工联谊", "湾区城市职工联谊与文体活动。", "湾区职工", [A], []),
        ("人大代表联络站联系点", "职工心声、法治民意反映至人大代表。", ALL, [W], []),
    ],
    "国际链接": [
        ("国际人才交流沙龙", "面向国际人才的交流沙龙与讲座。", "国际人才", [A], []),
        ("基层立法信息采集", "全国人大常委会法工委基层立法联系点信息采集。", ALL, [W, ON], []),
        ("职工大食堂就餐", "工会大食堂为园区职工提供平价餐。", "园区职工", [W, M], ["河套园区工会大食堂"]),
    ],
}

# (month, title, category, audience, planned times, planned participants, outcome)
# outcome: None (planned), ("held", times, participants) or "cancelled"
PLAN = [
    (1, "深港职工新春嘉年华", "文体活动", "深港职工", 1, 300, ("held", 1, 320)),
    (2, "新春游园会", "文体活动", ALL, 2, 200, ("held", 2, 260)),
    (3, "“福工学堂”AI办公技能工作坊", "技能提升", ALL, 4, 120, ("held", 3, 95)),
    (3, "三八妇女节插花沙龙", "关爱活动", "女职工", 1, 40, "cancelled"),
    (4, "劳动法律知识讲座", "权益保障", ALL, 2, 80, ("held", 2, 110)),
    (5, "五一劳模工匠分享会", "思想引领", ALL, 1, 100, None),
    (6, "深港青年职工交友联谊", "深港融合", "单身青年职工", 1, 60, None),
    (7, "职工子女暑期托管班", "关爱活动", "职工子女", 4, 80, None),
    (8, "湾区职工羽毛球联赛", "文体活动", "湾区职工", 3, 150, None),
    (9, "心灵茶舍团体心理辅导", "心理关爱", ALL, 2, 40, None),
    (10, "国际人才交流沙龙", "国际链接", "国际人才", 1, 50, None),
    (12, "年终职工读书分享会", "阅读", ALL, 1, 60, None),
]


def _positions(names):
    from zhijia.positions.models import Position

    return list(Position.objects.filter(name__in=names, deleted_at=None))


def _seed_list(org: Org) -> int:
    if ServiceList.objects.filter(org=org, title=LIST_TITLE).exists():
        return 0
    hub = _positions([HUB])
    service_list = services.service_list_create(actor=None, org=org, title=LIST_TITLE, intro=INTRO)
    if hub:
        service_list.position = hub[0]
        service_list.save(update_fields=["position", "updated_at"])
    version = service_list.versions.get()
    for category_name, items in SERVICES.items():
        category = services.category_add(actor=None, version=version, name=category_name)
        for name, description, audience, modes, extra in items:
            item = services.item_add(
                actor=None,
                category=category,
                name=name,
                description=description,
                audience=audience,
                access_modes=modes,
                contact="",
            )
            item.positions.set(_positions([HUB, *extra]))  # the demo has no actor to scope-check
    services.service_list_publish(actor=None, service_list=service_list)
    return 1


def _seed_plan(org: Org) -> int:
    if ActivityPlan.objects.filter(org=org, year=2026, title=PLAN_TITLE).exists():
        return 0
    plan = plans.plan_create(actor=None, org=org, year=2026, title=PLAN_TITLE)
    entries = []
    for month, title, category, audience, times, people, _outcome in PLAN:
        entries.append(
            plans.plan_entry_add(
                actor=None,
                plan=plan,
                month=month,
                title=title,
                category=category,
                audience=audience,
                planned_times=times,
                planned_participants=people,
            )
        )
    hub = _positions([HUB])
    if hub:
        plan.entries.update(position=hub[0])
    plans.plan_publish(actor=None, plan=plan)
    for entry, row in zip(entries, PLAN, strict=True):
        outcome = row[-1]
        if outcome == "cancelled":
            plans.plan_entry_cancel(actor=None, entry=entry, note="场地检修，活动取消")
        elif outcome:
            plans.plan_entry_record(actor=None, entry=entry, held_times=outcome[1], participants=outcome[2])
    return 1


@transaction.atomic
def seed_catalog() -> int:
    """Create the demo service list and activity plan; returns how many were created (0 on a
    second run). Does nothing when the demo tree has not been built."""
    org = Org.objects.filter(name=UNION).first()
    if org is None:
        return 0
    return _seed_list(org) + _seed_plan(org)
