"""Check-in at a delivered service. The expert scans a worker's member card (or enters it), or
the worker scans the order's rotating code on the expert's phone.

The code is signed (django.core.signing, salt CHECKIN_SALT) over the order id and a 30-second
window number: it cannot be forged, names exactly one order, and is accepted for the current
and the previous window only, so a photo of the screen stops working within a minute. Each
check-in is idempotent (one OrderAttendance per order and person; a repeated scan returns it)
and writes exactly one service record (records.record_add, source expert, source_id = the
attendance id, org = the ordering union, title = the item's title). Open while the order is
accepted or delivered (409 checkin_closed otherwise)."""

import uuid
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import Conflict, ValidationFailed, busy_as_conflict, field_error
from zhijia.core.masking import mask_name
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership, Person
from zhijia.members.services.card import person_of
from zhijia.orgs.tree import subtree_q
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import error_codes
from ..enums import OrderStatus
from ..models import OrderAttendance, ServiceOrder
from .common import user_or_none
from .order_steps import RELATED, audit, expert_actor

CHECKIN_SALT = "zhijia.dispatch.checkin"
WINDOW_SECONDS = 30
OPEN = (OrderStatus.ACCEPTED, OrderStatus.DELIVERED)


def _signer() -> signing.Signer:
    return signing.Signer(salt=CHECKIN_SALT, sep=".")


def _window(at: Any = None) -> int:
    return int((at or timezone.now()).timestamp()) // WINDOW_SECONDS


def order_checkin_code(order: ServiceOrder, at: Any = None) -> str:
    """The order's code in the 30-second window containing `at` (default now). Pure signing:
    nothing is stored. Refresh the screen at least every 30 seconds."""
    return _signer().sign(f"{order.pk.hex}.{_window(at)}")


def order_checkin_url(order: ServiceOrder, request: Any = None, code: str | None = None) -> str:
    """The H5 page the order's QR opens (absolute when `request` is given) for `code` (default:
    the current one)."""
    code = code or order_checkin_code(order)
    try:
        path = reverse("h5:expert_checkin", args=[code])
    except NoReverseMatch:
        path = f"/h5/expert/checkin/{code}/"
    return request.build_absolute_uri(path) if request is not None else path


def _bad_code() -> ValidationFailed:
    message = _("This check-in code is not valid any more. Scan the code on the screen again.")
    return field_error("code", message, code=error_codes.BAD_CHECKIN_CODE)


def order_from_code(code: str, at: Any = None) -> ServiceOrder:
    """The order a code names; 400 bad_checkin_code when forged, tampered or stale."""
    try:
        value = _signer().unsign(str(code or "").strip()[:200])
        order_hex, window = value.split(".")
        order_id, number = uuid.UUID(hex=order_hex), int(window)
    except (signing.BadSignature, ValueError):
        raise _bad_code() from None
    if number not in (_window(at), _window(at) - 1):
        raise _bad_code()
    order = ServiceOrder.objects.select_related(*RELATED).filter(pk=order_id).first()
    if order is None:
        raise _bad_code()
    return order


def _attend(order: ServiceOrder, person: Person, actor: Any, method: str) -> OrderAttendance:
    if order.status not in OPEN:
        raise Conflict(_("Check-in is not open for this service."), code=error_codes.CHECKIN_CLOSED)
    existing = OrderAttendance.objects.filter(order=order, person=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            attendance = OrderAttendance.objects.create(
                order=order, person=person, at=timezone.now(), recorded_by=user_or_none(actor)
            )
    except IntegrityError:  # a concurrent scan of the same person won
        return OrderAttendance.objects.get(order=order, person=person)
    record_add(
        org=order.org,
        source=RecordSource.EXPERT,
        source_id=attendance.pk,
        occurred_at=attendance.at,
        title=order.item.title,
        person=person,
    )
    audit(
        actor,
        "order.checkin",
        order,
        attendance=str(attendance.pk),
        person=mask_name(person.name),
        method=method,
    )
    return attendance


@busy_as_conflict
@transaction.atomic
def order_checkin(*, actor: Any, order: ServiceOrder, person: Person) -> OrderAttendance:
    """The order's expert checks `person` in (a scanned member card: members.services.card.
    card_person; or a member looked up by number). Idempotent per person."""
    order = ServiceOrder.objects.select_related(*RELATED).get(pk=order.pk)
    expert_actor(actor, order)
    return _attend(order, person, actor, "expert")


@busy_as_conflict
@transaction.atomic
def order_checkin_by_member_no(*, actor: Any, order: ServiceOrder, member_no: str) -> OrderAttendance:
    """The order's expert types a member number (a worker without their phone): an active
    member of the ordering union or its subtree, else 400 on "token" (the check-in box)."""
    order = ServiceOrder.objects.select_related(*RELATED).get(pk=order.pk)
    expert_actor(actor, order)
    membership = (
        Membership.objects.select_related("person")
        .filter(subtree_q(order.org.path, "org__path"), member_no=str(member_no or "").strip()[:24])
        .filter(status__in=ACTIVE_STATUSES, person__anonymised_at__isnull=True)
        .first()
    )
    if membership is None:
        raise field_error("token", _("No active member of the ordering union has this number."))
    return _attend(order, membership.person, actor, "member_no")


@busy_as_conflict
@transaction.atomic
def order_checkin_by_code(*, user: Any, code: str) -> OrderAttendance:
    """The logged-in worker scanned the order's code: a current code (400 bad_checkin_code) and
    a member record (409 not_a_member) are needed."""
    order = order_from_code(code)
    person = person_of(user)
    if person is None:
        raise Conflict(_("Only union members can check in here."), code=error_codes.NOT_A_MEMBER)
    return _attend(order, person, user, "code")
