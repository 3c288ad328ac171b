"""The periodic job: acceptance deadlines (超时) and the day-before reminders, with the clock
moved by time-machine; the Celery task and the management command run the same job."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from zhijia.accounts import sms
from zhijia.core.errors import Conflict, NotFound
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes, tasks
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import OrderEvent, ServiceOrder
from zhijia.dispatch.permissions import expert_order
from zhijia.dispatch.services import orders as svc

from .support import world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    w = world(demo)
    w.dispatcher.contact_phone = "13700000000"
    w.dispatcher.save(update_fields=["contact_phone"])
    return w


def dispatched(w):
    o = svc.order_create(actor=w.unit_staff, **w.order_kwargs())
    return svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert)


def test_unaccepted_orders_time_out_and_go_back(w, django_capture_on_commit_callbacks):
    o = dispatched(w)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.orders_tick(now=o.accept_by - dt.timedelta(seconds=1)) == {"timed_out": 0, "reminded": 0}
        assert svc.orders_tick(now=o.accept_by) == {"timed_out": 1, "reminded": 0}
    o.refresh_from_db()
    assert o.status == S.TIMED_OUT and o.expert is None and o.accept_by is None
    event = OrderEvent.objects.get(order=o, status=S.TIMED_OUT)
    assert event.expert == w.expert and event.actor is None
    assert AuditEntry.objects.filter(action="order.timeout", object_id=str(o.pk)).count() == 1
    assert [(m["template"], m["phone"]) for m in sms.outbox] == [("dispatch_order_timed_out", "13700000000")]
    with pytest.raises(NotFound):
        expert_order(user=w.expert_user, id=o.pk)
    assert svc.orders_tick(now=o.updated_at + dt.timedelta(days=9)) == {"timed_out": 0, "reminded": 0}
    assert svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert2).status == S.DISPATCHED


@override_settings(DISPATCH_ACCEPT_HOURS=2)
def test_the_deadline_comes_from_the_setting(w):
    o = dispatched(w)
    assert o.accept_by - o.dispatched_at == dt.timedelta(hours=2)


def test_a_late_acceptance_times_the_order_out(w):
    o = dispatched(w)
    with time_machine.travel(o.accept_by + dt.timedelta(minutes=1)), pytest.raises(Conflict) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts())
    assert exc.value.code == error_codes.INVALID_TRANSITION
    o.refresh_from_db()
    assert o.status == S.TIMED_OUT and o.expert is None


def test_acceptance_just_in_time(w):
    o = dispatched(w)
    with time_machine.travel(o.accept_by - dt.timedelta(minutes=1)):
        assert svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts()).status == S.ACCEPTED


def test_reminders_go_once_within_24_hours(w, django_capture_on_commit_callbacks):
    o = dispatched(w)
    o = svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(0, 15))
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.orders_tick(now=o.starts_at - dt.timedelta(hours=25))["reminded"] == 0
        assert svc.orders_tick(now=o.starts_at - dt.timedelta(hours=23))["reminded"] == 1
        assert svc.orders_tick(now=o.starts_at - dt.timedelta(hours=22))["reminded"] == 0
    o.refresh_from_db()
    assert o.reminded_at == o.starts_at - dt.timedelta(hours=23)
    assert sorted((m["template"], m["phone"]) for m in sms.outbox) == sorted(
        [("dispatch_order_reminder", w.expert.phone), ("dispatch_order_reminder", "13912345678")]
    )
    assert sms.outbox[0]["params"]["place"] == o.place[:40]


def test_started_services_get_no_reminder(w):
    o = dispatched(w)
    o = svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(0, 15))
    assert svc.orders_tick(now=o.starts_at + dt.timedelta(minutes=1))["reminded"] == 0


def test_the_task_and_the_command_run_the_job(w):
    o = dispatched(w)
    with time_machine.travel(o.accept_by + dt.timedelta(seconds=1)):
        assert tasks.orders_tick.delay().get() == {"timed_out": 1, "reminded": 0}
    o2 = dispatched(w)
    out = StringIO()
    with time_machine.travel(o2.accept_by + dt.timedelta(seconds=1)):
        call_command("orders_tick", stdout=out)
    assert "1 orders timed out" in out.getvalue()
    assert ServiceOrder.objects.filter(status=S.TIMED_OUT).count() == 2
    assert timezone.now() < o2.accept_by
