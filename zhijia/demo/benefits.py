"""Demo benefits (issue 7), from the seed articles: 中山市总工会's "职工服务月" — 普惠消费券 (满50减40,
released daily at 10:00: one round open now with stock left, the next one tomorrow) and 500
弹性疗休养体验券 by lottery (registration open) — and a 粤工惠-style coupon a day for sanitation
workers, couriers and delivery riders; three partner merchants of 中山市总工会 with their outlets,
merchant_demo as the cashier of one outlet (and two till accounts for the other merchants).

Claimers are real members: workers with a phone account who joined a 中山 street union
(小榄镇 / 中山港街道, created here) through the joining services and were approved; they claim,
register and redeem through the benefits services, so the dashboard and reconciliations have
numbers. With `worker=True` the demo worker 13800000001 joins too (中山港街道, a delivery rider)
and holds a redeemed 满50减40 voucher, today's coupon and a lottery entry — which makes him a
member, so the H5 joining journey no longer starts from scratch for him.

The benefits services need an actor with benefits.manage on 中山市总工会 (they refuse the
system): the demo's province_admin acts. Dates are relative to the day of seeding.

Idempotent: unions by name, merchants by (union, name), outlets by (merchant, name), campaigns
by (union, title), claimers by phone; claims, entries and redemptions are made only for
campaigns created in this run. A second run creates nothing.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.services import user_create, worker_for_phone
from zhijia.benefits.enums import Allocation, Experience, VoucherKind
from zhijia.benefits.models import Campaign, Cashier, Merchant, Outlet
from zhijia.benefits.services.campaigns import campaign_create, campaign_publish, rounds_daily
from zhijia.benefits.services.claim import voucher_claim
from zhijia.benefits.services.expiry import campaigns_tick
from zhijia.benefits.services.lottery import entry_register
from zhijia.benefits.services.merchants import cashier_add, merchant_save, outlet_save
from zhijia.benefits.services.redeem import voucher_redeem
from zhijia.core.errors import ApplicationError
from zhijia.core.validators.uscc import check_symbol
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.members.services.joining import application_approve, join_apply
from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_create

from .tree import demo_uscc

ZHONGSHAN = "中山市总工会"
DIVISION = "442000"
ACTOR = "province_admin"  # admin of 广东省总工会 and its subtree: benefits.manage on 中山
WORKER_PHONE = "13800000001"
NOTICE_VERSION = "2026-11"  # the privacy notice the H5 join page shows (h5.members.forms_joining)
TOWNS = (("中山市小榄镇总工会", "小榄镇总"), ("中山港街道总工会", "中山港街道"))

CONSUMPTION = "中山“职工服务月”普惠消费券（满50减40）"
RECUPERATION = "2025年职工弹性疗休养体验券"
DAILY = "新就业形态劳动者每日一券（环卫·快递·外卖）"


def _uscc(n: int) -> str:
    """A valid enterprise credit code (91 + 中山 + 9 symbols + check) for demo merchant `n`."""
    body = f"91{DIVISION}MA4UX8KD{n}"
    return body + check_symbol(body)


# name, uscc, contact, [(outlet, address)], till account (username, display name) or None
MERCHANTS = (
    (
        "中山市乐购惠民超市有限公司",
        _uscc(1),
        "梁经理",
        [("石岐店", "中山市石岐区孙文中路88号"), ("小榄店", "中山市小榄镇升平中路12号")],
        None,  # merchant_demo is the cashier of 石岐店
    ),
    (
        "中山市岐江人家餐饮有限公司",
        _uscc(2),
        "何店长",
        [("孙文西路店", "中山市石岐区孙文西路36号")],
        ("zs_till_qijiang", "岐江人家收银员"),
    ),
    (
        "中山市逸仙旅行社有限公司",
        _uscc(3),
        "黄女士",
        [("中山港门市部", "中山市火炬开发区中山港大道9号")],
        ("zs_till_yixian", "逸仙旅行社前台"),
    ),
)
SUPERMARKET, RESTAURANT, TRAVEL = (m[0] for m in MERCHANTS)

# generated claimers: (surname, given names), occupation
SURNAMES = "梁黄陈李何吴林郑冯麦卢邓刘苏钟罗"
GIVEN = ("志强", "丽华", "伟明", "嘉欣", "国荣", "少芬", "家豪", "婉婷", "锦辉", "美玲", "子健", "晓彤")
OCCUPATIONS = ("employee", "employee", "sanitation", "courier", "delivery_rider", "employee")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


@dataclass
class Claimer:
    user: User
    occupation: str


def _local(days: int, hour: int, minute: int = 0) -> dt.datetime:
    base = timezone.localtime() + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def cn_id(index: int) -> str:
    """A valid 居民身份证 number for claimer `index` < 399 (region 中山, born 1975–1999)."""
    rng = random.Random(7_000 + index)
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
    body = f"{DIVISION}{birth:%Y%m%d}{(600 + index) % 1000:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def _towns(zhongshan: Org) -> list[Org]:
    towns = []
    for name, short in TOWNS:
        org = Org.objects.filter(name=name).first() or org_create(
            actor=None,
            parent=zhongshan,
            name=name,
            short_name=short,
            level=OrgLevel.STREET,
            uscc=demo_uscc(name, DIVISION),
            division_code=DIVISION,
            contact_name="工会办公室",
        )
        towns.append(org)
    return towns


def _join(phone: str, data: dict[str, Any], town: Org) -> User:
    """The worker of `phone`, an active member (joined `town` through the joining services)."""
    user = worker_for_phone(phone=phone)
    if Membership.objects.filter(person__user=user, status__in=ACTIVE_STATUSES).exists():
        return user
    application = join_apply(actor=user, data=data, work_org_id=town.pk, consent_version=NOTICE_VERSION)
    application_approve(actor=None, application=application)
    return user


def _claimers(count: int, towns: list[Org]) -> list[Claimer]:
    out = []
    for i in range(count):
        rng = random.Random(8_000 + i)
        name = SURNAMES[i % len(SURNAMES)] + rng.choice(GIVEN)
        occupation = OCCUPATIONS[i % len(OCCUPATIONS)]
        data = {"name": name, "id_type": "cn_resident", "id_number": cn_id(i), "occupation": occupation}
        user = _join(f"1376200{i:04d}", data, towns[i % len(towns)])
        out.append(Claimer(user, occupation))
    return out


def _demo_worker(towns: list[Org]) -> Claimer | None:
    """The demo worker as a member of 中山港街道 (None if his own joining got in the way, e.g. an
    application of his is waiting for review)."""
    data = {
        "name": "张骑手",
        "id_type": "cn_resident",
        "id_number": cn_id(399),  # sequence 999: no claimer has it
        "occupation": "delivery_rider",
    }
    try:
        return Claimer(_join(WORKER_PHONE, data, towns[-1]), "delivery_rider")
    except ApplicationError:
        return None


def _merchants(actor: User, zhongshan: Org) -> tuple[dict[str, Merchant], dict[str, User], int]:
    """The three merchants with their outlets and tills; (by name, till user by merchant name,
    how many merchants were created)."""
    merchants, tills, created = {}, {}, 0
    for name, uscc, contact, outlets, till in MERCHANTS:
        merchant = Merchant.objects.filter(org=zhongshan, name=name).first()
        if merchant is None:
            merchant = merchant_save(actor=actor, org=zhongshan, name=name, uscc=uscc, contact_name=contact)
            created += 1
        for outlet_name, address in outlets:
            if not Outlet.objects.filter(merchant=merchant, name=outlet_name).exists():
                outlet_save(actor=actor, merchant=merchant, name=outlet_name, address=address)
        first = merchant.outlets.order_by("created_at", "name").first()
        if till is None:
            user = User.objects.filter(username="merchant_demo").first()
        else:
            username, display = till
            user = User.objects.filter(username=username).first() or user_create(
                actor=None, username=username, password=None, org=zhongshan, display_name=display
            )
        if user is not None and first is not None:
            if not Cashier.objects.filter(user=user, outlet=first).exists():
                cashier_add(actor=actor, outlet=first, user=user)
            tills[name] = user
        merchants[name] = merchant
    return merchants, tills, created


def _consumption(zhongshan: Org, merchants: dict[str, Merchant]) -> dict[str, Any]:
    """满50减40, 200 a day at 10:00 for 7 days, each round open until the next release; the first
    round opened at the last 10:00, so one is open now and the next opens at the coming 10:00."""
    now = timezone.localtime()
    start = _local(0 if now.hour >= 10 else -1, 10)
    rounds = rounds_daily(start=start, days=7, per_day=200, hours=24)
    return {
        "title": CONSUMPTION,
        "description": "中山市总工会联合各镇街总工会发放普惠消费券，"
        "全市会员凭券到合作商户消费满50元立减40元，助力提振消费。每日10:00开抢，每人限领1张，先到先得。",
        "kind": VoucherKind.DISCOUNT,
        "face_value": Decimal("40"),
        "threshold": Decimal("50"),
        "total": sum(r["stock"] for r in rounds),
        "allocation": Allocation.FIRST_COME,
        "carry_over": True,
        "valid_from": start,
        "valid_until": start + dt.timedelta(days=30),
        "per_person": 1,
        "merchants": [merchants[SUPERMARKET], merchants[RESTAURANT]],
        "rounds": rounds,
    }


def _recuperation(zhongshan: Org, merchants: dict[str, Merchant]) -> dict[str, Any]:
    """500 疗休养 vouchers by lottery: registration open (since yesterday, for a week)."""
    return {
        "title": RECUPERATION,
        "description": "500张弹性疗休养体验券，会员在报名期内报名，报名截止后以公开种子摇号，"
        "中签者30天内到合作旅行社预约使用；未按时使用的名额依次递补。",
        "kind": VoucherKind.EXPERIENCE,
        "experience": Experience.RECUPERATION,
        "face_value": Decimal("1980"),
        "threshold": Decimal("0"),
        "total": 500,
        "allocation": Allocation.LOTTERY,
        "valid_from": _local(8, 0),
        "valid_until": _local(120, 0),
        "register_opens_at": _local(-1, 9),
        "register_closes_at": _local(7, 18),
        "reserve_list": True,
        "redeem_within_days": 30,
        "merchants": [merchants[TRAVEL]],
    }


def _daily(zhongshan: Org, merchants: dict[str, Merchant]) -> dict[str, Any]:
    """One coupon a day (满20减10) for sanitation workers, couriers and delivery riders: 100 a
    day from today's 00:00 for 30 days."""
    start = _local(0, 0)
    rounds = rounds_daily(start=start, days=30, per_day=100, hours=24)
    return {
        "title": DAILY,
        "description": "面向环卫工人、快递员、外卖配送员会员，每人每天可领1张（满20减10），当天有效，"
        "可在合作超市和餐饮门店使用。",
        "kind": VoucherKind.DISCOUNT,
        "face_value": Decimal("10"),
        "threshold": Decimal("20"),
        "total": sum(r["stock"] for r in rounds),
        "allocation": Allocation.FIRST_COME,
        "carry_over": False,
        "valid_from": start,
        "valid_until": start + dt.timedelta(days=31),
        "valid_days": 1,
        "per_person": 1,
        "per_day": True,
        "occupations": ["sanitation", "courier", "delivery_rider"],
        "merchants": [merchants[SUPERMARKET], merchants[RESTAURANT]],
        "rounds": rounds,
    }


def _bill(i: int, low: int) -> Decimal:
    return Decimal(low + random.Random(9_000 + i).randrange(0, 240)) + Decimal("0.50") * (i % 2)


def _claim_and_redeem(
    campaign: Campaign,
    people: list[Claimer],
    tills: list[tuple[Any, User]],
    *,
    redeem_every: int,
    low: int,
    offset: int = 0,
) -> None:
    """Each claims once (refusals, e.g. not eligible, are skipped); every `redeem_every`-th
    voucher (counting from `offset`) is redeemed at the tills in turn with a bill from `low` up."""
    redeemed = 0
    for i, person in enumerate(people):
        try:
            voucher = voucher_claim(
                user=person.user, campaign_id=campaign.pk, idempotency_key=f"demo-{campaign.pk}-{i}"
            ).voucher
        except ApplicationError:
            continue
        if tills and (i + offset) % redeem_every == 0:
            outlet, till = tills[redeemed % len(tills)]
            voucher_redeem(actor=till, outlet=outlet, code=voucher.code, bill=_bill(i, low))
            redeemed += 1


@transaction.atomic
def seed_benefits(*, worker: bool = True, claimers: int = 24) -> int:
    """Create what is missing of the demo above; returns how many campaigns and merchants were
    created (0 on a second run). Skipped (0) without 中山市总工会 or the province_admin account."""
    zhongshan = Org.objects.filter(name=ZHONGSHAN).first()
    actor = User.objects.filter(username=ACTOR).first()
    if zhongshan is None or actor is None:
        return 0
    merchants, till_users, created = _merchants(actor, zhongshan)
    wanted = [(CONSUMPTION, _consumption), (RECUPERATION, _recuperation), (DAILY, _daily)]
    missing = [
        (t, build) for t, build in wanted if not Campaign.objects.filter(org=zhongshan, title=t).exists()
    ]
    if not missing:
        return created
    towns = _towns(zhongshan)
    people = _claimers(min(claimers, 399), towns)
    me = _demo_worker(towns) if worker else None
    if me is not None:
        people.insert(0, me)
    new: dict[str, Campaign] = {}
    for title, build in missing:
        data = build(zhongshan, merchants)
        rounds = data.pop("rounds", ())
        campaign = campaign_create(actor=actor, org=zhongshan, rounds=rounds, **data)
        new[title] = campaign_publish(actor=actor, campaign=campaign)
    campaigns_tick()  # published → running: the first round / the registration has opened
    tills = [
        (merchants[name].outlets.order_by("created_at", "name").first(), till_users[name])
        for name in (SUPERMARKET, RESTAURANT)
        if name in till_users
    ]
    if CONSUMPTION in new:
        _claim_and_redeem(new[CONSUMPTION], people, tills, redeem_every=2, low=50)
    if DAILY in new:
        riders = [p for p in people if p.occupation in ("sanitation", "courier", "delivery_rider")]
        _claim_and_redeem(new[DAILY], riders, tills, redeem_every=3, low=20, offset=1)  # his stays unused
    if RECUPERATION in new:
        for person in people[::2]:
            try:
                entry_register(user=person.user, campaign=new[RECUPERATION])
            except ApplicationError:
                continue
    return created + len(new)
