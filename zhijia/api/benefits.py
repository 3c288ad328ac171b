"""/api/v1 benefits (普惠): voucher campaigns, claiming, lottery entries, my vouchers.

Public: `GET /voucher-campaigns` (published, running and recently ended), `GET
/voucher-campaigns/<id>` (rounds, remaining stock, merchants, the lottery's seed hash and, after
the draw, its seed), `GET /voucher-campaigns/<id>/state` (what a waiting phone polls: remaining,
open or not, the next release and the server's clock; cached about a second) and `GET
/voucher-campaigns/<id>/draw` (every lottery entry with a masked name, its rank and result, and
how to re-run the draw).

Workers: `POST /voucher-campaigns/<id>/claims` (header `Idempotency-Key`) → 201 `{"voucher_id",
"code", "expires_at"}`; a retry with the same key answers 201 with the same body. 409
`sold_out` | `already_claimed` | `not_open` | `busy`; 403 `not_eligible` (fields name the rule);
401; 429 `rate_limited`. It is the hot path of a flash sale: the cached campaign-level answers
(sold_out, not_open) are given before authenticating, without touching the database; then the
caller is authenticated (bearer token, or the session with its CSRF token), the cached
"already claimed" is checked, and benefits.services.claim decides. `POST
/voucher-campaigns/<id>/entries` registers for a lottery (201 `{entry_id, number}`; 409
`already_registered` | `not_open`). `GET /me/vouchers`: the caller's own vouchers with the QR
payload. Errors are `{"code","message","fields"}`."""

import datetime as dt
import logging
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.cache import cache as django_cache
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.utils import check_csrf

from zhijia.api.pagination import Pagination
from zhijia.api.schemas import ERRORS_LIMITED as ERRORS
from zhijia.benefits import codes
from zhijia.benefits.enums import Allocation, CampaignStatus, VoucherStatus
from zhijia.benefits.models import Campaign, Voucher
from zhijia.benefits.selectors import campaigns as sel
from zhijia.benefits.selectors.campaigns import merchants_of
from zhijia.benefits.selectors.vouchers import my_vouchers
from zhijia.benefits.services.claim import voucher_claim_request
from zhijia.benefits.services.lottery import ALGORITHM, entry_register
from zhijia.core import idempotency
from zhijia.core.errors import NotAuthenticated, NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_name

from .security import BearerAuth

logger = logging.getLogger("zhijia.benefits")
router = Router(tags=["benefits"])
MAX_PAGE = 200
STATE_SECONDS = 1  # the polled state is shared by every phone for this long


class RoundOut(Schema):
    number: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    stock: int


class OutletOut(Schema):
    id: UUID
    name: str
    address: str


class MerchantOut(Schema):
    id: UUID
    name: str
    outlets: list[OutletOut] = Field(description="Where the vouchers can be used.")


class CampaignItemOut(Schema):
    id: UUID
    title: str
    org_id: UUID
    org_name: str
    kind: str
    experience: str
    face_value: Decimal
    threshold: Decimal
    total: int
    allocation: str
    status: str
    state: str = Field(
        description="upcoming | open | sold_out | between_rounds | registration_open | "
        "registration_closed | drawn | ended"
    )
    state_label: str
    remaining: int = Field(description="Vouchers still to be had now; may be a second or two stale.")
    next_opens_at: dt.datetime | None
    valid_from: dt.datetime
    valid_until: dt.datetime


class CampaignOut(CampaignItemOut):
    description: str
    valid_days: int | None
    per_person: int
    per_day: bool
    occupations: list[str]
    joined_before: dt.date | None
    eligible_org_name: str
    rounds: list[RoundOut]
    merchants: list[MerchantOut]
    register_opens_at: dt.datetime | None
    register_closes_at: dt.datetime | None
    entries_count: int
    seed_hash: str = Field(description="SHA-256 of the lottery seed, published in advance.")
    seed: str = Field(description="The lottery seed, revealed at the draw (empty before).")
    drawn_at: dt.datetime | None
    server_time: dt.datetime


class StateOut(Schema):
    state: str
    state_label: str
    open: bool = Field(description="A round is open now (first come).")
    remaining: int
    round: int | None
    closes_at: dt.datetime | None
    next_opens_at: dt.datetime | None
    server_time: dt.datetime = Field(description="The server's clock, for countdowns.")


def _item(campaign: Campaign, state: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "org_id": campaign.org_id,
        "org_name": campaign.org.name,
        "kind": campaign.kind,
        "experience": campaign.experience,
        "face_value": campaign.face_value,
        "threshold": campaign.threshold,
        "total": campaign.total,
        "allocation": campaign.allocation,
        "status": campaign.status,
        "state": state["status_for_display"],
        "state_label": str(state["status_label"]),
        "remaining": state["remaining"],
        "next_opens_at": state["next_round_opens_at"],
        "valid_from": campaign.valid_from,
        "valid_until": campaign.valid_until,
    }


@router.get("/voucher-campaigns", response=list[CampaignItemOut], auth=None)
@paginate(Pagination, max_limit=MAX_PAGE)
def list_campaigns(request: HttpRequest):
    """Campaigns workers can see, running first: `{"items": [...], "count": n}`."""
    return _Items(sel.campaign_public_list())


class _Items:
    """The public list, paginated by ninja, each page turned into items with their state."""

    def __init__(self, qs):
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        now = timezone.now()
        return [_item(c, sel.campaign_state(c, now)) for c in self.qs[window]]


@router.get("/voucher-campaigns/{campaign_id}", response=CampaignOut, auth=None)
def get_campaign(request: HttpRequest, campaign_id: str):
    """One campaign (drafts are 404). `remaining` may be a second or two stale."""
    campaign = sel.campaign_get_public(id=campaign_id)
    now = timezone.now()
    drawn = campaign.drawn_at is not None
    root = campaign.eligible_org or campaign.org
    return {
        **_item(campaign, sel.campaign_state(campaign, now)),
        "description": campaign.description,
        "valid_days": campaign.valid_days,
        "per_person": campaign.per_person,
        "per_day": campaign.per_day,
        "occupations": list(campaign.occupations or []),
        "joined_before": campaign.joined_before,
        "eligible_org_name": root.name,
        "rounds": list(campaign.rounds.all()),
        "merchants": merchants_of(campaign),
        "register_opens_at": campaign.register_opens_at,
        "register_closes_at": campaign.register_closes_at,
        "entries_count": campaign.entries_count,
        "seed_hash": campaign.seed_hash,
        "seed": campaign.seed if drawn else "",
        "drawn_at": campaign.drawn_at,
        "server_time": now,
    }


def _cached(call: Any, *args: Any) -> Any:
    """One cache call; a cache that is down only costs the work it would have saved."""
    try:
        return call(*args)
    except Exception as exc:
        logger.debug("state cache unavailable: %s", type(exc).__name__)
        return None


def campaign_live_state(campaign_id: Any) -> dict[str, Any]:
    """The polled state of a public campaign, shared by all callers for STATE_SECONDS (cache
    down: computed each time). 404 for drafts and unknown ids. `server_time` is always now."""
    pk = parse_uuid(campaign_id)
    if pk is None:
        raise NotFound(code="not_found")
    key = f"benefits:api-state:{pk}"
    state = _cached(django_cache.get, key)
    if state is None:
        campaign = sel.campaign_get_public(id=pk)
        found = sel.campaign_state(campaign)
        current = found["current_round"]
        first_come = campaign.allocation == Allocation.FIRST_COME
        state = {
            "state": found["status_for_display"],
            "state_label": str(found["status_label"]),
            "open": bool(first_come and current is not None and campaign.status != CampaignStatus.ENDED),
            "remaining": found["remaining"],
            "round": current.number if current is not None else None,
            "closes_at": current.closes_at if current is not None else None,
            "next_opens_at": found["next_round_opens_at"],
        }
        _cached(django_cache.set, key, state, STATE_SECONDS)
    return {**state, "server_time": timezone.now()}


@router.get(
    "/voucher-campaigns/{campaign_id}/state", response=StateOut, auth=None, url_name="voucher_campaign_state"
)
def campaign_state(request: HttpRequest, campaign_id: str):
    """What a waiting phone polls every few seconds: `open` (a round is open now), `remaining`,
    the open round and when it closes, `next_opens_at` and `server_time` (to count down with
    the server's clock). Shared by all callers for about a second."""
    return campaign_live_state(campaign_id)


class ClaimOut(Schema):
    voucher_id: UUID
    code: str
    expires_at: dt.datetime


_bearer = BearerAuth()


def _caller(request: HttpRequest) -> Any:
    """The authenticated user of a claim: a bearer token (POST /auth/token), else the browser
    session with its CSRF token (403 without it); 401 for neither. Same rules as the API's
    default authentication, run after the cached answers instead of before them."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        user = _bearer.authenticate(request, token.strip())
        if user is not None:
            return user
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check Failed")
    return user


def _claimed(voucher: Voucher) -> dict[str, Any]:
    return {"voucher_id": voucher.pk, "code": voucher.code, "expires_at": voucher.expires_at}


@router.post(
    "/voucher-campaigns/{campaign_id}/claims",
    response={201: ClaimOut, **ERRORS},
    auth=None,  # authenticated inside, after the cached answers (see _caller)
    openapi_extra={"security": [{"BearerAuth": []}, {"SessionAuth": []}]},
)
def claim(request: HttpRequest, campaign_id: str):
    """Claim a voucher of a first-come campaign (header `Idempotency-Key`: a retry returns the
    first answer, 201 with the same body). 409 sold_out | already_claimed | not_open | busy,
    403 not_eligible, 401, 429 rate_limited, 404. Authentication: `Authorization: Bearer`, or
    the session cookie with the CSRF token. The cached sold_out / not_open answers come before
    authentication (they are the same for everyone)."""
    result = voucher_claim_request(
        campaign_id=campaign_id,
        idempotency_key=idempotency.key_from(request.headers),
        authenticate=lambda: _caller(request),
    )
    return Status(201, _claimed(result.voucher))


class EntryOut(Schema):
    entry_id: UUID
    number: int


@router.post("/voucher-campaigns/{campaign_id}/entries", response={201: EntryOut, **ERRORS})
def register(request: HttpRequest, campaign_id: str):
    """Register the caller's membership for a lottery. 409 not_open (outside the window, not a
    lottery, drawn) | already_registered | busy; 403 not_eligible."""
    campaign = sel.campaign_get_public(id=campaign_id)
    entry = entry_register(user=request.user, campaign=campaign)
    return Status(201, {"entry_id": entry.pk, "number": entry.number})


class DrawEntryOut(Schema):
    number: int
    name: str = Field(description="Masked (张*).")
    rank: int | None
    status: str


class DrawOut(Schema):
    campaign_id: UUID
    total: int
    seed_hash: str
    seed: str = Field(description="Empty until the draw.")
    drawn_at: dt.datetime | None
    algorithm: str
    entries: list[DrawEntryOut]


def draw_entries(campaign: Campaign) -> list[dict[str, Any]]:
    """The lottery's entries (by rank after the draw, by number before), names masked."""
    rows = sel.lottery_entries(campaign=campaign).values_list("number", "person__name", "rank", "status")
    return [{"number": n, "name": mask_name(name), "rank": rank, "status": s} for n, name, rank, s in rows]


@router.get(
    "/voucher-campaigns/{campaign_id}/draw", response=DrawOut, auth=None, url_name="voucher_campaign_draw"
)
def draw(request: HttpRequest, campaign_id: str):
    """A lottery's public list, to check the draw: every entry number with a masked name, its
    rank and result; the seed hash published in advance and, after the draw, the seed. Anyone
    can re-run it: sort the numbers by HMAC-SHA256(key=seed, message=str(number)) in hex,
    lowest first; the first `total` win; and SHA-256(seed) must equal seed_hash. (Empty for a
    first-come campaign.)"""
    campaign = sel.campaign_get_public(id=campaign_id)
    drawn = campaign.drawn_at is not None
    lottery = campaign.allocation == Allocation.LOTTERY
    return {
        "campaign_id": campaign.pk,
        "total": campaign.total,
        "seed_hash": campaign.seed_hash,
        "seed": campaign.seed if drawn else "",
        "drawn_at": campaign.drawn_at,
        "algorithm": ALGORITHM if lottery else "",
        "entries": draw_entries(campaign) if lottery else [],
    }


class MyVoucherOut(Schema):
    id: UUID
    campaign_id: UUID
    campaign: str
    kind: str
    face_value: Decimal
    threshold: Decimal
    code: str
    qr: str = Field(description="The signed payload the QR code carries (what the till scans).")
    status: str
    claimed_at: dt.datetime
    valid_from: dt.datetime
    expires_at: dt.datetime
    redeemed_at: dt.datetime | None


def voucher_out(voucher: Voucher) -> dict[str, Any]:
    return {
        "id": voucher.pk,
        "campaign_id": voucher.campaign_id,
        "campaign": voucher.campaign.title,
        "kind": voucher.campaign.kind,
        "face_value": voucher.face_value,
        "threshold": voucher.threshold,
        "code": voucher.code,
        "qr": codes.voucher_qr(voucher),
        "status": voucher.status,
        "claimed_at": voucher.claimed_at,
        "valid_from": voucher.valid_from,
        "expires_at": voucher.expires_at,
        "redeemed_at": voucher.redeemed_at,
    }


@router.get("/me/vouchers", response=list[MyVoucherOut])
def mine(request: HttpRequest, status: VoucherStatus | None = None):
    """The caller's own vouchers (their membership's, whichever account claimed them), newest
    first, with the signed QR payload; `status`: claimed | redeemed | expired | revoked. Empty
    for staff accounts."""
    return [voucher_out(v) for v in my_vouchers(user=request.user, status=status)[:MAX_PAGE]]
