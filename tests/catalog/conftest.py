"""Catalog fixtures: a published service list of 福保街道 (a 福田 union) and one of 宝安区总."""

import pytest

from zhijia.catalog import plans, services


def make_list(
    org, user, *, title="测试服务清单", publish=True, categories=(("开放共享", ("职工书屋", "咖啡坊")),)
):
    service_list = services.service_list_create(actor=user, org=org, title=title, intro="简介")
    version = service_list.versions.get()
    for name, items in categories:
        category = services.category_add(actor=user, version=version, name=name)
        for item in items:
            services.item_add(
                actor=user, category=category, name=item, access_modes=["walk_in"], audience="职工"
            )
    if publish:
        services.service_list_publish(actor=user, service_list=service_list)
    return service_list


def make_plan(org, user, *, title="2026年活动清单", publish=True):
    plan = plans.plan_create(actor=user, org=org, year=2026, title=title)
    a = plans.plan_entry_add(
        actor=user, plan=plan, month=1, title="新春游园", planned_times=2, planned_participants=100
    )
    b = plans.plan_entry_add(actor=user, plan=plan, month=3, title="法律讲座", planned_participants=50)
    c = plans.plan_entry_add(actor=user, plan=plan, month=3, title="插花沙龙", planned_participants=20)
    if publish:
        plans.plan_publish(actor=user, plan=plan)
        plans.plan_entry_record(actor=user, entry=a, held_times=2, participants=130)
        plans.plan_entry_cancel(actor=user, entry=c)
    return plan, (a, b, c)


@pytest.fixture
def futian(demo):
    return demo.user("futian_staff")


@pytest.fixture
def fubao_list(demo, futian):
    return make_list(demo.org("福保街道"), futian)


@pytest.fixture
def baoan_list(demo):
    return make_list(demo.org("宝安区总"), demo.user("baoan_staff"), title="宝安服务清单")
