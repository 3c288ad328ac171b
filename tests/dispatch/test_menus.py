"""Service menus: drafts are edited, published versions never change (except pausing), a new
draft copies the published one, publishing supersedes; the public reads."""

import pytest

from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import MenuStatus, Payer
from zhijia.dispatch.models import Menu, MenuItem
from zhijia.dispatch.selectors.menus import menu_get, menu_list, menus_manage_list
from zhijia.dispatch.services import menus as svc
from zhijia.dispatch.services import orders

from .support import menu, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(demo):
    return world(demo)


ITEM = {
    "code": "SALON",
    "category": "团体辅导",
    "title": "减压沙龙",
    "format": "group",
    "duration_minutes": 90,
    "audience_min": 8,
    "audience_max": 20,
    "cost": "800",
}


def test_create_edit_publish(w):
    m = svc.menu_create(actor=w.clerk, org=w.dispatcher, title="心理服务直通车", payer=Payer.ORDERING)
    assert (m.status, m.number, m.payer) == (MenuStatus.DRAFT, 1, Payer.ORDERING)
    m = svc.menu_update(actor=w.clerk, menu=m, intro="送服务到企业")
    assert m.intro == "送服务到企业"
    item = svc.item_save(actor=w.clerk, menu=m, **ITEM)
    assert (item.code, item.audience_max, item.cost, item.format) == ("SALON", 20, 800, "group")
    item = svc.item_save(actor=w.clerk, menu=m, item=item, title="解压沙龙", audience_max="25")
    assert (item.title, item.audience_max, item.code) == ("解压沙龙", 25, "SALON")
    m = svc.menu_publish(actor=w.clerk, menu=m)
    assert m.status == MenuStatus.PUBLISHED and m.published_by == w.clerk and m.published_at
    actions = set(AuditEntry.objects.filter(action__startswith="menu").values_list("action", flat=True))
    assert {"menu.create", "menu.update", "menu_item.create", "menu_item.update", "menu.publish"} <= actions


def test_item_field_errors_all_at_once(w):
    m = svc.menu_create(actor=w.clerk, org=w.dispatcher, title="菜单")
    bad = ITEM | {"code": "", "format": "dance", "cost": "-5", "duration_minutes": "abc"}
    with pytest.raises(ValidationFailed) as exc:
        svc.item_save(actor=w.clerk, menu=m, **bad)
    assert {"code", "format", "cost", "duration_minutes"} <= set(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        svc.item_save(actor=w.clerk, menu=m, **(ITEM | {"audience_min": 30, "audience_max": 10}))
    assert set(exc.value.fields) == {"audience_max"}
    svc.item_save(actor=w.clerk, menu=m, **ITEM)
    with pytest.raises(ValidationFailed) as exc:
        svc.item_save(actor=w.clerk, menu=m, **ITEM)
    assert "code" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        svc.item_save(actor=w.clerk, menu=m, **(ITEM | {"code": "X", "orderable_org": w.outsider_org}))
    assert "orderable_org" in exc.value.fields
    assert MenuItem.objects.filter(menu=m).count() == 1


def test_published_menus_are_immutable(w):
    m = w.menu
    for call in (
        lambda: svc.menu_update(actor=w.clerk, menu=m, title="x"),
        lambda: svc.item_save(actor=w.clerk, menu=m, **ITEM),
        lambda: svc.item_save(actor=w.clerk, menu=m, item=w.psy, title="x"),
        lambda: svc.item_delete(actor=w.clerk, item=w.psy),
        lambda: svc.menu_publish(actor=w.clerk, menu=m),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == error_codes.MENU_IMMUTABLE
    w.psy.refresh_from_db()
    assert w.psy.title == "职工心理健康讲座"


def test_pause_applies_to_published_items(w):
    item = svc.item_pause(actor=w.clerk, item=w.psy, paused=True)
    assert item.paused
    with pytest.raises(Conflict) as exc:
        orders.order_create(actor=w.unit_staff, **w.order_kwargs())
    assert exc.value.code == error_codes.ITEM_UNAVAILABLE
    svc.item_pause(actor=w.clerk, item=w.psy, paused=False)
    assert orders.order_create(actor=w.unit_staff, **w.order_kwargs()).item == w.psy


def test_a_new_version_copies_then_supersedes(w):
    placed = orders.order_create(actor=w.unit_staff, **w.order_kwargs())
    draft = svc.menu_draft(actor=w.clerk, menu=w.menu)
    assert (draft.status, draft.number, draft.family) == (MenuStatus.DRAFT, 2, w.menu.family)
    assert set(draft.items.values_list("code", flat=True)) == {"PSY", "LAW"}
    assert svc.menu_draft(actor=w.clerk, menu=w.menu) == draft  # one draft per family
    law = draft.items.get(code="LAW")
    svc.item_save(actor=w.clerk, menu=draft, item=law, cost=600)
    svc.item_delete(actor=w.clerk, item=draft.items.get(code="PSY"))
    published = svc.menu_publish(actor=w.clerk, menu=draft)
    w.menu.refresh_from_db()
    assert (w.menu.status, published.status) == (MenuStatus.SUPERSEDED, MenuStatus.PUBLISHED)
    placed.refresh_from_db()
    assert placed.item == w.psy and placed.cost == 1000  # the old order keeps its version
    with pytest.raises(Conflict):  # the superseded version's items cannot be ordered any more
        orders.order_create(actor=w.unit_staff, **w.order_kwargs())
    with pytest.raises(Conflict) as exc:
        svc.item_pause(actor=w.clerk, item=w.psy, paused=True)
    assert exc.value.code == error_codes.MENU_IMMUTABLE
    assert [m.number for m in menu_list(orderable_by=w.unit)] == [2]


def test_publishing_an_empty_menu_is_refused(w):
    m = svc.menu_create(actor=w.clerk, org=w.dispatcher, title="空菜单")
    with pytest.raises(ValidationFailed) as exc:
        svc.menu_publish(actor=w.clerk, menu=m)
    assert exc.value.code == error_codes.MENU_EMPTY and "items" in exc.value.fields


def test_menu_services_check_the_capability(w):
    with pytest.raises(NotFound):
        svc.menu_create(actor=w.outsider, org=w.dispatcher, title="x")
    with pytest.raises(PermissionDenied):
        svc.menu_create(actor=w.expert_user, org=w.dispatcher, title="x")
    with pytest.raises(NotFound):  # enterprise staff: 福田区总 is above their unit
        svc.menu_draft(actor=w.unit_staff, menu=w.menu)
    assert Menu.objects.count() == 1


def test_public_reads(w, demo):
    draft = menu(w.dispatcher, status=MenuStatus.DRAFT)
    baoan = menu(demo.org("宝安区总"))
    limited = menu(w.dispatcher, items=[{"code": "ONLY", "orderable_org": w.other_unit}, {"code": "ALL"}])
    everyone = {m.pk for m in menu_list()}
    assert {w.menu.pk, baoan.pk, limited.pk} <= everyone and draft.pk not in everyone
    mine = {m.pk: [i.code for i in m.items.all()] for m in menu_list(orderable_by=w.unit)}
    assert mine == {w.menu.pk: ["PSY", "LAW"], limited.pk: ["ALL"]}
    assert [m.pk for m in menu_list(org=demo.org("宝安区总"))] == [baoan.pk]
    assert menu_get(id=w.menu.pk) == w.menu
    for bad in (draft.pk, "nope"):
        with pytest.raises(NotFound):
            menu_get(id=bad)
    managed = {m.pk for m in menus_manage_list(actor=w.clerk)}
    assert managed == {w.menu.pk, draft.pk, limited.pk}
    assert list(menus_manage_list(actor=w.unit_staff)) == []
