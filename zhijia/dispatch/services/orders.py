"""The order workflow (基层点单 → 工会派单 → 专家接单): a state machine over enums.TRANSITIONS.

    draft → submitted → dispatched → accepted → delivered → confirmed → settled
    dispatched → declined / timed_out (expert cleared, back to the dispatcher) → dispatched
    dispatched → dispatched (re-dispatch: the previous expert loses the order at once)
    delivered → disputed → delivered (re-reported) / confirmed / cancelled
    draft, submitted, dispatched, declined, timed_out, accepted → cancelled

Every transition locks the order row first (SELECT … FOR UPDATE), re-reads it, checks the step
against TRANSITIONS (409 invalid_transition) and who may take it, then writes the change, one
OrderEvent (the timeline) and one audit entry `order.<step>` in the same transaction; SMS
notices go out on commit. Lock order: order → expert → budget (a guarded UPDATE).

Who: the ordering side holds dispatch.order on `order.org`; the dispatcher holds
dispatch.assign on `order.dispatcher` (dispatch.budget to go over the budget); the expert is
the login linked to `order.expert` (and holds expert.work) — anyone else gets 404 for the
expert's steps, so a re-dispatched expert loses the order immediately. actor None is the system.

No double booking: an expert never holds two booked orders (enums.BOOKED) at overlapping
times. Acceptance locks the expert's row and checks in Python (SQLite serialises writers);
on PostgreSQL the exclusion constraint `expert_no_overlap` decides under any concurrency and
its violation becomes 409 expert_unavailable. Budget: checked at dispatch, committed at accept
(guarded; 409 over_budget unless overridden), released at cancel, spent at settle.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import idempotency
from zhijia.core.errors import Conflict, PermissionDenied, busy_as_conflict, field_error
from zhijia.core.workdays import next_value
from zhijia.members.notices import notify
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import BOOKED, OrderStatus
from ..models import Expert, MenuItem, ServiceOrder
from ..selectors.experts import (
    expert_in_pool,
    expert_month_load,
    qualification_valid,
    unavailable_all_days,
)
from ..selectors.menus import item_orderable
from .budget import budget_for, budget_release, budget_room, budget_spend
from .common import (
    day,
    integer,
    local_text,
    mobile,
    require,
    text,
    user_or_none,
)
from .common import (
    rating as parse_rating,
)
from .order_steps import audit, event, guard, lock_order, over_budget, params, save

S = OrderStatus
BEFORE_ACCEPT = (S.DRAFT, S.SUBMITTED, S.DISPATCHED, S.DECLINED, S.TIMED_OUT)
MAX_WANTED_DAYS = 366


def accept_hours() -> int:
    return int(getattr(settings, "DISPATCH_ACCEPT_HOURS", 48))


# --- shared steps -----------------------------------------------------------------------------


# --- ordering ---------------------------------------------------------------------------------


def order_number(year: int) -> str:
    """ "FW2026-000123": a per-year counter row advanced by a guarded UPDATE (locked until the
    caller commits), so concurrent orders never share a number."""
    return f"FW{year}-{next_value(f'dispatch.order:{year}'):06d}"


def _replay(actor: Any, key: str) -> ServiceOrder | None:
    creator = user_or_none(actor)
    if not key or creator is None:
        return None
    return ServiceOrder.objects.filter(created_by=creator, idempotency_key=key).first()


def clean_order(
    item: MenuItem, wanted_from: Any, wanted_to: Any, audience: Any, place: Any
) -> tuple[dt.date, dt.date, int, str]:
    first = day(wanted_from, "wanted_from")
    last = day(wanted_to if wanted_to not in (None, "") else wanted_from, "wanted_to")
    assert first is not None and last is not None
    if first < timezone.localdate():
        raise field_error("wanted_from", _("The wanted dates cannot be in the past."))
    if last < first:
        raise field_error("wanted_to", _("The end cannot be before the start."))
    if (last - first).days >= MAX_WANTED_DAYS:
        raise field_error("wanted_to", _("Choose a range of at most a year."))
    people = integer(audience, "audience", low=1, high=100_000)
    assert people is not None
    if not item.audience_min <= people <= item.audience_max:
        raise field_error(
            "audience",
            _("This service is for %(low)d to %(high)d people.")
            % {"low": item.audience_min, "high": item.audience_max},
        )
    return first, last, people, text(place, "place", max_length=200, required=True)


def order_create(
    *,
    actor: Any,
    item: MenuItem,
    org: Org,
    wanted_from: Any,
    wanted_to: Any,
    place: str,
    audience: Any,
    note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    submit: bool = True,
    idempotency_key: str = "",
) -> ServiceOrder:
    """`org` orders `item` (dispatch.order on `org`). The item must be orderable by `org`
    (published menu, not paused, `org` inside the item's orderable union or the menu union's
    subtree: 409 item_unavailable); audience within the item's range (400 "audience"); wanted
    dates from today on. Number "FW<year>-<6 digits>", cost = the item's cost standard,
    dispatcher = the menu's union. Submitted at once unless `submit` is false (a draft). A
    replay of `idempotency_key` by the same user returns the first order unchanged."""
    require(actor, Cap.DISPATCH_ORDER, org)
    return create_order(
        actor=actor,
        item=item,
        org=org,
        wanted_from=wanted_from,
        wanted_to=wanted_to,
        place=place,
        audience=audience,
        note=note,
        contact_name=contact_name,
        contact_phone=contact_phone,
        submit=submit,
        idempotency_key=idempotency_key,
    )


def create_order(*, actor: Any, idempotency_key: str = "", **kwargs: Any) -> ServiceOrder:
    """order_create without the capability check (needs.need_to_order checks its own rule)."""
    key = idempotency.normalise_key(idempotency_key) if user_or_none(actor) is not None else ""
    if found := _replay(actor, key):
        return _same_request(found, kwargs)
    try:
        return _create(actor=actor, key=key, **kwargs)
    except IntegrityError:
        if found := _replay(actor, key):
            return _same_request(found, kwargs)
        raise


def _same_request(order: ServiceOrder, kwargs: dict[str, Any]) -> ServiceOrder:
    """A replayed Idempotency-Key must carry the same request (item, union, dates, place,
    audience): else 422 idempotency_mismatch."""
    wanted_to = kwargs.get("wanted_to") or kwargs.get("wanted_from")
    asked = {
        "item": kwargs["item"],
        "org": kwargs["org"],
        "wanted_from": kwargs.get("wanted_from"),
        "wanted_to": wanted_to,
        "audience": kwargs.get("audience"),
        "place": kwargs.get("place"),
    }
    stored = {
        "item": order.item_id,
        "org": order.org_id,
        "wanted_from": order.wanted_from,
        "wanted_to": order.wanted_to,
        "audience": order.audience,
        "place": order.place,
    }
    found = idempotency.replay(order, asked=asked, stored=stored)
    assert found is not None
    return found


@busy_as_conflict
@transaction.atomic
def _create(
    *,
    actor: Any,
    key: str,
    item: MenuItem,
    org: Org,
    wanted_from: Any,
    wanted_to: Any,
    place: str,
    audience: Any,
    note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    submit: bool = True,
) -> ServiceOrder:
    item = MenuItem.objects.select_related("menu__org", "orderable_org").get(pk=item.pk)
    if not item_orderable(item, org):
        raise Conflict(
            _("This service cannot be ordered by this union now."), code=error_codes.ITEM_UNAVAILABLE
        )
    first, last, people, where = clean_order(item, wanted_from, wanted_to, audience, place)
    order = ServiceOrder.objects.create(
        number=order_number(first.year),
        item=item,
        org=org,
        dispatcher=item.menu.org,
        status=S.SUBMITTED if submit else S.DRAFT,
        wanted_from=first,
        wanted_to=last,
        place=where,
        audience=people,
        note=text(note, "note", max_length=2000),
        contact_name=text(contact_name, "contact_name", max_length=50),
        contact_phone=mobile(contact_phone, "contact_phone"),
        cost=item.cost,
        created_by=user_or_none(actor),
        idempotency_key=key,
    )
    event(order, order.status, actor, note=_("Ordered") if submit else _("Draft saved"))
    audit(actor, "order.create", order, item=item.code, org=org.name, cost=order.cost)
    return order


@busy_as_conflict
@transaction.atomic
def order_submit(*, actor: Any, order: ServiceOrder) -> ServiceOrder:
    """draft → submitted (dispatch.order on order.org)."""
    order = lock_order(order)
    require(actor, Cap.DISPATCH_ORDER, order.org)
    guard(order, S.SUBMITTED)
    if not item_orderable(order.item, order.org):
        raise Conflict(
            _("This service cannot be ordered by this union now."), code=error_codes.ITEM_UNAVAILABLE
        )
    order.status = S.SUBMITTED
    save(order)
    event(order, S.SUBMITTED, actor)
    audit(actor, "order.submit", order)
    return order


# --- dispatching ------------------------------------------------------------------------------


def check_expert(order: ServiceOrder, expert: Expert) -> None:
    """The dispatch rules for `expert` on `order`, cheapest first: in the dispatcher's pool
    (400 expert_not_in_pool on "expert_id"); active, not unavailable on every wanted day and
    under the monthly capacity (409 expert_unavailable); holding the item's qualification
    unexpired on the last wanted day (409 certificate_expired)."""
    if not expert_in_pool(expert, order.dispatcher):
        raise field_error(
            "expert_id",
            _("This expert is not in the dispatching union's pool."),
            error_codes.EXPERT_NOT_IN_POOL,
        )
    if not expert.active:
        raise Conflict(_("This expert is not active."), code=error_codes.EXPERT_UNAVAILABLE)
    if not qualification_valid(expert, order.item.qualification, order.wanted_to):
        raise Conflict(
            _("This expert has no valid “%(name)s” certificate for the wanted dates.")
            % {"name": order.item.qualification},
            code=error_codes.CERTIFICATE_EXPIRED,
        )
    if unavailable_all_days(expert, order.wanted_from, order.wanted_to):
        raise Conflict(
            _("This expert is not available on the wanted dates."), code=error_codes.EXPERT_UNAVAILABLE
        )
    load = expert_month_load(expert, order.wanted_from.year, order.wanted_from.month, exclude=order.pk)
    if load >= expert.monthly_capacity:
        raise Conflict(
            _("This expert already has %(n)d orders that month (at most %(cap)d).")
            % {"n": load, "cap": expert.monthly_capacity},
            code=error_codes.EXPERT_UNAVAILABLE,
        )


@busy_as_conflict
@transaction.atomic
def order_dispatch(
    *, actor: Any, order: ServiceOrder, expert: Expert, override_budget: bool = False
) -> ServiceOrder:
    """Dispatch (or re-dispatch) to `expert` (dispatch.assign on the dispatcher): from
    submitted, declined, timed_out or dispatched. See check_expert for the expert's rules. The
    cost must fit the payer's remaining budget (409 over_budget) unless `override_budget` by a
    holder of dispatch.budget on the dispatcher (anyone else asking for it: 403); the override
    is kept on the order (its commit at acceptance is then unconditional). The expert has
    DISPATCH_ACCEPT_HOURS to accept (accept_by) and gets an SMS; a replaced expert loses the
    order at once and is told."""
    order = lock_order(order)
    require(actor, Cap.DISPATCH_ASSIGN, order.dispatcher)
    guard(order, S.DISPATCHED)
    expert = Expert.objects.select_related("org").get(pk=expert.pk)
    check_expert(order, expert)
    if (
        override_budget
        and actor is not None
        and not scope_for(actor, Cap.DISPATCH_BUDGET).contains(order.dispatcher)
    ):
        raise PermissionDenied(_("Only holders of the budget right may dispatch over the budget."))
    budget = budget_for(order)
    if not override_budget and not budget_room(budget, order.cost):
        raise over_budget(order)
    previous = order.expert if order.status == S.DISPATCHED else None
    now = timezone.now()
    order.status = S.DISPATCHED
    order.expert = expert
    order.budget = budget
    order.budget_override = bool(override_budget)
    order.dispatched_at = now
    order.accept_by = now + dt.timedelta(hours=accept_hours())
    order.decline_reason = ""
    save(order, "expert", "budget", "budget_override", "dispatched_at", "accept_by", "decline_reason")
    note = _("Re-dispatched") if previous is not None else ""
    event(order, S.DISPATCHED, actor, note=note)
    audit(
        actor,
        "order.dispatch",
        order,
        expert=str(expert.pk),
        previous=str(previous.pk) if previous else "",
        override_budget=order.budget_override,
    )
    notify(expert.phone, "dispatch_order_dispatched", params(order, accept_by=local_text(order.accept_by)))
    if previous is not None and previous.pk != expert.pk:
        notify(previous.phone, "dispatch_order_withdrawn", params(order))
    return order


# --- the ordering union's steps ---------------------------------------------------------------


@busy_as_conflict
@transaction.atomic
def order_confirm(*, actor: Any, order: ServiceOrder, rating: Any, comment: str = "") -> ServiceOrder:
    """The ordering union (dispatch.order on order.org) confirms the delivery (delivered or
    disputed → confirmed) and rates the expert 1–5 (400 "rating"); the expert's rating sums
    grow by one atomic UPDATE."""
    order = lock_order(order)
    require(actor, Cap.DISPATCH_ORDER, order.org)
    guard(order, S.CONFIRMED)
    value = parse_rating(rating)
    order.rating, order.comment = value, text(comment, "comment", max_length=500)
    order.confirmed_at = timezone.now()
    order.status = S.CONFIRMED
    save(order, "rating", "comment", "confirmed_at")
    if order.expert_id is not None:
        Expert.objects.filter(pk=order.expert_id).update(
            rating_sum=F("rating_sum") + value, rating_count=F("rating_count") + 1
        )
    event(order, S.CONFIRMED, actor, note=_("Rated %(n)d") % {"n": value})
    audit(actor, "order.confirm", order, rating=value)
    return order


@busy_as_conflict
@transaction.atomic
def order_dispute(*, actor: Any, order: ServiceOrder, reason: str) -> ServiceOrder:
    """The ordering union disputes the delivery report (delivered → disputed) with a reason; the
    expert may report again, the dispatcher may cancel."""
    order = lock_order(order)
    require(actor, Cap.DISPATCH_ORDER, order.org)
    guard(order, S.DISPUTED)
    order.dispute_reason = text(reason, "reason", max_length=300, required=True)
    order.status = S.DISPUTED
    save(order, "dispute_reason")
    event(order, S.DISPUTED, actor, note=order.dispute_reason)
    audit(actor, "order.dispute", order, reason=order.dispute_reason)
    if order.expert is not None:
        notify(order.expert.phone, "dispatch_order_disputed", params(order))
    return order


# --- the dispatcher's closing steps -----------------------------------------------------------


@busy_as_conflict
@transaction.atomic
def order_settle(*, actor: Any, order: ServiceOrder) -> ServiceOrder:
    """confirmed → settled (dispatch.assign on the dispatcher): the committed cost is spent."""
    order = lock_order(order)
    require(actor, Cap.DISPATCH_ASSIGN, order.dispatcher)
    guard(order, S.SETTLED)
    if order.budget is not None:
        budget_spend(order.budget, order.cost)
    order.status = S.SETTLED
    order.settled_at = timezone.now()
    save(order, "settled_at")
    event(order, S.SETTLED, actor)
    audit(actor, "order.settle", order, cost=order.cost, budget=str(order.budget_id or ""))
    return order


@busy_as_conflict
@transaction.atomic
def order_cancel(*, actor: Any, order: ServiceOrder, reason: str) -> ServiceOrder:
    """Cancel with a reason (400 "reason"): the ordering union before acceptance, the
    dispatcher until delivery (and while disputed). A booked order gives its committed cost
    back to the budget; the assigned expert is told."""
    order = lock_order(order)
    dispatcher = _dispatcher(actor, order)
    if not dispatcher:
        require(actor, Cap.DISPATCH_ORDER, order.org)
    guard(order, S.CANCELLED)
    if not dispatcher and order.status not in BEFORE_ACCEPT:
        raise PermissionDenied(_("An accepted order can only be cancelled by the dispatching union."))
    why = text(reason, "reason", max_length=300, required=True)
    released = Decimal(0)
    if order.status in BOOKED and order.budget is not None:
        budget_release(order.budget, order.cost)
        released = order.cost
    order.status = S.CANCELLED
    order.cancelled_at, order.accept_by = timezone.now(), None
    save(order, "cancelled_at", "accept_by")
    event(order, S.CANCELLED, actor, note=why)
    audit(actor, "order.cancel", order, reason=why, released=released)
    if order.expert is not None:
        notify(order.expert.phone, "dispatch_order_cancelled", params(order))
    return order


def _dispatcher(actor: Any, order: ServiceOrder) -> bool:
    return actor is None or scope_for(actor, Cap.DISPATCH_ASSIGN).contains(order.dispatcher)


# The expert's steps, the periodic job and check-in live in their own modules; re-exported so the
# whole workflow reads from one place.
from .checkin import (  # noqa: E402
    order_checkin,
    order_checkin_by_code,
    order_checkin_by_member_no,
    order_checkin_code,
    order_checkin_url,
)
from .expert_steps import (  # noqa: E402
    order_accept,
    order_contact_reveal,
    order_decline,
    order_deliver,
    order_rate_union,
)
from .tick import orders_tick  # noqa: E402

__all__ = [
    "order_accept",
    "order_cancel",
    "order_checkin",
    "order_checkin_by_code",
    "order_checkin_by_member_no",
    "order_checkin_code",
    "order_checkin_url",
    "order_confirm",
    "order_contact_reveal",
    "order_create",
    "order_decline",
    "order_deliver",
    "order_dispatch",
    "order_dispute",
    "order_rate_union",
    "order_settle",
    "order_submit",
    "orders_tick",
]
