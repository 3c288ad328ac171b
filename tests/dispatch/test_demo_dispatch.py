"""The expert-services demo (zhijia.demo.dispatch): 新丰县总工会's 心理服务直通车 and its pool,
budget, a factory union's orders in every state, a needs survey, and 静海's 工匠学院直通车 —
created through the services, and a second run creates nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from zhijia.core.models import AuditEntry
from zhijia.demo.dispatch import FACTORY, PSY_MENU, XINFENG_EXPERTS, seed_dispatch
from zhijia.dispatch.enums import ExpertKind, MenuStatus, OrderStatus
from zhijia.dispatch.models import (
    Budget,
    Expert,
    Menu,
    MenuItem,
    Need,
    NeedSurvey,
    OrderEvent,
    Qualification,
    ServiceOrder,
    Unavailability,
)
from zhijia.orgs.models import Org

pytestmark = pytest.mark.django_db

S = OrderStatus


def _counts() -> list[int]:
    models = (Org, Menu, MenuItem, Expert, Qualification, Unavailability, Budget, ServiceOrder)
    return [m.objects.count() for m in (*models, OrderEvent, NeedSurvey, Need)]


def test_seed_twice_creates_nothing_the_second_time(demo):
    first = seed_dispatch()
    assert first >= 18
    counts = _counts()
    audits = AuditEntry.objects.count()
    assert seed_dispatch() == 0
    assert _counts() == counts
    assert AuditEntry.objects.count() == audits


def test_the_psychological_services_menu_and_pool(demo):
    seed_dispatch()
    xinfeng = demo.org("新丰县总")
    menu = Menu.objects.get(org=xinfeng, title="心理服务直通车")
    assert menu.status == MenuStatus.PUBLISHED
    items = list(menu.items.all())
    assert len(items) == len(PSY_MENU["items"]) >= 12
    assert {i.category for i in items} == {"心理讲座", "团体辅导", "心理沙龙", "危机干预"}
    assert any(i.qualification == "心理咨询师" for i in items)
    assert all(i.cost >= 0 for i in items) and max(i.cost for i in items) > 1000
    pool = {e.name: e for e in Expert.objects.filter(org=xinfeng)}
    assert set(pool) == set(XINFENG_EXPERTS)
    team = next(e for e in pool.values() if e.kind == ExpertKind.TEAM)
    assert team.members.count() == 2
    today = timezone.localdate()
    expired = Qualification.objects.filter(expert__org=xinfeng, expires_on__lt=today)
    assert [q.expert.name for q in expired] == ["黄晓敏"]
    assert Unavailability.objects.filter(expert__org=xinfeng).count() == 1
    assert pool["陈静怡"].user == demo.user("expert_demo")


def test_budget_orders_in_every_state_and_survey(demo):
    seed_dispatch()
    xinfeng = demo.org("新丰县总")
    factory = Org.objects.get(name=FACTORY)
    assert factory.path.startswith(xinfeng.path) and factory.level == "grassroots"
    orders = {o.item.code: o for o in ServiceOrder.objects.filter(org=factory)}
    expected = {S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.SETTLED}
    assert {o.status for o in orders.values()} == expected
    assert ServiceOrder.objects.filter(status=S.DECLINED, decline_reason__gt="").count() == 1
    budget = Budget.objects.get(org=xinfeng, year=timezone.localdate().year)
    assert budget.amount == Decimal("50000")
    booked = [o for o in orders.values() if o.status in (S.ACCEPTED, S.DELIVERED)]
    assert budget.committed == sum(o.cost for o in booked)
    assert budget.spent == orders["XL-03"].cost
    assert orders["XL-03"].rating == 5 and orders["XL-03"].expert_rating == 5
    dispatched = orders["TF-01"]
    assert dispatched.expert.user == demo.user("expert_demo") and dispatched.accept_by > timezone.now()
    survey = NeedSurvey.objects.get(org=xinfeng)
    assert survey.status == "open" and survey.needs.count() == 2


def test_jinghai_craft_academy_menu(demo):
    seed_dispatch()
    jinghai = demo.org("静海区总")
    menu = Menu.objects.get(org=jinghai, status=MenuStatus.PUBLISHED)
    assert menu.title == "工匠学院直通车" and menu.items.count() == 5
    assert Expert.objects.filter(org=jinghai, kind=ExpertKind.TEAM).exists()
