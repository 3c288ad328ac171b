"""Lottery campaigns: register in a window, then a draw anyone can re-run.

The draw is fixed in advance: when the campaign is published, a random seed is chosen and its
SHA-256 (`seed_hash`) is shown; the seed itself is revealed at the draw. Entries are numbered in
order of registration (a guarded counter on the campaign row). The draw ranks the entry numbers
by HMAC-SHA256(key = the seed's text as UTF-8, message = the decimal entry number), lowest hex
digest first (ties, which do not happen in practice, by number): see `lottery_rank`, which is
all a verifier needs besides the published list of numbers. The first `total` ranks win a
voucher; the rest go on the reserve list (or lose). Winners who do not redeem in time lose the
voucher (it expires) and the next reserve in rank order gets one (services.expiry)."""

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotAuthenticated, busy_as_conflict
from zhijia.members.notices import notify

from .. import codes, eligibility, error_codes
from ..enums import Allocation, EntryStatus, VoucherStatus
from ..models import Campaign, LotteryEntry, Voucher
from ._common import db_id, execute, invalid, table
from .claim import LIVE, expires_at

NUMBER_SQL = (
    "UPDATE {campaign} SET entries_count = entries_count + 1"
    " WHERE id = %s AND drawn_at IS NULL AND status IN (%s, %s) RETURNING entries_count"
)
ALGORITHM = "hmac-sha256(seed, str(number)), ascending hex digest; sha256(seed) == seed_hash"


def lottery_rank(seed: str, numbers: list[int]) -> list[int]:
    """The entry numbers in draw order (first = rank 1). Pure and public, so anyone can re-run
    the draw from the revealed seed and the published numbers:

        sorted(numbers, key=lambda n: (hmac.new(seed.encode(), str(n).encode(),
                                                hashlib.sha256).hexdigest(), n))
    """
    key = seed.encode()
    return sorted(numbers, key=lambda n: (hmac.new(key, str(n).encode(), hashlib.sha256).hexdigest(), n))


def seed_matches(seed: str, seed_hash: str) -> bool:
    """The revealed seed is the one committed to at publication: sha256(seed) == seed_hash."""
    return bool(seed) and hmac.compare_digest(hashlib.sha256(seed.encode()).hexdigest(), seed_hash)


def _not_open() -> Conflict:
    return Conflict(_("Registration for this lottery is not open."), code=error_codes.NOT_OPEN)


def _already() -> Conflict:
    return Conflict(_("You are already registered for this lottery."), code=error_codes.ALREADY_REGISTERED)


@busy_as_conflict
def entry_register(*, user: Any, campaign: Campaign) -> LotteryEntry:
    """The worker `user` registers their Person for lottery `campaign`: 409 not_open outside
    the window (or not a lottery, not live, already drawn), 403 not_eligible, 409
    already_registered (one entry per person: a unique constraint). The entry number comes from
    a guarded counter on the campaign row (held for one short transaction). Audited
    `lottery.register`."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    now = timezone.now()
    opens, closes = campaign.register_opens_at, campaign.register_closes_at
    if (
        campaign.allocation != Allocation.LOTTERY
        or campaign.status not in LIVE
        or campaign.drawn_at is not None
        or opens is None
        or closes is None
        or not opens <= now < closes
    ):
        raise _not_open()
    membership = eligibility.member_of(user)
    person = membership.person if membership is not None else None
    eligibility.check(campaign, person, on=timezone.localdate(now), membership=membership)
    assert person is not None  # check() refused otherwise
    if LotteryEntry.objects.filter(campaign_id=campaign.pk, person_id=person.pk).exists():
        raise _already()
    sql = NUMBER_SQL.format(campaign=table(Campaign))
    try:
        with transaction.atomic():
            _count, row = execute(sql, [db_id(Campaign, campaign.pk), *(str(s) for s in LIVE)])
            if row is None:
                raise _not_open()
            entry = LotteryEntry.objects.create(campaign=campaign, person=person, user=user, number=row[0])
            audit_log(
                actor=user,
                action="lottery.register",
                obj=entry,
                org=campaign.org,
                data={"campaign": str(campaign.pk), "number": entry.number},
            )
    except IntegrityError as exc:
        raise _already() from exc
    return entry


def winner_expires_at(campaign: Campaign, now: dt.datetime) -> dt.datetime:
    """A drawn (or promoted) winner's voucher runs `redeem_within_days` from now (from the start
    of validity if later), never past valid_until; without it like a claimed voucher."""
    if campaign.redeem_within_days:
        start = max(now, campaign.valid_from)
        return min(campaign.valid_until, start + dt.timedelta(days=campaign.redeem_within_days))
    return expires_at(campaign, now)


def issue(campaign: Campaign, entries: list[LotteryEntry], now: dt.datetime) -> list[Voucher]:
    """Vouchers for winning entries (caller holds the campaign lock): entries become won and
    point at their voucher; SMS notice on commit."""
    vouchers = [
        Voucher(
            campaign=campaign,
            round=None,
            person_id=e.person_id,
            user_id=e.user_id,
            claim_key=f"{e.person_id}:1",
            code=codes.new_code(),
            status=VoucherStatus.CLAIMED,
            face_value=campaign.face_value,
            threshold=campaign.threshold,
            claimed_at=now,
            valid_from=campaign.valid_from,
            expires_at=winner_expires_at(campaign, now),
        )
        for e in entries
    ]
    Voucher.objects.bulk_create(vouchers, batch_size=1000)
    for entry, voucher in zip(entries, vouchers, strict=True):
        entry.status = EntryStatus.WON
        entry.voucher = voucher
    LotteryEntry.objects.bulk_update(entries, ["status", "voucher", "updated_at"], batch_size=1000)
    for entry in entries:
        notify(entry.person, "benefits_lottery_won", {"title": campaign.title[:40]})
    return vouchers


@busy_as_conflict
@transaction.atomic
def lottery_draw(*, actor: Any, campaign: Campaign) -> list[LotteryEntry]:
    """Draw a lottery once, after registration closed (409 invalid_transition otherwise; needs
    benefits.manage on the funding union). Ranks every entry with `lottery_rank`; ranks 1..total
    win a voucher (round None), the rest are reserve (reserve_list) or lost. Reveals the seed
    (drawn_at set). Locks the campaign row. Audited `lottery.draw` (with the seed). Returns the
    entries in rank order."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    now = timezone.now()
    if campaign.allocation != Allocation.LOTTERY or campaign.status not in LIVE:
        raise invalid(_("Only a published lottery can be drawn."))
    if campaign.drawn_at is not None:
        raise invalid(_("This lottery has already been drawn."))
    if campaign.register_closes_at is None or now < campaign.register_closes_at:
        raise invalid(_("Registration is still open."))
    if not seed_matches(campaign.seed, campaign.seed_hash):
        raise invalid(_("This lottery has no committed seed."))
    entries = {
        e.number: e for e in LotteryEntry.objects.filter(campaign=campaign).select_related("person__user")
    }
    order = lottery_rank(campaign.seed, list(entries))
    ranked = [entries[n] for n in order]
    for rank, entry in enumerate(ranked, start=1):
        entry.rank = rank
        entry.status = EntryStatus.RESERVE if campaign.reserve_list else EntryStatus.LOST
    LotteryEntry.objects.bulk_update(ranked, ["rank", "status", "updated_at"], batch_size=1000)
    winners = ranked[: campaign.total]
    issue(campaign, winners, now)
    campaign.drawn_at = now
    campaign.save(update_fields=["drawn_at", "updated_at"])
    audit_log(
        actor=actor,
        action="lottery.draw",
        obj=campaign,
        data={"entries": len(ranked), "winners": len(winners), "seed": campaign.seed},
    )
    from .. import cache

    pk = campaign.pk
    transaction.on_commit(lambda: cache.forget(pk))
    return ranked


@busy_as_conflict
@transaction.atomic
def reserves_promote(*, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Periodic (services.expiry): for every drawn winner whose voucher expired unredeemed, the
    next reserve entry in rank order wins a voucher — as long as the vouchers' validity lasts.
    Derived from counts under the campaign lock (promotions owed = winners' vouchers expired −
    entries won beyond `total`), so re-running it never promotes twice. Returns how many."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    if campaign.drawn_at is None or not campaign.reserve_list or campaign.valid_until <= now:
        return 0
    won = LotteryEntry.objects.filter(campaign=campaign, status=EntryStatus.WON)
    lapsed = won.filter(voucher__status=VoucherStatus.EXPIRED).count()
    owed = lapsed - max(0, won.count() - campaign.total)
    if owed <= 0:
        return 0
    reserves = list(
        LotteryEntry.objects.filter(campaign=campaign, status=EntryStatus.RESERVE)
        .select_related("person__user")
        .order_by("rank")[:owed]
    )
    if not reserves:
        return 0
    issue(campaign, reserves, now)
    audit_log(
        actor=None,
        action="lottery.promote",
        obj=campaign,
        data={"entries": [e.number for e in reserves]},
    )
    return len(reserves)
