"""The order workflow: every transition with its guards, events, audit entries, notices and
error codes; who may take each step; re-dispatch revoking the previous expert at once."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from zhijia.accounts import sms
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, Unprocessable, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.dispatch import error_codes
from zhijia.dispatch.enums import TRANSITIONS, OrderStatus
from zhijia.dispatch.models import OrderEvent, ServiceOrder
from zhijia.dispatch.permissions import expert_order
from zhijia.dispatch.selectors.orders import my_expert_orders, order_get, order_list
from zhijia.dispatch.services import orders as svc

from .support import expert, expert_login, item, order, world

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def w(demo):
    return world(demo)


def statuses(o):
    return list(
        OrderEvent.objects.filter(order=o).order_by("at", "created_at").values_list("status", flat=True)
    )


def actions(o):
    return list(
        AuditEntry.objects.filter(object_id=str(o.pk)).order_by("id").values_list("action", flat=True)
    )


def placed(w, **kw):
    return svc.order_create(actor=w.unit_staff, **w.order_kwargs(**kw))


def dispatched(w, e=None, **kw):
    return svc.order_dispatch(actor=w.clerk, order=placed(w, **kw), expert=e or w.expert)


def accepted(w, **kw):
    o = dispatched(w, **kw)
    return svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(1))


def delivered(w, **kw):
    o = accepted(w, **kw)
    return svc.order_deliver(actor=w.expert_user, order=o, attendees=28, summary="讲座顺利完成")


def test_the_whole_loop_writes_events_audit_and_notices(w, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        o = placed(w)
        assert o.status == S.SUBMITTED and o.dispatcher == w.dispatcher and o.cost == w.psy.cost
        assert re.fullmatch(rf"FW{w.year}-\d{{6}}", o.number)
        o = svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert)
        assert o.status == S.DISPATCHED and o.expert == w.expert and o.budget == w.budget
        hours = (o.accept_by - o.dispatched_at).total_seconds() / 3600
        assert hours == pytest.approx(48)
        o = svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(2, 14))
        assert o.status == S.ACCEPTED and o.accept_by is None
        assert o.ends_at - o.starts_at == dt.timedelta(minutes=w.psy.duration_minutes)
        w.budget.refresh_from_db()
        assert w.budget.committed == 1000 and w.budget.spent == 0
        o = svc.order_deliver(actor=w.expert_user, order=o, attendees=31, summary="讲座顺利完成")
        assert o.status == S.DELIVERED and o.attendees == 31 and o.delivered_at is not None
        o = svc.order_confirm(actor=w.unit_staff, order=o, rating=5, comment="很好")
        assert o.status == S.CONFIRMED and o.rating == 5
        o = svc.order_rate_union(actor=w.expert_user, order=o, rating=4, comment="组织有序")
        assert o.expert_rating == 4
        o = svc.order_settle(actor=w.clerk, order=o)
        assert o.status == S.SETTLED and o.settled_at is not None
    w.budget.refresh_from_db()
    assert (w.budget.committed, w.budget.spent) == (0, 1000)
    w.expert.refresh_from_db()
    assert (w.expert.rating_sum, w.expert.rating_count, w.expert.rating) == (5, 1, 5.0)
    assert statuses(o) == [S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.CONFIRMED, S.SETTLED]
    assert actions(o) == [
        "order.create",
        "order.dispatch",
        "order.accept",
        "order.deliver",
        "order.confirm",
        "order.rate_union",
        "order.settle",
    ]
    templates = [(m["template"], m["phone"]) for m in sms.outbox]
    assert ("dispatch_order_dispatched", w.expert.phone) in templates
    assert ("dispatch_order_accepted", "13912345678") in templates
    assert ("dispatch_order_delivered", "13912345678") in templates
    dispatched_notice = next(m for m in sms.outbox if m["template"] == "dispatch_order_dispatched")
    assert dispatched_notice["params"]["number"] == o.number


def test_notices_wait_for_the_commit(w, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatched(w)
    assert sms.outbox == [] and callbacks


def test_a_draft_is_submitted_later(w):
    o = placed(w, submit=False)
    assert o.status == S.DRAFT
    o = svc.order_submit(actor=w.unit_staff, order=o)
    assert o.status == S.SUBMITTED and statuses(o) == [S.DRAFT, S.SUBMITTED]
    with pytest.raises(Conflict) as exc:
        svc.order_submit(actor=w.unit_staff, order=o)
    assert exc.value.code == error_codes.INVALID_TRANSITION


def test_order_numbers_are_unique_and_sequential(w):
    numbers = [placed(w).number for _ in range(3)]
    tails = [int(n.split("-")[1]) for n in numbers]
    assert len(set(numbers)) == 3 and tails == sorted(tails) and tails[1] == tails[0] + 1


def test_idempotency_key_replays_the_first_order(w):
    first = placed(w, idempotency_key="k-1")
    again = placed(w, idempotency_key="k-1")
    assert again.pk == first.pk
    with pytest.raises(Unprocessable) as exc:  # the same key with another request
        placed(w, idempotency_key="k-1", audience=50)
    assert exc.value.code == error_codes.IDEMPOTENCY_MISMATCH
    assert ServiceOrder.objects.filter(idempotency_key="k-1").count() == 1
    other = placed(w, idempotency_key="k-2")
    assert other.pk != first.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"audience": 500}, "audience"),
        ({"audience": 0}, "audience"),
        ({"place": " "}, "place"),
        ({"wanted_from": "2020-01-01", "wanted_to": "2020-01-02"}, "wanted_from"),
        ({"wanted_to": "not a date"}, "wanted_to"),
        ({"contact_phone": "12345"}, "contact_phone"),
    ],
)
def test_order_create_field_errors(w, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        placed(w, **overrides)
    assert field in exc.value.fields
    assert not ServiceOrder.objects.exists()


def test_order_create_wanted_to_before_from(w):
    with pytest.raises(ValidationFailed) as exc:
        placed(w, wanted_from=w.wanted_to, wanted_to=w.wanted_from)
    assert "wanted_to" in exc.value.fields


def test_paused_unpublished_or_out_of_subtree_items_are_unavailable(w, demo):
    w.psy.paused = True
    w.psy.save()
    with pytest.raises(Conflict) as exc:
        placed(w)
    assert exc.value.code == error_codes.ITEM_UNAVAILABLE
    limited = item(w.menu, code="ONLY", orderable_org=w.other_unit)
    with pytest.raises(Conflict) as exc:
        placed(w, item=limited)
    assert exc.value.code == error_codes.ITEM_UNAVAILABLE
    ok = svc.order_create(actor=w.clerk, **w.order_kwargs(item=limited, org=w.other_unit, audience=10))
    assert ok.status == S.SUBMITTED
    # 宝安 is outside the menu's union: even its own staff cannot order from 福田's menu
    baoan = demo.org("宝安区总")
    with pytest.raises(Conflict) as exc:
        svc.order_create(actor=w.outsider, **w.order_kwargs(item=w.law, org=baoan))
    assert exc.value.code == error_codes.ITEM_UNAVAILABLE


def test_ordering_needs_the_order_capability_on_the_unit(w):
    with pytest.raises(NotFound):
        svc.order_create(actor=w.unit_staff, **w.order_kwargs(org=w.other_unit))
    with pytest.raises(NotFound):
        svc.order_create(actor=w.outsider, **w.order_kwargs())
    with pytest.raises(PermissionDenied):  # an expert (role within 福田) holds no dispatch.order
        svc.order_create(actor=w.expert_user, **w.order_kwargs())


# --- dispatch ---------------------------------------------------------------------------------


def test_dispatch_only_by_the_dispatcher(w):
    o = placed(w)
    # dispatch.assign is checked on the dispatcher (福田区总), outside the unit staff's grants
    with pytest.raises(NotFound):
        svc.order_dispatch(actor=w.unit_staff, order=o, expert=w.expert)
    with pytest.raises(NotFound):
        svc.order_dispatch(actor=w.outsider, order=o, expert=w.expert)
    with pytest.raises(PermissionDenied):
        svc.order_dispatch(actor=w.expert_user, order=o, expert=w.expert)
    o.refresh_from_db()
    assert o.status == S.SUBMITTED and o.expert is None


def test_dispatch_refuses_experts_that_do_not_qualify(w, demo):
    o = placed(w)
    today = timezone.localdate()
    expired = expert(w.dispatcher, qualifications=[("心理咨询师", today + dt.timedelta(days=12))])
    missing = expert(w.dispatcher)
    inactive = expert(w.dispatcher, qualifications=["心理咨询师"], active=False)
    away = expert(w.dispatcher, qualifications=["心理咨询师"], unavailable=[(w.wanted_from, w.wanted_to)])
    full = expert(w.dispatcher, qualifications=["心理咨询师"], monthly_capacity=1)
    order(w.law, org=w.unit, status=S.DISPATCHED, expert=full, wanted_from=w.wanted_from)
    foreign = expert(demo.org("宝安区总"), qualifications=["心理咨询师"])
    cases = [
        (expired, error_codes.CERTIFICATE_EXPIRED),
        (missing, error_codes.CERTIFICATE_EXPIRED),
        (inactive, error_codes.EXPERT_UNAVAILABLE),
        (away, error_codes.EXPERT_UNAVAILABLE),
        (full, error_codes.EXPERT_UNAVAILABLE),
    ]
    for candidate, code in cases:
        with pytest.raises(Conflict) as exc:
            svc.order_dispatch(actor=w.clerk, order=o, expert=candidate)
        assert exc.value.code == code, candidate
    with pytest.raises(ValidationFailed) as exc:
        svc.order_dispatch(actor=w.clerk, order=o, expert=foreign)
    assert exc.value.code == error_codes.EXPERT_NOT_IN_POOL and "expert_id" in exc.value.fields
    o.refresh_from_db()
    assert o.status == S.SUBMITTED and statuses(o) == [S.SUBMITTED]


def test_dispatch_accepts_partly_unavailable_experts_and_ancestor_pools(w, demo):
    o = placed(w)
    partly = expert(
        w.dispatcher,
        qualifications=["心理咨询师"],
        unavailable=[(w.wanted_from, w.wanted_to - dt.timedelta(days=1))],
    )
    assert svc.order_dispatch(actor=w.clerk, order=o, expert=partly).expert == partly
    city = expert(demo.org("深圳市总"), qualifications=["心理咨询师"])  # an ancestor's pool
    assert svc.order_dispatch(actor=w.clerk, order=o, expert=city).expert == city


def test_redispatch_revokes_the_previous_expert_at_once(w, django_capture_on_commit_callbacks):
    o = dispatched(w)
    assert expert_order(user=w.expert_user, id=o.pk) == o
    assert list(my_expert_orders(user=w.expert_user)) == [o]
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        o = svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert2)
    assert o.expert == w.expert2 and o.status == S.DISPATCHED
    with pytest.raises(NotFound):
        expert_order(user=w.expert_user, id=o.pk)
    with pytest.raises(NotFound):
        order_get(actor=w.expert_user, id=o.pk)
    assert list(my_expert_orders(user=w.expert_user)) == []
    assert list(order_list(actor=w.expert_user)) == []
    with pytest.raises(NotFound):  # the stale page's accept fails
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts())
    assert ("dispatch_order_withdrawn", w.expert.phone) in [(m["template"], m["phone"]) for m in sms.outbox]
    assert svc.order_accept(actor=w.expert2_user, order=o, starts_at=w.starts()).status == S.ACCEPTED
    assert statuses(o) == [S.SUBMITTED, S.DISPATCHED, S.DISPATCHED, S.ACCEPTED]


# --- the expert's steps -----------------------------------------------------------------------


def test_only_the_assigned_expert_accepts(w):
    o = dispatched(w)
    for stranger in (w.expert2_user, w.clerk, w.unit_staff):
        with pytest.raises(NotFound):
            svc.order_accept(actor=stranger, order=o, starts_at=w.starts())
    o.refresh_from_db()
    assert o.status == S.DISPATCHED


def test_an_expert_without_the_expert_role_gets_403(w):
    user, e = expert_login(w.dispatcher, qualifications=["心理咨询师"])
    user.grants.all().delete()
    o = dispatched(w, e=e)
    with pytest.raises(PermissionDenied):
        svc.order_accept(actor=user, order=o, starts_at=w.starts())


def test_accept_checks_the_time(w):
    o = dispatched(w)
    with pytest.raises(ValidationFailed) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(-1))
    assert "starts_at" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(11))
    assert "starts_at" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(1, 10), ends_at=w.starts(1, 9))
    assert "ends_at" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at="tomorrow")
    assert "starts_at" in exc.value.fields
    o = svc.order_accept(
        actor=w.expert_user,
        order=o,
        starts_at=w.starts(10, 9).isoformat(),
        ends_at=w.starts(10, 12).isoformat(),
    )
    assert o.ends_at - o.starts_at == dt.timedelta(hours=3)


def test_no_expert_is_double_booked(w):
    first = dispatched(w)
    svc.order_accept(actor=w.expert_user, order=first, starts_at=w.starts(1, 9))  # 09:00-11:00
    second = dispatched(w, item=w.psy)
    with pytest.raises(Conflict) as exc:
        svc.order_accept(actor=w.expert_user, order=second, starts_at=w.starts(1, 10))
    assert exc.value.code == error_codes.EXPERT_UNAVAILABLE
    second.refresh_from_db()
    assert second.status == S.DISPATCHED
    w.budget.refresh_from_db()
    assert w.budget.committed == 1000  # the refused acceptance committed nothing
    ok = svc.order_accept(actor=w.expert_user, order=second, starts_at=w.starts(1, 11))  # back to back
    assert ok.status == S.ACCEPTED


def test_accept_refused_on_an_unavailable_day(w):
    o = dispatched(w)
    w.expert.unavailable.create(starts_on=w.wanted_from, ends_on=w.wanted_from)
    with pytest.raises(Conflict) as exc:
        svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(0))
    assert exc.value.code == error_codes.EXPERT_UNAVAILABLE
    assert svc.order_accept(actor=w.expert_user, order=o, starts_at=w.starts(1)).status == S.ACCEPTED


def test_decline_clears_the_expert_and_needs_a_reason(w):
    o = dispatched(w)
    with pytest.raises(ValidationFailed) as exc:
        svc.order_decline(actor=w.expert_user, order=o, reason="  ")
    assert "reason" in exc.value.fields
    o = svc.order_decline(actor=w.expert_user, order=o, reason="当天有课")
    assert o.status == S.DECLINED and o.expert is None and o.decline_reason == "当天有课"
    event = OrderEvent.objects.filter(order=o, status=S.DECLINED).get()
    assert event.expert == w.expert and event.note == "当天有课"
    with pytest.raises(NotFound):
        expert_order(user=w.expert_user, id=o.pk)
    assert o in order_list(actor=w.clerk, status=S.DECLINED)
    o = svc.order_dispatch(actor=w.clerk, order=o, expert=w.expert2)
    assert o.status == S.DISPATCHED and o.decline_reason == ""


def test_deliver_report(w):
    o = accepted(w)
    with pytest.raises(ValidationFailed) as exc:
        svc.order_deliver(actor=w.expert_user, order=o, attendees=-1, summary="x")
    assert "attendees" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        svc.order_deliver(actor=w.expert_user, order=o, attendees=3, summary="")
    assert "summary" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        future = timezone.now() + dt.timedelta(days=1)
        svc.order_deliver(actor=w.expert_user, order=o, attendees=3, summary="x", delivered_at=future)
    assert "delivered_at" in exc.value.fields
    with pytest.raises(NotFound):
        svc.order_deliver(actor=w.expert2_user, order=o, attendees=3, summary="x")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationFailed) as exc:
        svc.order_deliver(actor=w.expert_user, order=o, attendees=3, summary="x", photos=[bad])
    assert "photos" in exc.value.fields
    disguised = SimpleUploadedFile("p.jpg", b"<html><script>", content_type="image/jpeg")
    with pytest.raises(ValidationFailed):
        svc.order_deliver(actor=w.expert_user, order=o, attendees=3, summary="x", photos=[disguised])
    import io

    from PIL import Image

    real = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(real, "JPEG")
    fake = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0fake", content_type="image/jpeg")
    with pytest.raises(ValidationFailed):  # starts like a JPEG, decodes as nothing
        svc.order_deliver(actor=w.expert_user, order=o, attendees=3, summary="x", photos=[fake])
    photo = SimpleUploadedFile("p.jpg", real.getvalue(), content_type="image/jpeg")
    o = svc.order_deliver(actor=w.expert_user, order=o, attendees=30, summary="好", photos=[(photo, "现场")])
    assert o.status == S.DELIVERED and o.photos.get().caption == "现场"


def test_dispute_then_redeliver_then_confirm(w):
    o = delivered(w)
    with pytest.raises(ValidationFailed):
        svc.order_dispute(actor=w.unit_staff, order=o, reason="")
    with pytest.raises(NotFound):
        svc.order_dispute(actor=w.outsider, order=o, reason="x")
    o = svc.order_dispute(actor=w.unit_staff, order=o, reason="人数不符")
    assert o.status == S.DISPUTED and o.dispute_reason == "人数不符"
    with pytest.raises(Conflict):
        svc.order_settle(actor=w.clerk, order=o)
    o = svc.order_deliver(actor=w.expert_user, order=o, attendees=25, summary="更正人数")
    assert o.status == S.DELIVERED and o.attendees == 25
    with pytest.raises(ValidationFailed) as exc:
        svc.order_confirm(actor=w.unit_staff, order=o, rating=6)
    assert "rating" in exc.value.fields
    with pytest.raises(PermissionDenied):  # the expert holds no dispatch.order
        svc.order_confirm(actor=w.expert_user, order=o, rating=5)
    o = svc.order_confirm(actor=w.unit_staff, order=o, rating=3)
    assert o.status == S.CONFIRMED
    assert statuses(o)[-4:] == [S.DELIVERED, S.DISPUTED, S.DELIVERED, S.CONFIRMED]


def test_rate_union_only_after_delivery(w):
    o = accepted(w)
    with pytest.raises(Conflict) as exc:
        svc.order_rate_union(actor=w.expert_user, order=o, rating=5)
    assert exc.value.code == error_codes.INVALID_TRANSITION
    o = svc.order_deliver(actor=w.expert_user, order=o, attendees=1, summary="x")
    with pytest.raises(ValidationFailed):
        svc.order_rate_union(actor=w.expert_user, order=o, rating=0)
    assert svc.order_rate_union(actor=w.expert_user, order=o, rating=2).expert_rating == 2
    assert svc.order_rate_union(actor=w.expert_user, order=o, rating=5).expert_rating == 5


def test_settle_only_by_the_dispatcher(w):
    o = svc.order_confirm(actor=w.unit_staff, order=delivered(w), rating=4)
    with pytest.raises(NotFound):
        svc.order_settle(actor=w.unit_staff, order=o)
    with pytest.raises(PermissionDenied):
        svc.order_settle(actor=w.expert_user, order=o)
    assert svc.order_settle(actor=w.clerk, order=o).status == S.SETTLED
    with pytest.raises(Conflict):
        svc.order_settle(actor=w.clerk, order=o)


# --- cancel -----------------------------------------------------------------------------------


def test_the_ordering_unit_cancels_before_acceptance_only(w, django_capture_on_commit_callbacks):
    o = dispatched(w)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        o = svc.order_cancel(actor=w.unit_staff, order=o, reason="改期")
    assert o.status == S.CANCELLED and o.cancelled_at is not None and o.accept_by is None
    assert ("dispatch_order_cancelled", w.expert.phone) in [(m["template"], m["phone"]) for m in sms.outbox]
    booked = accepted(w)
    with pytest.raises(PermissionDenied):
        svc.order_cancel(actor=w.unit_staff, order=booked, reason="改期")
    with pytest.raises(ValidationFailed):
        svc.order_cancel(actor=w.clerk, order=booked, reason="")
    w.budget.refresh_from_db()
    assert w.budget.committed == 1000
    assert svc.order_cancel(actor=w.clerk, order=booked, reason="专家生病").status == S.CANCELLED
    w.budget.refresh_from_db()
    assert w.budget.committed == 0  # released


def test_cancel_is_refused_once_delivered_or_closed(w):
    o = delivered(w)
    with pytest.raises(Conflict) as exc:
        svc.order_cancel(actor=w.clerk, order=o, reason="x")
    assert exc.value.code == error_codes.INVALID_TRANSITION
    with pytest.raises(NotFound):  # outsiders learn nothing about the state
        svc.order_cancel(actor=w.outsider, order=o, reason="x")
    o = svc.order_dispute(actor=w.unit_staff, order=o, reason="没来")
    assert svc.order_cancel(actor=w.clerk, order=o, reason="核实未开展").status == S.CANCELLED
    w.budget.refresh_from_db()
    assert w.budget.committed == 0
    with pytest.raises(Conflict):
        svc.order_cancel(actor=w.clerk, order=o, reason="again")


# --- every step against every state -----------------------------------------------------------


def _step(name, w):
    return {
        "submit": (svc.order_submit, {"actor": w.unit_staff}, S.SUBMITTED),
        "dispatch": (svc.order_dispatch, {"actor": w.clerk, "expert": w.expert}, S.DISPATCHED),
        "accept": (svc.order_accept, {"actor": None, "starts_at": w.starts(3)}, S.ACCEPTED),
        "decline": (svc.order_decline, {"actor": None, "reason": "x"}, S.DECLINED),
        "deliver": (svc.order_deliver, {"actor": None, "attendees": 3, "summary": "x"}, S.DELIVERED),
        "confirm": (svc.order_confirm, {"actor": w.unit_staff, "rating": 4}, S.CONFIRMED),
        "dispute": (svc.order_dispute, {"actor": w.unit_staff, "reason": "x"}, S.DISPUTED),
        "settle": (svc.order_settle, {"actor": w.clerk}, S.SETTLED),
        "cancel": (svc.order_cancel, {"actor": w.clerk, "reason": "x"}, S.CANCELLED),
    }[name]


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize(
    "step", ["submit", "dispatch", "accept", "decline", "deliver", "confirm", "dispute", "settle", "cancel"]
)
def test_every_step_is_guarded_by_the_transitions(w, status, step):
    fn, kwargs, target = _step(step, w)
    needs_expert = status in (S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.CONFIRMED, S.DISPUTED, S.SETTLED)
    o = order(w.psy, org=w.unit, status=status, expert=w.expert if needs_expert else None)
    if kwargs.get("actor", "x") is None:  # the expert's steps: the order's expert acts
        kwargs["actor"] = w.expert_user
    allowed = target in TRANSITIONS[status]
    before = statuses(o)
    if not allowed:
        with pytest.raises((Conflict, NotFound)) as exc:
            fn(order=o, **kwargs)
        if isinstance(exc.value, Conflict):
            assert exc.value.code == error_codes.INVALID_TRANSITION
        else:  # the expert's steps on an order without an expert: nobody's order
            assert o.expert is None and step in ("accept", "decline", "deliver")
        o.refresh_from_db()
        assert o.status == status and statuses(o) == before
    else:
        result = fn(order=o, **kwargs)
        assert result.status == target
        assert statuses(result) == [*before, target]


def test_the_expert_reveals_the_contact_only_while_working_on_the_order(w):
    dispatched = order(w.psy, org=w.unit, status=S.DISPATCHED, expert=w.expert)
    ServiceOrder.objects.filter(pk=dispatched.pk).update(contact_name="陈干事", contact_phone="13912345678")
    dispatched.refresh_from_db()
    # dispatched to them: they may call before accepting, to agree on the time
    assert svc.order_contact_reveal(actor=w.expert_user, order=dispatched) == ("陈干事", "13912345678")
    with pytest.raises(NotFound):  # not another expert
        svc.order_contact_reveal(actor=w.expert2_user, order=dispatched)
    booked = accepted(w)
    ServiceOrder.objects.filter(pk=booked.pk).update(contact_name="陈干事", contact_phone="13912345678")
    booked.refresh_from_db()
    with pytest.raises(NotFound):
        svc.order_contact_reveal(actor=w.expert2_user, order=booked)
    assert svc.order_contact_reveal(actor=w.expert_user, order=booked) == ("陈干事", "13912345678")
    entries = list(AuditEntry.objects.filter(action="order.contact_reveal"))
    assert len(entries) == 2 and all("13912345678" not in str(e.data) for e in entries)
