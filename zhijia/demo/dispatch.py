"""Demo expert services (issue 6), from the seed articles: 新丰县总工会's 心理服务直通车 — a
menu in four categories (心理讲座, 团体辅导, 心理沙龙, 危机干预; "基层点单、工会派单、专家接单"),
an expert pool of six (one of them a 讲师团 team, one with an expired certificate, one away for a
few days), the 5万 yuan yearly budget, a factory union in 马头镇 that has ordered services in
every state of the workflow, and an open needs survey — and 静海区总工会's 工匠学院直通车
(training delivered to the shop floor) with its 讲师团.

Everything goes in through zhijia.dispatch.services with the system as the actor (as the rest of
the demo), except the steps only the expert may take (accept, check-in, deliver, rate the
union), which the demo expert (the `expert_demo` login, linked to 陈静怡) takes as herself.
Dates are relative to the day of seeding: the booked orders lie ahead, the delivered and settled
ones a little behind.

Idempotent: a menu is matched by (union, title), an expert by (pool, name), an order by
(ordering union, item code), a survey by (union, title), a union by name; a second run creates
nothing.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.dispatch.enums import ExpertKind, ItemFormat, OrderStatus, Payer
from zhijia.dispatch.models import Budget, Expert, Menu, NeedSurvey, ServiceOrder
from zhijia.dispatch.services.budget import budget_set
from zhijia.dispatch.services.experts import (
    expert_link_user,
    expert_save,
    qualification_save,
    unavailability_add,
)
from zhijia.dispatch.services.menus import item_save, menu_create, menu_publish
from zhijia.orgs.models import Org

XINFENG = "新丰县总工会"
JINGHAI = "天津市静海区总工会"
TOWN = "新丰县马头镇总工会"
FACTORY = "新丰县马头镇丰华电子厂工会委员会"
DIVISION = "440233"
BUDGET = Decimal("50000")
PSY = "心理咨询师"
L, G, ONE, TR = ItemFormat.LECTURE, ItemFormat.GROUP, ItemFormat.ONE_TO_ONE, ItemFormat.TRAINING

PSY_MENU = {
    "title": "心理服务直通车",
    "intro": (
        "基层工会直接“点单”，县总工会精准“派单”，心理专家上门“接单”。"
        "讲座、团体辅导、心理沙龙和危机干预开进工业园区、企业车间、乡镇街道和机关单位，"
        "由具备资质的心理咨询师主讲或带领，OH卡牌、正念冥想、心理剧、沙盘游戏等多元互动形式。"
    ),
    "payer": Payer.DISPATCHING,
    # (code, category, title, format, minutes, audience min, max, cost, qualification, description)
    "items": [
        ("XL-01", "心理讲座", "《职场压力与情绪管理》", L, 120, 30, 300, 1800, PSY,
         "面向工业园区企业职工：高强度工作压力、职场人际关系、安全生产心理调适。"),
        ("XL-02", "心理讲座", "《摆脱职业倦怠，重拾工作激情》", L, 120, 30, 300, 1800, PSY,
         "面向机关事业单位职工：职业倦怠的识别与应对。"),
        ("XL-03", "心理讲座", "《亲子沟通的艺术》", L, 90, 20, 200, 1500, "",
         "亲子关系、家庭沟通，适合有子女的职工。"),
        ("XL-04", "心理讲座", "《农民工心理适应与情绪调节》", L, 90, 20, 300, 1500, "",
         "面向乡镇一线职工、农民工：异地务工适应与情绪调节。"),
        ("XL-05", "心理讲座", "《婚恋情感与家庭幸福》", L, 90, 20, 200, 1500, "",
         "婚恋情感、家庭关系中的心理疏导。"),
        ("TF-01", "团体辅导", "OH卡牌团体心理辅导", G, 150, 10, 30, 2500, PSY,
         "以OH卡牌投射互动，帮助职工觉察情绪、释放压力。"),
        ("TF-02", "团体辅导", "正念冥想减压工作坊", G, 120, 10, 40, 2200, PSY,
         "呼吸、身体扫描与正念练习，学会随时随地减压。"),
        ("TF-03", "团体辅导", "沙盘游戏团体体验", G, 180, 6, 16, 2800, PSY,
         "小组沙盘游戏，增进自我认识与团队理解。"),
        ("TF-04", "团体辅导", "团队协作心理拓展", G, 180, 20, 60, 3000, "",
         "团队协作、沟通信任的心理拓展活动，适合班组、车间。"),
        ("SL-01", "心理沙龙", "“职工心灵驿站”读书分享沙龙", G, 90, 8, 30, 800, "",
         "围绕心理健康读物的分享交流，轻松温暖。"),
        ("SL-02", "心理沙龙", "心理剧体验沙龙", G, 120, 10, 30, 1500, "",
         "以心理剧的方式重现和理解生活中的困扰。"),
        ("WJ-01", "危机干预", "一对一心理疏导", ONE, 60, 1, 1, 600, PSY,
         "为有需要的职工提供保密的一对一心理疏导。"),
        ("WJ-02", "危机干预", "突发事件心理危机干预", ONE, 240, 1, 50, 3500, PSY,
         "工伤事故等突发事件后的心理危机干预与哀伤辅导。"),
    ],
}  # fmt: skip

CRAFT_MENU = {
    "title": "工匠学院直通车",
    "intro": (
        "变“学员请上来”为“课程送下去”：区总工会与区成人职业教育中心的讲师团，"
        "利用工余时间把课程送到产业工人聚集的园区和乡镇。专业课程+专题动员双模块。"
    ),
    "payer": Payer.DISPATCHING,
    "items": [
        ("GJ-01", "专业课程", "直播技能与电子商务实务", TR, 180, 20, 80, 2000, "",
         "直播账号搭建、流程把控，结合本土产业案例。"),
        ("GJ-02", "专业课程", "市场营销核心知识", TR, 180, 20, 80, 2000, "",
         "市场分析、客户维护到品牌推广。"),
        ("GJ-03", "专业课程", "数控编程技术培训", TR, 240, 10, 40, 3000, "",
         "面向高新产业园企业的数控编程实操。"),
        ("GJ-04", "专业课程", "职工急救知识培训", TR, 120, 20, 60, 1200, "救护员",
         "心肺复苏、止血包扎等现场急救技能。"),
        ("GJ-05", "专题动员", "“产改”政策专题辅导", L, 90, 20, 300, 0, "",
         "解读产业工人队伍建设改革的目标、路径与政策要点。"),
    ],
}  # fmt: skip

ALL_LECTURES = ["XL-01", "XL-02", "XL-03", "XL-04", "XL-05"]

# name: (kind, title, phone, specialties, [(qualification, years valid from today or None)],
#        bio, monthly capacity)
XINFENG_EXPERTS = {
    "陈静怡": (
        ExpertKind.PERSON, "国家二级心理咨询师", "13800002001",
        [*ALL_LECTURES, "TF-01", "TF-02", "SL-01"], [(PSY, 3)],
        "从事职工心理健康服务十余年，擅长压力管理与情绪调节、OH卡牌团体辅导。", 8,
    ),
    "刘思远": (
        ExpertKind.PERSON, "心理治疗师", "13800002002",
        ["XL-01", "TF-02", "TF-03", "WJ-01", "WJ-02"], [(PSY, 2), ("心理治疗师", 4)],
        "县人民医院心理科，长期参与突发事件心理危机干预。", 6,
    ),
    "黄晓敏": (
        ExpertKind.PERSON, "心理咨询师", "13800002003",
        ["XL-03", "XL-05", "TF-01", "SL-01"], [(PSY, -1)],
        "婚恋家庭与亲子关系方向，证书正在复审。", 8,
    ),
    "张建华": (
        ExpertKind.PERSON, "中级社会工作师", "13800002004",
        ["TF-04", "SL-01", "SL-02", "XL-04"], [("社会工作师", None)],
        "社工站负责人，带领团队协作拓展与心理剧沙龙。", 8,
    ),
    "李文": (
        ExpertKind.PERSON, "婚姻家庭咨询师", "13800002005",
        ["XL-03", "XL-05", "SL-02"], [],
        "专注婚恋情感与家庭沟通。", 4,
    ),
    "新丰县职工心理健康讲师团": (
        ExpertKind.TEAM, "讲师团", "13800002006",
        [*ALL_LECTURES, "TF-04"], [(PSY, 3)],
        "由县内心理咨询师、社工和工会干部组成，承接大型讲座与巡回宣讲。", 10,
    ),
}  # fmt: skip
TEAM_MEMBERS = {"新丰县职工心理健康讲师团": ["陈静怡", "张建华"]}
AWAY = ("张建华", 8, 12, "外出培训")  # (expert, from day, until day (from today), note)

JINGHAI_EXPERTS = {
    "静海区工匠学院讲师团": (
        ExpertKind.TEAM, "区成人职业教育中心讲师团", "13800002011",
        ["GJ-01", "GJ-02", "GJ-03", "GJ-05"], [],
        "讲师、工会干部和优秀职工代表组成，送教上门。", 12,
    ),
    "周立群": (
        ExpertKind.PERSON, "红十字救护培训师", "13800002012",
        ["GJ-04"], [("救护员", 2)],
        "区红十字会救护培训师。", 8,
    ),
}  # fmt: skip

SURVEY = {
    "title": "2026年职工心理健康服务需求调研",
    "intro": (
        "您的单位、您自己最需要哪些心理服务？可以从菜单里选，也可以直接写下来。"
        "县总工会据此安排下一批“心理服务直通车”。"
    ),
}


def _today() -> dt.date:
    return timezone.localdate()


def _menu(org: Org, spec: dict[str, Any]) -> tuple[Menu, int]:
    """The published menu of `org` titled spec["title"], created and published when missing."""
    menu = Menu.objects.filter(org=org, title=spec["title"]).order_by("-number").first()
    if menu is not None:
        return menu, 0
    menu = menu_create(actor=None, org=org, title=spec["title"], intro=spec["intro"], payer=spec["payer"])
    for order, (code, category, title, fmt, minutes, low, high, cost, qual, text) in enumerate(
        spec["items"], start=1
    ):
        item_save(
            actor=None,
            menu=menu,
            code=code,
            category=category,
            title=title,
            description=text,
            format=fmt,
            duration_minutes=minutes,
            audience_min=low,
            audience_max=high,
            cost=cost,
            qualification=qual,
            order=order,
        )
    return menu_publish(actor=None, menu=menu), 1


def _experts(org: Org, specs: dict[str, tuple]) -> tuple[dict[str, Expert], int]:
    today = _today()
    found = {e.name: e for e in Expert.objects.filter(org=org, name__in=list(specs))}
    created = 0
    for name, (kind, title, phone, specialties, quals, bio, capacity) in specs.items():
        if name in found:
            continue
        members = [found[m].pk for m in TEAM_MEMBERS.get(name, ()) if m in found]
        expert = expert_save(
            actor=None,
            org=org,
            name=name,
            kind=kind,
            title=title,
            bio=bio,
            phone=phone,
            specialties=specialties,
            monthly_capacity=capacity,
            member_ids=members,
        )
        for number, (qual, years) in enumerate(quals, start=1):
            expires = None if years is None else dt.date(today.year + years, 12, 31)
            qualification_save(
                actor=None,
                expert=expert,
                name=qual,
                certificate_no=f"DEMO-{phone[-4:]}-{number:02d}",
                expires_on=expires,
            )
        found[name] = expert
        created += 1
    return found, created


# The 马头镇 factory's orders: (item code, state, expert, days ahead (from, to), audience,
# place, note). "delivered" and "settled" ones took place earlier today (wanted dates cannot lie
# in the past); they have different experts, who can never be booked at overlapping times.
FACTORY_ORDERS = (
    ("XL-04", OrderStatus.SUBMITTED, "", (14, 21), 80, "丰华电子厂三楼培训室"),
    ("TF-01", OrderStatus.DISPATCHED, "陈静怡", (7, 12), 25, "丰华电子厂职工之家"),
    ("XL-01", OrderStatus.ACCEPTED, "陈静怡", (5, 10), 120, "马头镇工业园党群服务中心"),
    ("TF-02", OrderStatus.DELIVERED, "刘思远", (0, 0), 32, "丰华电子厂职工之家"),
    ("XL-03", OrderStatus.SETTLED, "陈静怡", (0, 0), 45, "丰华电子厂会议室"),
)
NOTES = {
    "XL-04": "希望安排在周六上午，方便倒班职工参加。",
    "TF-01": "参加对象为新入职的一线员工。",
    "XL-01": "园区多家企业职工一起参加。",
}
# The town union's order the expert declined: it waits for the dispatcher to dispatch again.
TOWN_ORDERS = (("XL-05", OrderStatus.DECLINED, "李文", (10, 20), 60, "马头镇文化站"),)
ACCEPT_AT = {"XL-01": (6, 14, 30)}  # code: (days ahead, hour, minute)
DECLINE_REASON = "这段时间已有其他讲座安排，建议改派其他老师。"
CONTACTS = {"丰华电子厂工会": ("钟海燕", "13800002101"), "马头镇总": ("潘志强", "13800002102")}


def _earlier_today(minutes: int) -> dt.datetime:
    """A start earlier today that ends before now (never before midnight)."""
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=minutes + 30)).replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(start, midnight)


def _order(org: Org, menu: Menu, experts: dict[str, Expert], spec: tuple) -> int:
    from zhijia.dispatch.services import orders as svc

    code, state, expert_name, (first, last), audience, place = spec
    if ServiceOrder.objects.filter(org=org, item__menu__family=menu.family, item__code=code).exists():
        return 0
    item = menu.items.get(code=code)
    today = _today()
    name, phone = CONTACTS[org.short_name]
    order = svc.order_create(
        actor=None,
        item=item,
        org=org,
        wanted_from=today + dt.timedelta(days=first),
        wanted_to=today + dt.timedelta(days=last),
        place=place,
        audience=audience,
        note=NOTES.get(code, ""),
        contact_name=name,
        contact_phone=phone,
    )
    if state == OrderStatus.SUBMITTED:
        return 1
    expert = experts[expert_name]
    order = svc.order_dispatch(actor=None, order=order, expert=expert)
    by = expert.user  # the demo expert acts as herself; the others through the system
    if state == OrderStatus.DISPATCHED:
        return 1
    if state == OrderStatus.DECLINED:
        svc.order_decline(actor=by, order=order, reason=DECLINE_REASON)
        return 1
    if code in ACCEPT_AT:
        days, hour, minute = ACCEPT_AT[code]
        at = timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
        starts_at = at + dt.timedelta(days=days)
    else:
        starts_at = _earlier_today(item.duration_minutes)
    order = svc.order_accept(actor=by, order=order, starts_at=starts_at)
    if state == OrderStatus.ACCEPTED:
        return 1
    summary = (
        f"{item.title}顺利开展，职工参与积极，现场互动热烈。"
        "活动后收集反馈问卷，普遍反映方法实用、愿意再参加。"
    )
    order = svc.order_deliver(
        actor=by, order=order, attendees=audience - 2, summary=summary, delivered_at=timezone.now()
    )
    svc.order_rate_union(actor=by, order=order, rating=5, comment="场地准备充分，组织有序。")
    if state == OrderStatus.DELIVERED:
        return 1
    order = svc.order_confirm(actor=None, order=order, rating=5, comment="老师讲得接地气，职工收获很大。")
    svc.order_settle(actor=None, order=order)
    return 1


def _survey(org: Org, menu: Menu, factory: Org) -> int:
    from zhijia.dispatch.services import needs

    if NeedSurvey.objects.filter(org=org, title=SURVEY["title"]).exists():
        return 0
    survey = needs.survey_create(
        actor=None,
        org=org,
        title=SURVEY["title"],
        intro=SURVEY["intro"],
        menu=menu,
        closes_on=_today() + dt.timedelta(days=30),
    )
    needs.need_submit(actor=None, survey=survey, org=factory, item=menu.items.get(code="TF-01"), people=40)
    needs.need_submit(
        actor=None, survey=survey, org=factory, text="希望开展针对夜班职工的睡眠与情绪调节讲座。", people=60
    )
    return 1


@transaction.atomic
def seed_dispatch() -> int:
    """The expert-services demo (see the module docstring). Needs the demo tree and cast
    (zhijia.demo.seed); unions missing from the tree are skipped. Returns how many things
    (unions, menus, experts, budgets, orders, surveys) were created: 0 on a second run."""
    xinfeng = Org.objects.filter(name=XINFENG).first()
    created = 0
    if xinfeng is not None:
        created += _xinfeng(xinfeng)
    jinghai = Org.objects.filter(name=JINGHAI).first()
    if jinghai is not None:
        created += _menu(jinghai, CRAFT_MENU)[1] + _experts(jinghai, JINGHAI_EXPERTS)[1]
    return created


def _xinfeng(xinfeng: Org) -> int:
    town = Org.objects.get(name=TOWN)  # both in the demo tree (zhijia.demo.tree)
    factory = Org.objects.get(name=FACTORY)
    menu, created = _menu(xinfeng, PSY_MENU)
    experts, n = _experts(xinfeng, XINFENG_EXPERTS)
    created += n
    if n:
        name, first, last, note = AWAY
        today = _today()
        unavailability_add(
            actor=None,
            expert=experts[name],
            starts_on=today + dt.timedelta(days=first),
            ends_on=today + dt.timedelta(days=last),
            note=note,
        )
    demo_user = User.objects.filter(username="expert_demo").first()
    chen = experts["陈静怡"]
    if demo_user is not None and chen.user_id is None and not Expert.objects.filter(user=demo_user).exists():
        expert_link_user(actor=None, expert=chen, user=demo_user)
        chen.refresh_from_db()
    year = _today().year
    if not Budget.objects.filter(org=xinfeng, year=year).exists():
        budget_set(actor=None, org=xinfeng, year=year, amount=BUDGET, note="心理服务直通车专项经费")
        created += 1
    for spec in FACTORY_ORDERS:
        created += _order(factory, menu, experts, spec)
    for spec in TOWN_ORDERS:
        created += _order(town, menu, experts, spec)
    return created + _survey(xinfeng, menu, factory)
