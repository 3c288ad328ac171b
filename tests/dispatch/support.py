"""Shared factories of the expert-services tests (no tests here). The domain, API, console and
H5 tests import them; the names and keyword arguments stay stable.

Everything is created directly through the ORM (nothing audited, no services involved), but
rows are kept consistent: an order made in a booked status has its expert and times, and the
budget of its payer (when one exists: create the budget first) carries its committed / spent
cost, so the budget invariants hold.

    from tests.dispatch.support import menu, item, expert, order, budget, staff, expert_login

    m = menu(demo.org("福田区总"), items=2)              # published, items "C1", "C2"
    it = m.items.get(code="C1")
    e = expert(demo.org("福田区总"), specialties=["C1"], qualifications=[("心理咨询师", None)])
    b = budget(demo.org("福田区总"), 2026, 50000)
    o = order(it, org=demo.org("河套科创工会"), status="accepted", expert=e)
    clerk = staff(demo.org("新丰县总"))                  # a user with role clerk there
    user, e2 = expert_login(demo.org("新丰县总"))       # an expert with a login (role expert)
"""

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from zhijia.accounts.models import User, UserKind
from zhijia.dispatch.enums import BOOKED, ItemFormat, MenuStatus, OrderStatus, Payer
from zhijia.dispatch.models import Budget, Expert, Menu, MenuItem, Qualification, ServiceOrder
from zhijia.orgs.models import Role, RoleGrant

_seq = itertools.count(1)
S = OrderStatus
# Statuses in which an order has an assigned expert.
WITH_EXPERT = (S.DISPATCHED, *BOOKED)


def menu(
    org,
    *,
    items: int | list[dict] = 1,
    status: str = MenuStatus.PUBLISHED,
    payer: str = Payer.DISPATCHING,
    title: str = "",
    family: uuid.UUID | None = None,
    number: int = 1,
) -> Menu:
    """A menu of `org` (published by default) with `items` items: a count (codes "C1", "C2", …,
    cost 1000, audience 1–100, 120 minutes, lectures) or a list of dicts of MenuItem fields
    (missing ones defaulted as above)."""
    n = next(_seq)
    m = Menu.objects.create(
        org=org,
        family=family or uuid.uuid4(),
        number=number,
        title=title or f"服务菜单 {n}",
        payer=payer,
        status=status,
        published_at=timezone.now() if status != MenuStatus.DRAFT else None,
    )
    specs = [{} for _ in range(items)] if isinstance(items, int) else list(items)
    for index, spec in enumerate(specs, start=1):
        item(m, **({"code": f"C{index}", "order": index} | spec))
    return m


def item(menu: Menu, **fields) -> MenuItem:
    """An item on `menu` (defaults: a 120-minute lecture for 1–100 people costing 1000)."""
    n = next(_seq)
    values = {
        "code": f"I{n}",
        "category": "心理服务",
        "title": f"心理讲座 {n}",
        "format": ItemFormat.LECTURE,
        "duration_minutes": 120,
        "audience_min": 1,
        "audience_max": 100,
        "cost": Decimal("1000"),
    }
    values.update(fields)
    if "cost" in values:
        values["cost"] = Decimal(str(values["cost"]))
    return MenuItem.objects.create(menu=menu, **values)


def expert(
    org,
    *,
    user: User | None = None,
    specialties=(),
    qualifications=(),
    name: str = "",
    phone: str = "",
    service_areas=(),
    unavailable=(),
    **fields,
) -> Expert:
    """An active expert in the pool of `org`. `qualifications`: names (never expire) or
    (name, expires_on) pairs; `service_areas`: orgs; `unavailable`: (starts_on, ends_on) pairs.
    A phone is made up when none is given (notices go to it)."""
    n = next(_seq)
    e = Expert.objects.create(
        org=org,
        name=name or f"专家{n}",
        phone=phone or f"139{n % 10**8:08d}",
        user=user,
        specialties=list(specialties),
        **fields,
    )
    for q in qualifications:
        q_name, expires = (q, None) if isinstance(q, str) else q
        Qualification.objects.create(expert=e, name=q_name, expires_on=expires)
    if service_areas:
        e.service_areas.set(service_areas)
    for starts_on, ends_on in unavailable:
        e.unavailable.create(starts_on=starts_on, ends_on=ends_on)
    return e


def staff(org, *, role: str = "clerk", include_subtree: bool = True, username: str = "") -> User:
    """A staff account holding `role` (clerk, admin, expert, viewer…) on `org`."""
    user = User.objects.create(
        username=username or f"s-{uuid.uuid4().hex[:12]}", kind=UserKind.STAFF, display_name="测试员"
    )
    RoleGrant.objects.create(
        user=user, org=org, role=Role.objects.get(code=role), include_subtree=include_subtree
    )
    return user


def expert_login(org, **fields) -> tuple[User, Expert]:
    """An expert of `org`'s pool with a login that holds the expert role on `org`."""
    user = staff(org, role="expert")
    return user, expert(org, user=user, **fields)


def budget(org, year: int | None = None, amount=50000, *, committed=0, spent=0) -> Budget:
    """The yearly budget of `org` (default: this year), created or reset to these values."""
    year = year or timezone.localdate().year
    b, _created = Budget.objects.update_or_create(
        org=org,
        year=year,
        defaults={
            "amount": Decimal(str(amount)),
            "committed": Decimal(str(committed)),
            "spent": Decimal(str(spent)),
        },
    )
    return b


def _budget_of(it: MenuItem, org, dispatcher, year: int) -> Budget | None:
    payer_org = dispatcher if it.menu.payer == Payer.DISPATCHING else org
    return Budget.objects.filter(org=payer_org, year=year).first()


def order(
    item: MenuItem,
    *,
    org=None,
    status: str = S.SUBMITTED,
    expert: Expert | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    wanted_from: dt.date | None = None,
    wanted_to: dt.date | None = None,
    audience: int = 30,
    created_by: User | None = None,
    **fields,
) -> ServiceOrder:
    """An order for `item` placed by `org` (default: the menu's union) in `status`.

    Wanted dates default to 10–20 days ahead. From dispatched on, `expert` is required (it is
    assigned; dispatched orders get accept_by in 48 hours). Booked statuses (accepted and
    later, see enums.BOOKED) get starts_at (default: 09:00 on wanted_from) and ends_at
    (default: starts + the item's duration), and the payer's budget of that year, when it
    exists, is linked and charged: committed (accepted … disputed) or spent (settled). Other
    timestamps of the status (delivered_at, confirmed_at, …) are filled in. A cancelled order
    may keep an `expert` (cancelled after dispatch); declined and timed-out ones have none."""
    now = timezone.now()
    org = org or item.menu.org
    dispatcher = item.menu.org
    today = timezone.localdate()
    wanted_from = wanted_from or today + dt.timedelta(days=10)
    wanted_to = wanted_to or max(wanted_from, today + dt.timedelta(days=20))
    n = next(_seq)
    values = {
        "number": f"T{wanted_from.year}-{uuid.uuid4().hex[:10]}",
        "item": item,
        "org": org,
        "dispatcher": dispatcher,
        "status": status,
        "wanted_from": wanted_from,
        "wanted_to": wanted_to,
        "place": f"活动室 {n}",
        "audience": audience,
        "cost": item.cost,
        "contact_name": "联系人",
        "contact_phone": "13900000000",
        "created_by": created_by,
    }
    if status in WITH_EXPERT:
        if expert is None:
            raise ValueError(f"an order in status {status} needs an expert")
        values |= {"expert": expert, "dispatched_at": now}
        if status == S.DISPATCHED:
            values["accept_by"] = now + dt.timedelta(hours=48)
    elif expert is not None and status == S.CANCELLED:
        values["expert"] = expert  # cancelled after dispatch: the expert stays on the record
    elif expert is not None:
        raise ValueError(f"an order in status {status} has no expert")
    if status in BOOKED:
        if starts_at is None:
            tz = timezone.get_current_timezone()
            starts_at = timezone.make_aware(dt.datetime.combine(wanted_from, dt.time(9, 0)), tz)
        values |= {
            "starts_at": starts_at,
            "ends_at": ends_at or starts_at + dt.timedelta(minutes=item.duration_minutes),
        }
    if status in (S.DELIVERED, S.CONFIRMED, S.DISPUTED, S.SETTLED):
        values |= {"delivered_at": values["ends_at"], "attendees": audience, "summary": "已完成服务"}
    if status in (S.CONFIRMED, S.SETTLED):
        values |= {"confirmed_at": now, "rating": 5}
    if status == S.SETTLED:
        values["settled_at"] = now
    if status == S.DISPUTED:
        values["dispute_reason"] = "人数不符"
    if status == S.DECLINED:
        values["decline_reason"] = "时间冲突"
    if status == S.CANCELLED:
        values["cancelled_at"] = now
    values.update(fields)
    b = _budget_of(item, org, dispatcher, values["wanted_from"].year) if status in BOOKED else None
    if b is not None:
        values["budget"] = b
        column = "spent" if status == S.SETTLED else "committed"
        Budget.objects.filter(pk=b.pk).update(**{column: F(column) + values["cost"]})
    return ServiceOrder.objects.create(**values)


class World:
    """A ready-made expert-services setting on the demo tree (see `world`)."""

    def __init__(self, demo):
        self.demo = demo
        self.dispatcher = demo.org("福田区总")  # the dispatching union (menu and pool)
        self.unit = demo.org("河套科创工会")  # a grassroots union that orders
        self.other_unit = demo.org("福保精密工会")
        self.outsider_org = demo.org("宝安区总")
        self.clerk = demo.user("futian_staff")  # order, menus, assign on 福田区总 and below
        self.unit_staff = demo.user("enterprise_staff")  # order (and more) on 河套科创工会 only
        self.budget_admin = demo.user("shenzhen_admin")  # admin on 深圳市总: holds dispatch.budget
        self.outsider = demo.user("baoan_staff")  # a clerk of another district
        self.menu = menu(
            self.dispatcher,
            items=[
                {"code": "PSY", "title": "职工心理健康讲座", "qualification": "心理咨询师", "cost": 1000},
                {"code": "LAW", "title": "劳动法律讲座", "category": "法律服务", "cost": 500},
            ],
        )
        self.psy = self.menu.items.get(code="PSY")
        self.law = self.menu.items.get(code="LAW")
        today = timezone.localdate()
        self.wanted_from = today + dt.timedelta(days=10)
        self.wanted_to = today + dt.timedelta(days=20)
        self.year = self.wanted_from.year
        far = today + dt.timedelta(days=400)
        self.expert_user, self.expert = expert_login(
            self.dispatcher, name="李心理", specialties=["PSY"], qualifications=[("心理咨询师", far)]
        )
        self.expert2_user, self.expert2 = expert_login(
            self.dispatcher, name="王咨询", specialties=["PSY", "LAW"], qualifications=["心理咨询师"]
        )
        self.budget = budget(self.dispatcher, self.year, 50000)

    def starts(self, day_offset: int = 0, hour: int = 9) -> dt.datetime:
        """An aware local time on the `day_offset`-th wanted day."""
        tz = timezone.get_current_timezone()
        return timezone.make_aware(
            dt.datetime.combine(self.wanted_from + dt.timedelta(days=day_offset), dt.time(hour, 0)), tz
        )

    def order_kwargs(self, **overrides) -> dict:
        """Keyword arguments for services.orders.order_create (the unit orders the lecture)."""
        values = {
            "item": self.psy,
            "org": self.unit,
            "wanted_from": self.wanted_from,
            "wanted_to": self.wanted_to,
            "place": "河套科创大厦 3 楼",
            "audience": 30,
            "contact_name": "陈干事",
            "contact_phone": "13912345678",
        }
        values.update(overrides)
        return values


def world(demo) -> World:
    """The demo tree plus: a published menu of 福田区总 (items PSY — needs 心理咨询师, 1000 yuan —
    and LAW, 500 yuan), two qualified experts with logins (expert / expert_user: 李心理,
    specialty PSY; expert2 / expert2_user: 王咨询, PSY and LAW) and a 50,000-yuan budget of
    福田区总 for the year of the wanted dates (wanted_from = today + 10 days, wanted_to = + 20).
    Actors: clerk (futian_staff), unit_staff (enterprise_staff, of the ordering unit 河套科创工会),
    budget_admin (shenzhen_admin), outsider (baoan_staff)."""
    return World(demo)
