"""The expert's steps on an order: accept (fixing the time; no double booking; the budget is
committed), decline, report the delivery, rate the ordering union. Only the login linked to
`order.expert` may take them (404 for anyone else, a replaced expert included). See
services.orders for the whole workflow and the lock order."""

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import Conflict, NotFound, busy_as_conflict, field_error
from zhijia.core.uploads import read_photo
from zhijia.members.notices import notify

from .. import error_codes
from ..enums import OrderStatus
from ..models import Expert, OrderPhoto, ServiceOrder
from ..selectors.experts import booked_overlap, unavailable_on
from .budget import budget_commit, budget_for
from .common import integer, local_day, local_text, moment, text
from .common import rating as parse_rating
from .order_steps import (
    audit,
    event,
    expert_actor,
    guard,
    invalid,
    lock_order,
    over_budget,
    params,
    save,
    time_out,
)

S = OrderStatus


def order_accept(
    *, actor: Any, order: ServiceOrder, starts_at: Any, ends_at: Any = None, note: Any = ""
) -> ServiceOrder:
    """The order's expert accepts and proposes the time: `starts_at` on one of the days the
    union asked for (400 "starts_at"), `ends_at` after it (default: starts + the item's
    duration), and an optional `note` for the union (at most 300 characters, 400 "note"; kept
    on the order as `expert_note` and in the timeline, which the union's order page shows).
    Locks the order,
    then the expert: an overlapping booked order or an unavailable day is 409
    expert_unavailable (on PostgreSQL the exclusion constraint decides). Commits the cost to
    the budget (guarded; 409 over_budget unless the dispatch overrode it). Past accept_by the
    order times out (committed) and 409 invalid_transition is raised."""
    result = _accept(actor, order, starts_at, ends_at, note)
    if result is None:
        raise Conflict(_("The time to accept this order has passed."), code=error_codes.INVALID_TRANSITION)
    return result


def _times(order: ServiceOrder, starts_at: Any, ends_at: Any) -> tuple[dt.datetime, dt.datetime]:
    start = moment(starts_at, "starts_at")
    assert start is not None
    if not order.wanted_from <= local_day(start) <= order.wanted_to:
        raise field_error("starts_at", _("Choose a time on one of the wanted days."))
    end = moment(ends_at, "ends_at", required=False) or start + dt.timedelta(
        minutes=order.item.duration_minutes
    )
    if end <= start:
        raise field_error("ends_at", _("The end must be after the start."))
    if end - start > dt.timedelta(days=7):
        raise field_error("ends_at", _("A service lasts at most a week."))
    return start, end


@busy_as_conflict
@transaction.atomic
def _accept(actor: Any, order: ServiceOrder, starts_at: Any, ends_at: Any, note: Any) -> ServiceOrder | None:
    order = lock_order(order)
    expert = expert_actor(actor, order)
    guard(order, S.ACCEPTED)
    if order.accept_by is not None and order.accept_by <= timezone.now():
        time_out(order)
        return None
    start, end = _times(order, starts_at, ends_at)
    said = text(note, "note", max_length=300)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)  # serialises this expert's bookings
    if not expert.active or unavailable_on(expert, local_day(start), local_day(end)):
        raise Conflict(_("You are not available at that time."), code=error_codes.EXPERT_UNAVAILABLE)
    if booked_overlap(expert, start, end, exclude=order.pk):
        raise Conflict(
            _("You already have a service at an overlapping time."), code=error_codes.EXPERT_UNAVAILABLE
        )
    budget = budget_for(order)
    if budget is not None and not budget_commit(budget, order.cost, override=order.budget_override):
        raise over_budget(order)
    order.status = S.ACCEPTED
    order.budget = budget
    order.starts_at, order.ends_at, order.accept_by = start, end, None
    order.expert_note = said
    try:
        with transaction.atomic():
            save(order, "budget", "starts_at", "ends_at", "accept_by", "expert_note")
    except IntegrityError as exc:
        if "expert_no_overlap" in str(exc):
            raise Conflict(
                _("You already have a service at an overlapping time."), code=error_codes.EXPERT_UNAVAILABLE
            ) from exc
        raise
    event(order, S.ACCEPTED, actor, note=" · ".join(filter(None, (local_text(start), said))))
    audit(
        actor,
        "order.accept",
        order,
        starts_at=start,
        ends_at=end,
        committed=budget is not None,
        note=bool(said),
    )
    notify(order.contact_phone, "dispatch_order_accepted", params(order, starts=local_text(start)))
    return order


@busy_as_conflict
@transaction.atomic
def order_decline(*, actor: Any, order: ServiceOrder, reason: str) -> ServiceOrder:
    """The order's expert declines with a reason (400 "reason" when empty): the order goes back
    to the dispatcher (declined) and the expert is cleared, so they no longer see it."""
    order = lock_order(order)
    expert = expert_actor(actor, order)
    guard(order, S.DECLINED)
    why = text(reason, "reason", max_length=300, required=True)
    order.status = S.DECLINED
    order.expert, order.accept_by, order.decline_reason = None, None, why
    save(order, "expert", "accept_by", "decline_reason")
    event(order, S.DECLINED, actor, expert=expert, note=why)
    audit(actor, "order.decline", order, expert=str(expert.pk), reason=why)
    return order


PHOTO_MAX_COUNT = 9


def _clean_photos(photos: Any) -> list[tuple[bytes, str, str]]:
    """(content, extension, caption) of at most 9 JPEG, PNG or WebP photos of at most 5 MB each,
    checked by content; 400 "photos" otherwise."""
    out = [photo if isinstance(photo, tuple) else (photo, "") for photo in photos or ()]
    if len(out) > PHOTO_MAX_COUNT:
        raise field_error("photos", _("At most %(n)d photos.") % {"n": PHOTO_MAX_COUNT})
    pictures = []
    for file, caption in out:
        found = read_photo(file)
        if found is None:
            raise field_error("photos", _("Upload JPEG, PNG or WebP photos of at most 5 MB."))
        pictures.append((found[0], found[1], str(caption or "")[:200]))
    return pictures


@busy_as_conflict
@transaction.atomic
def order_deliver(
    *,
    actor: Any,
    order: ServiceOrder,
    attendees: Any,
    summary: str,
    delivered_at: Any = None,
    photos: Any = (),
) -> ServiceOrder:
    """The order's expert reports the delivery (accepted or disputed → delivered): attendees,
    summary (required), when (default now; not in the future) and photos (files, or (file,
    caption) pairs). The ordering union is told."""
    order = lock_order(order)
    expert_actor(actor, order)
    guard(order, S.DELIVERED)
    now = timezone.now()
    when = moment(delivered_at, "delivered_at", required=False) or now
    if when > now + dt.timedelta(minutes=5):
        raise field_error("delivered_at", _("The delivery cannot be in the future."))
    people = integer(attendees, "attendees", low=0, high=100_000)
    pictures = _clean_photos(photos)
    order.summary = text(summary, "summary", max_length=5000, required=True)
    order.attendees, order.delivered_at = people, when
    order.status = S.DELIVERED
    save(order, "attendees", "summary", "delivered_at")
    for content, extension, caption in pictures:
        photo = OrderPhoto(order=order, caption=caption)
        photo.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        photo.save()
    event(order, S.DELIVERED, actor, note=_("%(n)d attendees") % {"n": people})
    audit(actor, "order.deliver", order, attendees=people, photos=len(pictures))
    notify(order.contact_phone, "dispatch_order_delivered", params(order))
    return order


@busy_as_conflict
@transaction.atomic
def order_rate_union(*, actor: Any, order: ServiceOrder, rating: Any, comment: str = "") -> ServiceOrder:
    """The order's expert rates the ordering union 1–5 once delivered (delivered, disputed,
    confirmed or settled; 409 invalid_transition before). Rating again replaces it."""
    order = lock_order(order)
    expert_actor(actor, order)
    if order.status not in (S.DELIVERED, S.DISPUTED, S.CONFIRMED, S.SETTLED):
        raise invalid()
    order.expert_rating = parse_rating(rating)
    order.expert_comment = text(comment, "comment", max_length=500)
    order.save(update_fields=["expert_rating", "expert_comment", "updated_at"])
    audit(actor, "order.rate_union", order, rating=order.expert_rating)
    return order


# From the dispatch (to agree on the time before accepting) until the ordering union confirms,
# the expert may need to call the union's contact: the union asked them to work for it.
CONTACT_REVEAL = (S.DISPATCHED, S.ACCEPTED, S.DELIVERED, S.DISPUTED)


@transaction.atomic
def order_contact_reveal(*, actor: Any, order: ServiceOrder) -> tuple[str, str]:
    """The ordering union's contact (name, phone) in clear, for the order's expert from the
    dispatch until confirmation (404 otherwise: an expert the order was taken from, or one whose
    work on it is over, no longer learns it). An audited read (order.contact_reveal); fails
    closed if the entry cannot be written."""
    expert_actor(actor, order)
    if order.status not in CONTACT_REVEAL or not (order.contact_name or order.contact_phone):
        raise NotFound()
    audit(actor, "order.contact_reveal", order)
    return order.contact_name, str(order.contact_phone or "")
