"""Scoping: console reads and access helpers see only the actor's catalog.manage scope."""

import pytest

from zhijia.catalog.permissions import access_plan, access_service_item, access_service_list
from zhijia.catalog.selectors import plan_list, service_list_list
from zhijia.core.errors import NotFound, PermissionDenied

from .conftest import make_plan


def test_lists_are_scoped(demo, futian, fubao_list, baoan_list):
    assert list(service_list_list(actor=futian)) == [fubao_list]
    assert set(service_list_list(actor=demo.user("shenzhen_admin"))) == {fubao_list, baoan_list}
    assert list(service_list_list(actor=demo.user("auditor"))) == []


def test_access_outside_scope_is_404_and_inside_without_cap_403(demo, futian, baoan_list, fubao_list):
    with pytest.raises(NotFound):
        access_service_list(actor=futian, id=baoan_list.pk)
    item = baoan_list.versions.get().categories.get().items.first()
    with pytest.raises(NotFound):
        access_service_item(actor=futian, id=item.pk)
    with pytest.raises(NotFound):
        access_service_list(actor=futian, id="nonsense")
    with pytest.raises(PermissionDenied):  # the auditor's grant covers 广东省总 but gives no catalog.manage
        access_service_list(actor=demo.user("auditor"), id=fubao_list.pk)
    assert access_service_list(actor=futian, id=fubao_list.pk) == fubao_list


def test_plans_are_scoped(demo, futian):
    plan, _ = make_plan(demo.org("宝安区总"), demo.user("baoan_staff"))
    assert list(plan_list(actor=futian)) == []
    with pytest.raises(NotFound):
        access_plan(actor=futian, id=plan.pk)
