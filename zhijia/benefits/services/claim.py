"""The claim path of a first-come campaign — the hot path of a flash sale.

Guarantees, by construction in the database:
- no round gives out more than its stock: `Round.claimed` grows only by one guarded
  `UPDATE … SET claimed = claimed + 1 WHERE id = … AND claimed < stock AND <campaign live>`
  (a check constraint backs it), the last statement of the claim's transaction so the hot row is
  locked for the shortest time (0 rows: the transaction rolls back, 409 sold_out);
- no person holds more than the campaign allows: `Voucher.claim_key` ("<person>:<n>" or
  "<person>:<local date>") is unique per campaign, so a second insert fails (409
  already_claimed). Vouchers belong to the Person — one per normalised ID number, whatever
  accounts they log in with — and never exist without one;
- an Idempotency-Key replays the first voucher (unique per campaign, account and key).

Cost of a claim: one cache round trip for the rate limit, one query for the membership (person,
union and eligibility in one), then one short transaction: INSERT voucher, INSERT audit entry,
guarded UPDATE. The campaign and its rounds come from a per-process snapshot (SNAPSHOT_SECONDS).
Losers are answered from cache flags set here (benefits.cache) before they reach the database.
A lock wait past the database's lock_timeout becomes 409 busy."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import idempotency
from zhijia.core.audit import audit_log
from zhijia.core.errors import (
    ApplicationError,
    Conflict,
    NotAuthenticated,
    NotFound,
    RateLimited,
    busy_as_conflict,
)
from zhijia.core.ids import parse_uuid

from .. import cache, codes, eligibility, error_codes
from ..enums import Allocation, CampaignStatus, VoucherStatus
from ..models import Campaign, Round, Voucher
from ._common import db_id, execute, table

SNAPSHOT_SECONDS = 5.0
LIVE = (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING)
DEFAULT_CLAIM_RATE = 30  # claims per user per minute (settings.BENEFITS_CLAIM_RATE)


@dataclass(frozen=True)
class ClaimResult:
    voucher: Voucher
    replayed: bool = False


@dataclass(frozen=True)
class Snapshot:
    """A campaign (with `org` and `eligible_org`) and its rounds as of a few seconds ago. Round
    times and stock do not change after publication (carry-over aside, which the guarded UPDATE
    sees); `claimed` here is stale and never used."""

    campaign: Campaign
    rounds: tuple[Round, ...]

    def open_round(self, now: dt.datetime) -> Round | None:
        return next((r for r in self.rounds if r.opens_at <= now < r.closes_at), None)

    def next_opens_at(self, now: dt.datetime) -> dt.datetime | None:
        return min((r.opens_at for r in self.rounds if r.opens_at > now), default=None)


def snapshot(campaign_id: Any) -> Snapshot:
    """The campaign's snapshot from this process's store, else two queries. 404 for an unknown
    id (remembered as well, so garbage ids stay cheap)."""
    pk = parse_uuid(campaign_id)
    if pk is None:
        raise NotFound(code="not_found")
    key = ("campaign", str(pk))
    found = cache.local_get(key)
    if found is cache.MISSING:
        campaign = Campaign.objects.select_related("org", "eligible_org").filter(pk=pk).first()
        found = None
        if campaign is not None:
            rounds = tuple(Round.objects.filter(campaign_id=pk).order_by("number"))
            found = Snapshot(campaign, rounds)
        cache.local_set(key, found, SNAPSHOT_SECONDS)
    if found is None:
        raise NotFound(code="not_found")
    return found


TAKE_SQL = (
    "UPDATE {round} SET claimed = claimed + 1 WHERE id = %s AND claimed < stock"
    " AND EXISTS (SELECT 1 FROM {campaign} WHERE id = %s AND status IN (%s, %s))"
)
_take_sql_cache: list[str] = []


def _take_sql() -> str:
    if not _take_sql_cache:  # table names come from the models; values are parameters
        _take_sql_cache.append(TAKE_SQL.format(round=table(Round), campaign=table(Campaign)))
    return _take_sql_cache[0]


def _take(round_id: Any, campaign_id: Any) -> bool:
    """The guarded statement: one voucher from the round's stock while the campaign is live.
    Locks the round row until the transaction ends."""
    count, _row = execute(
        _take_sql(), [db_id(Round, round_id), db_id(Campaign, campaign_id), *(str(s) for s in LIVE)]
    )
    return count == 1


def _not_open(snap: Snapshot, now: dt.datetime) -> Conflict:
    """Not open now. The shared flag is set for timing reasons and for ended campaigns only — a
    draft may be published any moment, and this process's snapshot may be seconds old."""
    if snap.campaign.status != CampaignStatus.DRAFT:
        cache.mark_not_open(snap.campaign.pk, next_opens_at=snap.next_opens_at(now), now=now)
    return Conflict(_("Vouchers are not being given out right now."), code=error_codes.NOT_OPEN)


def _sold_out(snap: Snapshot, now: dt.datetime) -> Conflict:
    cache.mark_sold_out(snap.campaign.pk, next_opens_at=snap.next_opens_at(now), now=now)
    return Conflict(_("All vouchers of this round have been claimed."), code=error_codes.SOLD_OUT)


def _already(campaign: Campaign, user: Any, now: dt.datetime, *, flag: bool = True) -> Conflict:
    if flag:
        cache.mark_held(campaign.pk, user_id=user.pk, per_day=campaign.per_day, now=now)
    message = (
        _("You have already claimed today's voucher.")
        if campaign.per_day
        else _("You already hold as many vouchers of this campaign as allowed.")
    )
    return Conflict(message, code=error_codes.ALREADY_CLAIMED)


def expires_at(campaign: Campaign, claimed_at: dt.datetime) -> dt.datetime:
    """End of a voucher's validity: valid_until, or `valid_days` after claiming if sooner."""
    if campaign.valid_days:
        return min(campaign.valid_until, claimed_at + dt.timedelta(days=campaign.valid_days))
    return campaign.valid_until


def _claim_key(campaign: Campaign, person: Any, now: dt.datetime) -> str | None:
    """The key of the next voucher the person may hold, or None when they hold all they may.
    One a day: "<person>:<local date>" (no query); at most one: "<person>:1" (no query; the
    unique constraint decides); at most N: the lowest free "<person>:<n>" (one query)."""
    if campaign.per_day:
        return f"{person.pk}:{timezone.localdate(now).isoformat()}"
    if campaign.per_person <= 1:
        return f"{person.pk}:1"
    used = set(
        Voucher.objects.filter(campaign_id=campaign.pk, person_id=person.pk)
        .exclude(status=VoucherStatus.REVOKED)
        .values_list("claim_key", flat=True)
    )
    return next((k for n in range(1, campaign.per_person + 1) if (k := f"{person.pk}:{n}") not in used), None)


def _replay(campaign_id: Any, user: Any, key: str) -> Voucher | None:
    """The voucher an earlier claim with this key got (looked up by account and key alone): the
    same campaign replays it, another campaign is 422 idempotency_mismatch."""
    if not key:
        return None
    found = (
        Voucher.objects.select_related("campaign", "round")
        .filter(user_id=user.pk, idempotency_key=key)
        .order_by("claimed_at")
        .first()
    )
    asked = {"campaign": parse_uuid(campaign_id) or campaign_id}
    return idempotency.replay(found, asked=asked, stored={"campaign": found.campaign_id if found else None})


SHED_MESSAGES = {
    error_codes.SOLD_OUT: lambda: _("All vouchers of this round have been claimed."),
    error_codes.NOT_OPEN: lambda: _("Vouchers are not being given out right now."),
    error_codes.ALREADY_CLAIMED: lambda: _("You already hold as many vouchers of this campaign as allowed."),
}


def _shed(code: str) -> Conflict:
    return Conflict(SHED_MESSAGES[code](), code=code)


def voucher_claim_request(
    *, campaign_id: Any, idempotency_key: str, authenticate: Callable[[], Any]
) -> ClaimResult:
    """THE entry point of a claim for every interface (API and phone pages): the cached
    campaign-level answers (sold_out, not_open) before authentication and before any database
    work, then `authenticate()` (the interface's own: bearer token or session), then the cached
    "already claimed" for that user, then `voucher_claim`. A shed answer is the same 409
    Conflict the database path raises. 404 for a malformed id."""
    pk = parse_uuid(campaign_id)
    if pk is None:
        raise NotFound(code="not_found")
    key = idempotency.normalise_key(idempotency_key)
    shed = cache.gate(pk, idempotency_key=key)
    if shed is not None:
        raise _shed(shed)
    user = authenticate()
    shed = cache.gate(pk, user.pk, idempotency_key=key)
    if shed is not None:
        raise _shed(shed)
    return voucher_claim(user=user, campaign_id=pk, idempotency_key=key)


def voucher_claim(*, user: Any, campaign_id: Any, idempotency_key: str = "") -> ClaimResult:
    """The worker `user` claims a voucher of first-come campaign `campaign_id` for their own
    Person. Answers: ClaimResult(voucher, replayed) — a replay (same campaign, account and
    Idempotency-Key) returns the first voucher with replayed=True, whatever happened since;
    401 not_authenticated; 404; 429 rate_limited (settings.BENEFITS_CLAIM_RATE per minute);
    409 not_open (not published/running, a lottery, or no round open now); 403 not_eligible
    (fields name the rule, see benefits.eligibility); 409 already_claimed; 409 sold_out;
    409 busy. Audited `voucher.claim`. Sets the cache flags that shed the next losers."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    key = idempotency.normalise_key(idempotency_key)
    try:
        limit = getattr(settings, "BENEFITS_CLAIM_RATE", DEFAULT_CLAIM_RATE)
        if cache.throttle("claim", user.pk, limit=limit):
            raise RateLimited(code="rate_limited")
        voucher, replayed = _claim(user, campaign_id, key)
        return ClaimResult(voucher, replayed=replayed)
    except ApplicationError:
        if found := _replay(campaign_id, user, key):
            return ClaimResult(found, replayed=True)
        raise


@busy_as_conflict
def _claim(user: Any, campaign_id: Any, key: str) -> tuple[Voucher, bool]:
    now = timezone.now()
    snap = snapshot(campaign_id)
    campaign = snap.campaign
    if campaign.allocation != Allocation.FIRST_COME or campaign.status not in LIVE:
        raise _not_open(snap, now)
    rnd = snap.open_round(now)
    if rnd is None:
        raise _not_open(snap, now)
    membership = eligibility.member_of(user)
    person = membership.person if membership is not None else None
    eligibility.check(campaign, person, on=timezone.localdate(now), membership=membership)
    assert person is not None  # check() refused otherwise
    claim_key = _claim_key(campaign, person, now)
    if claim_key is None:
        raise _already(campaign, user, now)
    try:
        voucher = _insert_and_take(campaign, rnd, person, user, claim_key, key, now)
    except _Refused:
        if Campaign.objects.filter(pk=campaign.pk, status__in=LIVE).exists():
            raise _sold_out(snap, now) from None
        cache.forget(campaign.pk)
        raise _not_open(snap, now) from None
    except IntegrityError as exc:
        if found := _replay(campaign.pk, user, key):
            return found, True
        flag = campaign.per_day or campaign.per_person <= 1
        raise _already(campaign, user, now, flag=flag) from exc
    held = campaign.per_day or campaign.per_person <= 1
    cache.mark_claimed(
        campaign.pk, user_id=user.pk, idempotency_key=key, held=held, per_day=campaign.per_day, now=now
    )
    return voucher, False


def _insert_and_take(
    campaign: Campaign, rnd: Round, person: Any, user: Any, claim_key: str, key: str, now: dt.datetime
) -> Voucher:
    """One short transaction: INSERT the voucher (its unique claim key refuses a second one),
    the audit entry, then the guarded UPDATE last, so the hot round row is locked only from
    there to COMMIT. No stock (or the campaign no longer live): _Refused, all rolled back."""
    with transaction.atomic():
        voucher = Voucher(
            campaign=campaign,
            round=rnd,
            person=person,
            user=user,
            claim_key=claim_key,
            code=codes.new_code(),
            status=VoucherStatus.CLAIMED,
            face_value=campaign.face_value,
            threshold=campaign.threshold,
            claimed_at=now,
            valid_from=campaign.valid_from,
            expires_at=expires_at(campaign, now),
            idempotency_key=key,
        )
        voucher.save(force_insert=True)
        audit_log(
            actor=user,
            action="voucher.claim",
            obj=voucher,
            org=campaign.org,
            data={"campaign": str(campaign.pk), "round": rnd.number},
        )
        if not _take(rnd.pk, campaign.pk):
            raise _Refused()
    return voucher


class _Refused(Exception):
    """The guarded UPDATE found no stock (or the campaign no longer live): roll back."""
