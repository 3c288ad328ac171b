"""The periodic tick (beat entry `benefits-tick`, every minute; `manage.py benefits_tick`
without a broker). Each step runs in short transactions of its own, re-checks under the lock it
takes, and is safe to re-run or to run twice at once; a busy row is left for the next run.

1. published → running when the first round (or the lottery registration) has opened;
2. carry-over: a closed round's unclaimed stock moves to the next round, once (Round.carried;
   the closed round's stock becomes what it gave out, so Σ stock stays = total and a late claim
   on it finds no stock);
3. vouchers past expires_at: claimed → expired (closed_at);
4. lottery reserves: a winner's voucher expired unredeemed → the next reserve wins one;
5. running/published → ended when the last round has closed, the lottery is drawn, or the
   validity is over."""

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, busy_as_conflict

from .. import cache
from ..enums import Allocation, CampaignStatus, EntryStatus, VoucherStatus
from ..models import Campaign, LotteryEntry, Round, Voucher

logger = logging.getLogger("zhijia.benefits")
LIVE = (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING)


def _forget_after_commit(campaign_id: Any) -> None:
    cache.forget(campaign_id)
    transaction.on_commit(lambda: cache.forget(campaign_id))


def campaigns_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every step once; returns {"started", "carried", "expired", "promoted", "ended"}."""
    now = now or timezone.now()
    return {
        "started": campaigns_start(now=now),
        "carried": rounds_carry(now=now),
        "expired": vouchers_expire(now=now),
        "promoted": reserves_promote_due(now=now),
        "ended": campaigns_finish(now=now),
    }


def _each(ids: list[Any], step: Any, now: dt.datetime) -> int:
    done = 0
    for pk in ids:
        try:
            done += step(pk, now)
        except Conflict:  # busy: next run
            logger.info("benefits tick: %s busy for %s", step.__name__, pk)
    return done


def campaigns_start(*, now: dt.datetime) -> int:
    """Published → running once the first round or the registration has opened."""
    opened = Round.objects.filter(campaign=OuterRef("pk"), opens_at__lte=now)
    due = (
        Campaign.objects.alias(has_open=Exists(opened))
        .filter(status=CampaignStatus.PUBLISHED)
        .filter(
            Q(allocation=Allocation.FIRST_COME, has_open=True)
            | Q(allocation=Allocation.LOTTERY, register_opens_at__lte=now)
        )
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    return _each(ids, _start_one, now)


@busy_as_conflict
@transaction.atomic
def _start_one(pk: Any, now: dt.datetime) -> int:
    if not Campaign.objects.filter(pk=pk, status=CampaignStatus.PUBLISHED).update(
        status=CampaignStatus.RUNNING, updated_at=now
    ):
        return 0
    campaign = Campaign.objects.select_related("org").get(pk=pk)
    audit_log(actor=None, action="campaign.start", obj=campaign, data={})
    _forget_after_commit(pk)
    return 1


def rounds_carry(*, now: dt.datetime) -> int:
    """Move the unclaimed stock of closed rounds to the next round (carry_over campaigns)."""
    due = (
        Round.objects.filter(
            closes_at__lte=now, carried=False, campaign__carry_over=True, campaign__status__in=LIVE
        )
        .order_by("campaign_id", "number")
        .values_list("pk", flat=True)[:1000]
    )
    return _each(list(due), _carry_one, now)


@busy_as_conflict
@transaction.atomic
def _carry_one(pk: Any, now: dt.datetime) -> int:
    """Lock the closed round, then the next one (ascending number: a fixed lock order; a claim
    locks one round only). Re-checked under the lock."""
    closed = Round.objects.select_for_update(of=("self",)).select_related("campaign__org").get(pk=pk)
    if closed.carried or closed.closes_at > now:
        return 0
    leftover = closed.stock - closed.claimed
    nxt = (
        Round.objects.select_for_update(of=("self",))
        .filter(campaign_id=closed.campaign_id, number__gt=closed.number)
        .order_by("number")
        .first()
    )
    closed.carried = True
    if nxt is not None and leftover > 0:
        closed.stock = closed.claimed
        nxt.stock += leftover
        nxt.save(update_fields=["stock", "updated_at"])
    closed.save(update_fields=["carried", "stock", "updated_at"])
    audit_log(
        actor=None,
        action="round.carry",
        obj=closed.campaign,
        data={"round": closed.number, "to": nxt.number if nxt else None, "count": leftover if nxt else 0},
    )
    _forget_after_commit(closed.campaign_id)
    return 1


def vouchers_expire(*, now: dt.datetime) -> int:
    """Claimed vouchers past expires_at → expired; one audit entry per campaign."""
    ids = list(
        Voucher.objects.filter(status=VoucherStatus.CLAIMED, expires_at__lte=now)
        .order_by()
        .values_list("campaign_id", flat=True)
        .distinct()[:1000]
    )
    return _each(ids, _expire_campaign, now)


@busy_as_conflict
@transaction.atomic
def _expire_campaign(campaign_id: Any, now: dt.datetime) -> int:
    count = Voucher.objects.filter(
        campaign_id=campaign_id, status=VoucherStatus.CLAIMED, expires_at__lte=now
    ).update(status=VoucherStatus.EXPIRED, closed_at=now, updated_at=now)
    if count:
        campaign = Campaign.objects.select_related("org").get(pk=campaign_id)
        audit_log(actor=None, action="voucher.expire", obj=campaign, data={"count": count})
    return count


def reserves_promote_due(*, now: dt.datetime) -> int:
    """Lottery campaigns with a reserve left and a winner's voucher expired: promote."""
    from .lottery import reserves_promote

    lapsed = LotteryEntry.objects.filter(
        campaign=OuterRef("pk"), status=EntryStatus.WON, voucher__status=VoucherStatus.EXPIRED
    )
    reserve = LotteryEntry.objects.filter(campaign=OuterRef("pk"), status=EntryStatus.RESERVE)
    campaigns = list(
        Campaign.objects.filter(
            allocation=Allocation.LOTTERY, drawn_at__isnull=False, reserve_list=True, valid_until__gt=now
        )
        .filter(Exists(lapsed), Exists(reserve))
        .values_list("pk", flat=True)[:1000]
    )
    done = 0
    for pk in campaigns:
        try:
            done += reserves_promote(campaign=Campaign(pk=pk), now=now)
        except Conflict:
            logger.info("benefits tick: promotion busy for %s", pk)
    return done


def campaigns_finish(*, now: dt.datetime) -> int:
    """Live → ended: validity over; first come: no round still to close; lottery: drawn."""
    pending = Round.objects.filter(campaign=OuterRef("pk"), closes_at__gt=now)
    ids = list(
        Campaign.objects.alias(has_pending=Exists(pending))
        .filter(status__in=LIVE)
        .filter(
            Q(valid_until__lte=now)
            | Q(allocation=Allocation.FIRST_COME, has_pending=False)
            | Q(allocation=Allocation.LOTTERY, drawn_at__isnull=False)
        )
        .values_list("pk", flat=True)[:1000]
    )
    return _each(ids, _finish_one, now)


@busy_as_conflict
@transaction.atomic
def _finish_one(pk: Any, now: dt.datetime) -> int:
    if not Campaign.objects.filter(pk=pk, status__in=LIVE).update(
        status=CampaignStatus.ENDED, ended_at=now, updated_at=now
    ):
        return 0
    campaign = Campaign.objects.select_related("org").get(pk=pk)
    audit_log(actor=None, action="campaign.finish", obj=campaign, data={})
    _forget_after_commit(pk)
    return 1
