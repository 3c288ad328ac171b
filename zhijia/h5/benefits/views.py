"""Worker H5 voucher pages (/h5/vouchers/): the campaign list (open now, coming up), a campaign
with the countdown to its next release, the remaining stock (polled from the API's state
endpoint) and the claim button, lottery registration with the published seed hash and the draw
list, my vouchers with their QR codes, and one voucher's large QR.

The claim button survives double taps: the script disables it on the first submit, and the form
carries an idempotency key drawn when the page rendered, so a second POST that still gets
through is answered with the first voucher. Claims go through the same cache gate as the API
(a cached sold_out / not_open / already_claimed costs no database work) and then
benefits.services.claim. Refusals are a page saying why, with status 200."""

import uuid
from typing import Any
from urllib.parse import urlencode

import segno
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.accounts.models import UserKind
from zhijia.benefits import codes
from zhijia.benefits.enums import Allocation, CampaignStatus, EntryStatus, VoucherStatus
from zhijia.benefits.permissions import own_voucher
from zhijia.benefits.selectors.campaigns import (
    campaign_get_public,
    campaign_public_list,
    campaign_state,
    lottery_entries,
    merchants_of,
    why_not_eligible,
)
from zhijia.benefits.selectors.vouchers import my_entries, my_vouchers
from zhijia.benefits.services.claim import snapshot, voucher_claim_request
from zhijia.benefits.services.lottery import entry_register
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_name
from zhijia.members.services.card import person_of

from ..accounts.decorators import worker_required
from . import display
from .forms import ClaimForm

T = "h5/vouchers/"
POLL_SECONDS = 5
DRAW_ROWS = 2000  # the page shows this many entries; the JSON list has them all


def _is_worker(user) -> bool:
    return bool(user.is_authenticated and user.kind == UserKind.WORKER)


def _qr(payload: str, scale: int) -> str:
    return mark_safe(segno.make(payload, error="m").svg_inline(scale=scale, border=2, omitsize=True))  # noqa: S308 - segno's own SVG


@require_GET
def campaign_list(request):
    """Public: campaigns open now, coming up, and recently ended, each with its state."""
    now = timezone.now()
    sections: dict[str, list] = {"open": [], "upcoming": [], "ended": []}
    for campaign in campaign_public_list(now=now):
        state = campaign_state(campaign, now)
        where = display.section(state)
        sections[where].append(
            {
                "c": campaign,
                "state": state["status_for_display"],
                "value": display.value(campaign),
                "when": display.when(campaign, state),
                "muted": where == "ended",
            }
        )
    return render(request, T + "list.html", sections)


def _pane(state: dict[str, Any]) -> tuple[str, Any]:
    """The campaign box's first pane and the instant it counts down to (or None)."""
    code, upcoming = state["status_for_display"], state["next_round_opens_at"]
    if code == "open":
        return "open", None
    if code in ("upcoming", "between_rounds", "sold_out") and upcoming:
        return "wait", upcoming
    if code == "sold_out":
        return "soldout", None
    return "closed", None


def _holds_enough(campaign, mine: list) -> bool:
    """Whether to offer the claim button at all (the claim decides; this only spares a tap)."""
    live = [v for v in mine if v.status != VoucherStatus.REVOKED]
    if campaign.per_day:
        today = timezone.localdate()
        return any(timezone.localdate(v.claimed_at) == today for v in live)
    return len(live) >= campaign.per_person


def _ineligible(campaign, person, mine: list) -> dict[str, Any] | None:
    """Why a member may not take part (shown instead of the button), or None. Not asked of
    someone who already holds a voucher of it, nor of an ended campaign."""
    if person is None or mine or campaign.status not in (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING):
        return None
    refusal = why_not_eligible(campaign, person)
    if refusal is None:
        return None
    return {**display.refusal(refusal), "join": "membership" in (refusal.fields or {})}


@never_cache
@require_GET
def campaign_page(request, pk):
    """Public; a logged-in worker also sees their vouchers of it and the claim (or register)
    button."""
    campaign = campaign_get_public(id=pk)
    now = timezone.now()
    state = campaign_state(campaign, now)
    worker = _is_worker(request.user)
    person = person_of(request.user) if worker else None
    mine = list(my_vouchers(user=request.user).filter(campaign=campaign)) if person else []
    entry = my_entries(user=request.user).filter(campaign=campaign).first() if person else None
    pane, target = _pane(state)
    rounds = list(campaign.rounds.all())
    upcoming = state["next_round_opens_at"]
    context = {
        "c": campaign,
        "value": display.value(campaign),
        "state": state,
        "rounds": rounds,
        "next_round": next((r for r in rounds if r.opens_at == upcoming), None),
        "clock": {
            "now": now.isoformat(),
            "target": target.isoformat() if target else "",
            "open": pane == "open",
            "remaining": state["remaining"],
            "url": reverse("api:voucher_campaign_state", args=[campaign.pk]),
            "poll": POLL_SECONDS,
            "pane": pane,
        },
        "lottery": _lottery(campaign, now),
        "validity": display.validity(campaign),
        "eligibility": display.eligibility(campaign),
        "merchants": merchants_of(campaign),
        "is_worker": worker,
        "person": person,
        "mine": mine,
        "entry": entry,
        "holds_enough": _holds_enough(campaign, mine),
        "ineligible": _ineligible(campaign, person, mine),
        "key": uuid.uuid4().hex,
        "login_url": reverse("h5:login") + "?" + urlencode({"next": request.path + "#claim"}),
    }
    return render(request, T + "campaign.html", context)


def _lottery(campaign, now) -> dict[str, Any]:
    if campaign.allocation != Allocation.LOTTERY:
        return {}
    opens, closes = campaign.register_opens_at, campaign.register_closes_at
    is_open = bool(opens and closes and opens <= now < closes and not campaign.drawn_at)
    fmt = "%Y-%m-%d %H:%M"
    if campaign.drawn_at:
        window = _("Drawn on %(at)s.") % {"at": timezone.localtime(campaign.drawn_at).strftime(fmt)}
    elif opens and closes:
        window = _("Registration: %(start)s – %(end)s.") % {
            "start": timezone.localtime(opens).strftime(fmt),
            "end": timezone.localtime(closes).strftime(fmt),
        }
    else:
        window = ""
    return {"open": is_open, "window": window}


def campaign_shown(pk) -> Any:
    """The campaign for the result page from the claim path's few-seconds snapshot (no query
    on the hot path); a draft is 404 like its page."""
    campaign = snapshot(pk).campaign
    if campaign.status == CampaignStatus.DRAFT:
        raise NotFound(code="not_found")
    return campaign


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def claim(request, pk):
    """POST: claim with the form's idempotency key and show the voucher or why not. GET (after
    the login an anonymous tap led to): back to the campaign."""
    if request.method == "GET":
        return redirect("h5:vouchers_campaign", pk=pk)
    form = ClaimForm(request.POST)
    key = form.cleaned_data["key"] if form.is_valid() else ""
    context: dict[str, Any] = {}
    try:  # the API's entry point: the cache gate answers the losers before any database work
        result = voucher_claim_request(campaign_id=pk, idempotency_key=key, authenticate=lambda: request.user)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        context["refusal"] = display.refusal(exc)
    else:
        context["voucher"] = result.voucher
    context["c"] = campaign_shown(pk)
    return render(request, T + "result.html", context)


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def register(request, pk):
    """POST: register for a lottery (once per member) and show the entry number or why not."""
    campaign = campaign_get_public(id=pk)
    if request.method == "GET":
        return redirect("h5:vouchers_campaign", pk=campaign.pk)
    context: dict[str, Any] = {"c": campaign}
    try:
        context["entry"] = entry_register(user=request.user, campaign=campaign)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        context["refusal"] = display.refusal(exc)
    return render(request, T + "result.html", context)


@require_GET
def draw(request, pk):
    """Public: a lottery's entries (masked names, rank, result) and how to check the draw."""
    campaign = campaign_get_public(id=pk)
    labels = dict(EntryStatus.choices)
    rows = []
    if campaign.allocation == Allocation.LOTTERY:
        values = lottery_entries(campaign=campaign).values_list("number", "person__name", "rank", "status")
        for number, name, rank, status in values[: DRAW_ROWS + 1]:
            rows.append(
                {
                    "number": number,
                    "name": mask_name(name),
                    "rank": rank,
                    "status": status,
                    "status_label": labels.get(status, status),
                }
            )
    context = {
        "c": campaign,
        "entries": rows[:DRAW_ROWS],
        "truncated": len(rows) > DRAW_ROWS,
        "shown": DRAW_ROWS,
        "api_url": reverse("api:voucher_campaign_draw", args=[campaign.pk]),
    }
    return render(request, T + "draw.html", context)


@never_cache
@worker_required
@require_GET
def mine(request):
    """My vouchers: the usable ones with a QR each, my lottery entries, then used and expired."""
    now = timezone.now()
    usable, past = [], []
    for voucher in my_vouchers(user=request.user):
        item = {"v": voucher, "value": display.value(voucher)}
        if voucher.status == VoucherStatus.CLAIMED and voucher.expires_at > now:
            item["qr"] = _qr(codes.voucher_qr(voucher), 2)
            usable.append(item)
        else:
            past.append(item)
    context = {"usable": usable, "past": past, "entries": list(my_entries(user=request.user))}
    return render(request, T + "mine.html", context)


@never_cache
@worker_required
@require_GET
def voucher_page(request, pk):
    """One of my vouchers, large: the QR (the signed code) and the plain code for typing."""
    voucher = own_voucher(user=request.user, id=pk)
    context = {
        "v": voucher,
        "value": display.value(voucher),
        "qr": _qr(codes.voucher_qr(voucher), 6) if voucher.status == VoucherStatus.CLAIMED else "",
        "merchants": merchants_of(voucher.campaign),
    }
    return render(request, T + "voucher.html", context)
