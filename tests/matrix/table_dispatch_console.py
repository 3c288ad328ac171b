"""Permission-matrix entries for the console pages of expert services (merged into
tests/matrix/table.ROUTES).

Pages not tied to one object need a capability somewhere (board and reports: dispatch.assign;
ordering and the browse page: dispatch.order; menus, experts, surveys: dispatch.menus;
budgets: any of dispatch.budget / assign / order; the order list: any dispatch capability or
the expert's). An object's pages are placed by its union (404 outside scope, 403 inside
without the capability): each unit publishes a menu and orders from it itself, so the unit is
both dispatcher and ordering union of its matrix order; menus, experts and surveys are the
unit's own. Setting a budget needs dispatch.budget on the union named in the form."""

from datetime import timedelta

from django.utils import timezone

from zhijia.orgs.capabilities import Cap

from .reference import first, has, scoped
from .table import Check
from .table_dispatch_api import either, visible

D = "/console/dispatch/"
ASSIGN, ORDER, MENUS, BUDGET = (
    Cap.DISPATCH_ASSIGN,
    Cap.DISPATCH_ORDER,
    Cap.DISPATCH_MENUS,
    Cap.DISPATCH_BUDGET,
)


def _has(cap):
    return Check("rule", rule=lambda u, org, o: has(u, cap))


def any_of(*caps):
    return lambda u, org, o: None if any(has(u, c) is None for c in caps) else 403


def _on(cap, target, method="get", **kw):
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


ORD, MENU, ITEM, EXPERT = (
    "console_dispatch_order",
    "console_dispatch_menu",
    "console_dispatch_item",
    "console_dispatch_expert",
)
SURVEY, NEED = "console_dispatch_survey", "console_dispatch_need"


def _order_fields(org, objs):
    start = timezone.localdate() + timedelta(days=7)
    return {
        "item": str(objs["console_dispatch_published_item"].pk),
        "org": str(org.pk),
        "wanted_from": start.isoformat(),
        "wanted_to": (start + timedelta(days=2)).isoformat(),
        "place": "矩阵会议室",
        "audience": "20",
    }


ROUTES: dict = {
    D: [_has(ASSIGN)],
    D + "orders/": [Check("rule", rule=any_of(ORDER, ASSIGN, Cap.EXPERT_WORK))],
    D + "orders/new/": [
        Check(
            "rule",
            rule=lambda u, org, o: has(u, ORDER),
            body=lambda org, o: {"item": str(o["console_dispatch_published_item"].pk)},
        ),
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: first(has(u, ORDER), scoped(u, ORDER, org)),
            body=_order_fields,
        ),
    ],
    D + "orders/<uuid:pk>/": [Check("rule", target=ORD, rule=visible)],
    D + "orders/<uuid:pk>/submit/": [_on(ORDER, ORD, "post")],
    D + "orders/<uuid:pk>/dispatch/": [
        _on(ASSIGN, ORD, "post", body=lambda org, o: {"expert_id": str(o[EXPERT].pk)}),
    ],
    D + "orders/<uuid:pk>/cancel/": [
        Check("rule", "post", target=ORD, rule=either, body=lambda org, o: {"cancel-reason": "矩阵"}),
    ],
    D + "orders/<uuid:pk>/settle/": [_on(ASSIGN, ORD, "post")],
    D + "orders/<uuid:pk>/confirm/": [_on(ORDER, ORD, "post", body=lambda org, o: {"rating": "5"})],
    D + "orders/<uuid:pk>/dispute/": [
        _on(ORDER, ORD, "post", body=lambda org, o: {"dispute-reason": "矩阵"}),
    ],
    D + "catalog/": [_has(ORDER)],
    D + "menus/": [_has(MENUS)],
    D + "menus/new/": [_has(MENUS)],
    D + "menus/template.xlsx": [Check("staff")],  # an empty template: nothing to protect
    D + "menus/<uuid:pk>/": [_on(MENUS, MENU)],
    D + "menus/<uuid:pk>/edit/": [
        _on(MENUS, MENU),
        _on(MENUS, MENU, "post", body=lambda org, o: {"title": "矩阵改名", "payer": "dispatching"}),
    ],
    D + "menus/<uuid:pk>/publish/": [_on(MENUS, MENU, "post")],
    D + "menus/<uuid:pk>/draft/": [_on(MENUS, MENU, "post")],
    D + "menus/<uuid:pk>/items/new/": [_on(MENUS, MENU)],
    D + "menus/<uuid:pk>/export.xlsx": [_on(MENUS, MENU)],
    D + "menus/<uuid:pk>/import/": [_on(MENUS, MENU)],
    D + "menus/items/<uuid:pk>/": [_on(MENUS, ITEM)],
    D + "menus/items/<uuid:pk>/delete/": [_on(MENUS, ITEM, "post")],
    D + "menus/items/<uuid:pk>/pause/": [_on(MENUS, ITEM, "post", body=lambda org, o: {"paused": "1"})],
    D + "experts/": [_has(MENUS)],
    D + "experts/new/": [_has(MENUS)],
    D + "experts/export.xlsx": [
        Check("rule", rule=lambda u, org, o: scoped(u, MENUS, org), body=lambda org, o: {"org": str(org.pk)}),
    ],
    D + "experts/template.xlsx": [Check("staff")],
    D + "experts/import/": [
        Check(
            "rule",
            rule=lambda u, org, o: first(has(u, MENUS), scoped(u, MENUS, org)),
            body=lambda org, o: {"org": str(org.pk)},
        ),
    ],
    D + "experts/<uuid:pk>/": [_on(MENUS, EXPERT)],
    D + "experts/<uuid:pk>/edit/": [_on(MENUS, EXPERT)],
    D + "experts/<uuid:pk>/login/": [_on(MENUS, EXPERT, "post", body=lambda org, o: {"username": "nobody"})],
    D + "experts/<uuid:pk>/qualifications/": [
        _on(MENUS, EXPERT, "post", body=lambda org, o: {"name": "矩阵资质"}),
    ],
    D + "experts/<uuid:pk>/qualifications/<uuid:qualification_pk>/delete/": [_on(MENUS, EXPERT, "post")],
    D + "experts/<uuid:pk>/unavailable/": [
        _on(MENUS, EXPERT, "post", body=lambda org, o: {"starts_on": "2030-01-01", "ends_on": "2030-01-02"}),
    ],
    D + "experts/<uuid:pk>/unavailable/<uuid:period_pk>/delete/": [_on(MENUS, EXPERT, "post")],
    D + "budgets/": [
        Check("rule", rule=any_of(BUDGET, ASSIGN, ORDER)),
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: first(any_of(BUDGET, ASSIGN, ORDER)(u, org, o), scoped(u, BUDGET, org)),
            body=lambda org, o: {"org": str(org.pk), "year": "2030", "amount": "1000"},
        ),
    ],
    D + "reports/": [_has(ASSIGN)],
    D + "surveys/": [_has(MENUS)],
    D + "surveys/<uuid:pk>/": [_on(MENUS, SURVEY)],
    D + "surveys/<uuid:pk>/close/": [_on(MENUS, SURVEY, "post")],
    D + "surveys/needs/<uuid:pk>/order/": [_on(MENUS, NEED)],
    D + "surveys/needs/<uuid:pk>/close/": [_on(MENUS, NEED, "post")],
}


def extend(unit: dict, demo) -> None:
    """The unit's published menu (item C1) with a submitted order placed by the unit itself; a
    draft menu with one item; a qualified expert of its pool with a qualification and an
    unavailable period; an open survey of the unit with one need."""
    from tests.dispatch.support import expert, menu, order
    from zhijia.dispatch.enums import MenuStatus, NeedSource
    from zhijia.dispatch.models import Need, NeedSurvey

    org = unit["org"]
    published = menu(org, title=f"矩阵控制台菜单 {org.short_name}")
    item = published.items.get(code="C1")
    unit["console_dispatch_published_item"] = item
    unit[ORD] = order(item, org=org, contact_phone="13800006666")
    draft = menu(org, status=MenuStatus.DRAFT, title=f"矩阵草稿菜单 {org.short_name}")
    unit[MENU], unit[ITEM] = draft, draft.items.get(code="C1")
    e = expert(
        org,
        name=f"矩阵控制台专家 {org.short_name}",
        specialties=["C1"],
        qualifications=["心理咨询师"],
        unavailable=[
            (timezone.localdate() + timedelta(days=300), timezone.localdate() + timedelta(days=301))
        ],
    )
    unit[EXPERT] = e
    unit["url_values"]["qualification_pk"] = e.qualifications.get().pk
    unit["url_values"]["period_pk"] = e.unavailable.get().pk
    survey = NeedSurvey.objects.create(org=org, title=f"矩阵需求调研 {org.short_name}")
    unit[SURVEY] = survey
    unit[NEED] = Need.objects.create(
        survey=survey, source=NeedSource.UNION, org=org, item=item, text="矩阵需求"
    )


def snapshot() -> list:
    """Rows a denied request must not change."""
    from zhijia.dispatch.models import (
        Budget,
        Expert,
        Menu,
        MenuItem,
        Need,
        NeedSurvey,
        Qualification,
        ServiceOrder,
        Unavailability,
    )

    return [
        ServiceOrder.objects.count(),
        list(Menu.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")),
        list(MenuItem.objects.order_by("pk").values_list("pk", "paused", "title", "updated_at")),
        list(Expert.objects.order_by("pk").values_list("pk", "user_id", "updated_at")),
        list(Qualification.objects.order_by("pk").values_list("pk", "name", "expires_on")),
        list(Unavailability.objects.order_by("pk").values_list("pk", "starts_on", "ends_on")),
        list(Budget.objects.order_by("pk").values_list("pk", "amount")),
        list(NeedSurvey.objects.order_by("pk").values_list("pk", "status")),
        list(Need.objects.order_by("pk").values_list("pk", "status", "order_id")),
    ]
