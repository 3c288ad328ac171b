"""Order reads: the three sides and their scope, query counts, the board (overdue first) and
the reports."""

import datetime as dt

import pytest
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.selectors import reports
from zhijia.dispatch.selectors.orders import board, my_expert_orders, order_get, order_list
from zhijia.dispatch.services import orders as svc

from .support import expert, menu, order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


def ids(qs):
    return {o.pk for o in qs}


def test_each_side_sees_its_orders(w, demo):
    mine = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    sibling = order(w.law, org=w.other_unit)
    other_expert = order(w.law, org=w.other_unit, status=S.ACCEPTED, expert=w.expert2)
    baoan = order(menu(demo.org("宝安区总")).items.get(), org=demo.org("西乡街道"))
    assert ids(order_list(actor=w.clerk)) == {mine.pk, sibling.pk, other_expert.pk}
    assert ids(order_list(actor=w.clerk, side="dispatch")) == {mine.pk, sibling.pk, other_expert.pk}
    assert ids(order_list(actor=w.unit_staff)) == {mine.pk}
    assert ids(order_list(actor=w.unit_staff, side="order")) == {mine.pk}
    assert ids(order_list(actor=w.unit_staff, side="dispatch")) == set()
    assert ids(order_list(actor=w.expert_user)) == {mine.pk}
    assert ids(order_list(actor=w.expert_user, side="expert")) == {mine.pk}
    assert ids(order_list(actor=w.outsider)) == {baoan.pk}
    assert ids(order_list(actor=w.clerk, status=S.ACCEPTED)) == {other_expert.pk}
    assert ids(order_list(actor=w.clerk, status=[S.ACCEPTED, S.DISPATCHED])) == {mine.pk, other_expert.pk}
    assert ids(my_expert_orders(user=w.expert2_user)) == {other_expert.pk}
    assert ids(my_expert_orders(user=w.expert2_user, status=S.DISPATCHED)) == set()


def test_order_get_404_outside_every_side(w):
    o = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    assert order_get(actor=w.unit_staff, id=o.pk) == o
    assert order_get(actor=w.expert_user, id=o.pk).attendance_count == 0
    for stranger in (w.outsider, w.expert2_user):
        with pytest.raises(NotFound):
            order_get(actor=stranger, id=o.pk)
    with pytest.raises(NotFound):
        order_get(actor=w.clerk, id="not-a-uuid")


def test_order_get_has_the_timeline(w):
    o = svc.order_create(actor=w.unit_staff, **w.order_kwargs())
    svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert)
    found = order_get(actor=w.clerk, id=o.pk)
    assert [e.status for e in found.events.all()] == [S.SUBMITTED, S.DISPATCHED]
    assert found.events.all()[1].expert == w.expert and found.events.all()[1].actor == w.clerk


def test_order_list_query_count_does_not_grow(w, django_assert_max_num_queries):
    for i in range(12):
        e = expert(w.dispatcher, name=f"专家{i}")
        order(
            w.law,
            org=w.unit,
            status=S.ACCEPTED if i % 2 else S.DISPATCHED,
            expert=e,
            starts_at=w.starts(0, 8) + dt.timedelta(days=i % 9),
        )
    with django_assert_max_num_queries(2):  # the grants, then one query
        rows = list(order_list(actor=w.clerk))
        assert len(rows) == 12
        assert {(o.item.menu.org.pk, o.org.name, o.dispatcher.pk, o.expert.name) for o in rows}


def test_the_board_puts_overdue_first(w):
    now = timezone.now()
    fresh = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    late = order(
        w.law, org=w.unit, status=S.DISPATCHED, expert=w.expert2, accept_by=now - dt.timedelta(hours=1)
    )
    started = order(
        w.law, org=w.unit, status=S.ACCEPTED, expert=w.expert, starts_at=now - dt.timedelta(hours=3)
    )
    waiting = order(w.psy, org=w.unit)
    order(w.psy, org=w.unit, status=S.DRAFT)
    columns = board(actor=w.clerk)
    assert [o.pk for o in columns[S.DISPATCHED]] == [late.pk, fresh.pk]
    assert columns[S.DISPATCHED][0].overdue and not columns[S.DISPATCHED][1].overdue
    assert [o.pk for o in columns[S.ACCEPTED]] == [started.pk] and columns[S.ACCEPTED][0].overdue
    assert [o.pk for o in columns[S.SUBMITTED]] == [waiting.pk]
    assert S.DRAFT not in columns and next(iter(columns)) == S.SUBMITTED
    assert all(not v for v in board(actor=w.unit_staff).values())


def test_reports(w):
    o1 = svc.order_create(actor=w.unit_staff, **w.order_kwargs())
    o1 = svc.order_dispatch(actor=w.clerk, order=o1, expert=w.expert)
    o1 = svc.order_accept(actor=w.expert_user, order=o1, starts_at=w.starts())
    o1 = svc.order_deliver(actor=w.expert_user, order=o1, attendees=30, summary="x")
    svc.order_confirm(actor=w.unit_staff, order=o1, rating=4)
    o2 = order(w.psy, org=w.unit, status=S.SETTLED, expert=w.expert2, rating=2)
    order(w.law, org=w.other_unit, status=S.SUBMITTED)
    order(w.law, org=w.other_unit, status=S.CANCELLED)
    rows = reports.orders_by_item_and_unit(actor=w.clerk, year=w.year)
    assert [(r["item_code"], r["org_name"], r["orders"], r["delivered"]) for r in rows] == [
        ("PSY", w.unit.name, 2, 2),
        ("LAW", w.other_unit.name, 1, 0),
    ]
    assert rows[0]["attendees"] == 30 + o2.attendees and rows[0]["cost"] == 2000
    times = reports.response_times(actor=w.clerk, year=w.year)
    assert times["counts"] == {"submit_to_dispatch": 1, "dispatch_to_accept": 1, "accept_to_deliver": 1}
    assert times["submit_to_dispatch"] is not None and times["submit_to_dispatch"] >= 0
    sat = reports.satisfaction(actor=w.clerk, year=w.year)
    assert sat["items"] == [{"code": "PSY", "title": w.psy.title, "rating": 3.0, "count": 2}]
    assert {(e["name"], e["rating"]) for e in sat["experts"]} == {("李心理", 4.0), ("王咨询", 2.0)}
    used = reports.budget_used(actor=w.clerk, year=w.year)
    assert [(r["org"], r["committed"], r["spent"], r["remaining"]) for r in used] == [
        (w.dispatcher, 1000, 1000, 48000)
    ]
    assert reports.orders_by_item_and_unit(actor=w.unit_staff, year=w.year) == []
    assert reports.orders_by_item_and_unit(actor=w.clerk, year=w.year + 1) == []
