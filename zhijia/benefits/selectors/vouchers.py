"""Reads of vouchers, entries and redemptions: a worker's own, a till's, staff searches."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import ValidationFailed
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from .. import codes
from ..models import Cashier, LotteryEntry, Outlet, Redemption, Voucher
from ..permissions import is_cashier


def _worker(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def my_vouchers(*, user: Any, status: str | None = None) -> QuerySet[Voucher]:
    """The worker's own vouchers (their Person's, whichever account claimed), newest first,
    campaign fetched. `status`: one VoucherStatus value."""
    if not _worker(user):
        return Voucher.objects.none()
    qs = Voucher.objects.filter(person__user=user, person__anonymised_at__isnull=True).select_related(
        "campaign", "round"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-claimed_at")


def my_entries(*, user: Any) -> QuerySet[LotteryEntry]:
    """The worker's own lottery entries, newest first, campaign and voucher fetched."""
    if not _worker(user):
        return LotteryEntry.objects.none()
    return (
        LotteryEntry.objects.filter(person__user=user, person__anonymised_at__isnull=True)
        .select_related("campaign", "voucher")
        .order_by("-created_at")
    )


def cashier_outlets(*, user: Any) -> QuerySet[Outlet]:
    """Active outlets (of active merchants) where `user` is a cashier and holds benefits.redeem
    on the merchant's union."""
    if not _worker(user):
        return Outlet.objects.none()
    ids = Cashier.objects.filter(user_id=user.pk).values("outlet_id")
    return (
        Outlet.objects.filter(pk__in=ids, active=True, merchant__active=True)
        .filter(scope_for(user, Cap.BENEFITS_REDEEM).q("merchant__org"))
        .select_related("merchant__org")
        .order_by("merchant__name", "name")
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def outlet_redemptions(*, actor: Any, outlet: Outlet, day: dt.date | None = None) -> QuerySet[Redemption]:
    """Redemptions at `outlet` on local `day` (default today), newest first — for a cashier of
    the outlet or staff with benefits.view / manage on the merchant's union (else none)."""
    allowed = (
        is_cashier(actor, outlet)
        or scope_for(actor, Cap.BENEFITS_VIEW).contains(outlet.merchant.org)
        or scope_for(actor, Cap.BENEFITS_MANAGE).contains(outlet.merchant.org)
    )
    if not allowed:
        return Redemption.objects.none()
    start, end = day_bounds(day or timezone.localdate())
    return (
        Redemption.objects.filter(outlet=outlet, at__gte=start, at__lt=end)
        .select_related("voucher__campaign", "voucher__person", "cashier", "outlet")
        .order_by("-at")
    )


def voucher_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Voucher]:
    """Vouchers of campaigns funded within the actor's benefits.manage or benefits.view scope,
    newest first, campaign and person fetched (the caller masks names). Filters: campaign (id),
    status, code (typed code or QR payload; exact), person (id)."""
    filters = filters or {}
    scope = scope_for(actor, Cap.BENEFITS_MANAGE).q("campaign__org") | scope_for(actor, Cap.BENEFITS_VIEW).q(
        "campaign__org"
    )
    qs = Voucher.objects.filter(scope).select_related("campaign__org", "person", "round")
    for key in ("campaign", "person"):
        if filters.get(key):
            pk = parse_uuid(filters[key])
            qs = qs.filter(**{f"{key}_id": pk}) if pk else qs.none()
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("code"):
        try:
            qs = qs.filter(code=codes.parse(str(filters["code"])))
        except ValidationFailed:
            qs = qs.none()
    return qs.order_by("-claimed_at")


def redemption_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Redemption]:
    """Redemptions of campaigns funded, or at merchants signed, within the actor's benefits.view
    / manage scope, newest first. Filters: campaign, merchant, outlet (ids), day (a date)."""
    filters = filters or {}
    q = Q(pk__in=[])
    for cap in (Cap.BENEFITS_VIEW, Cap.BENEFITS_MANAGE):
        scope = scope_for(actor, cap)
        q |= scope.q("voucher__campaign__org") | scope.q("outlet__merchant__org")
    qs = Redemption.objects.filter(q).select_related(
        "voucher__campaign", "voucher__person", "outlet__merchant", "cashier"
    )
    for key, field in (
        ("campaign", "voucher__campaign_id"),
        ("merchant", "outlet__merchant_id"),
        ("outlet", "outlet_id"),
    ):
        if filters.get(key):
            pk = parse_uuid(filters[key])
            qs = qs.filter(**{field: pk}) if pk else qs.none()
    if isinstance(filters.get("day"), dt.date):
        start, end = day_bounds(filters["day"])
        qs = qs.filter(at__gte=start, at__lt=end)
    return qs.order_by("-at")
