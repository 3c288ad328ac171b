"""Reads of campaigns: the public list and page, staff lists (scope-limited), the state shown
on a campaign page, lottery entries, merchant / outlet choices for the campaign form."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths, subtree_q

from .. import cache, eligibility
from ..enums import Allocation, CampaignStatus
from ..models import Campaign, LotteryEntry, Merchant, Outlet, Round

PUBLIC = (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING, CampaignStatus.ENDED)
RECENT_DAYS = 30  # ended campaigns stay on the public list this long after their validity


def _public_related(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.select_related("org").prefetch_related(
        Prefetch("rounds", queryset=Round.objects.order_by("number")),
        Prefetch("merchants", queryset=Merchant.objects.filter(active=True)),
    )


def campaign_public_list(*, now: dt.datetime | None = None) -> QuerySet[Campaign]:
    """Campaigns workers see: published and running ones, and ended ones whose vouchers are
    still valid or ended in the last RECENT_DAYS. Running first, then by publication."""
    now = now or timezone.now()
    qs = Campaign.objects.filter(
        Q(status__in=(CampaignStatus.PUBLISHED, CampaignStatus.RUNNING))
        | Q(status=CampaignStatus.ENDED, valid_until__gte=now - dt.timedelta(days=RECENT_DAYS))
    )
    return _public_related(qs).order_by("-status", "-published_at")


def campaign_get_public(*, id: Any) -> Campaign:
    """A published, running or ended campaign (404 for drafts and unknown ids)."""
    pk = parse_uuid(id)
    campaign = _public_related(Campaign.objects.filter(pk=pk, status__in=PUBLIC)).first() if pk else None
    if campaign is None:
        raise NotFound(code="not_found")
    return campaign


def campaign_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Campaign]:
    """Campaigns funded within the actor's benefits.view or benefits.manage scope, newest
    first. Filters: status, allocation, q (title contains)."""
    filters = filters or {}
    scope = scope_for(actor, Cap.BENEFITS_VIEW).q("org") | scope_for(actor, Cap.BENEFITS_MANAGE).q("org")
    qs = Campaign.objects.filter(scope).select_related("org")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("allocation"):
        qs = qs.filter(allocation=filters["allocation"])
    if filters.get("q"):
        qs = qs.filter(title__icontains=str(filters["q"])[:100])
    return qs.order_by("-created_at")


def _rounds(campaign: Campaign) -> list[Round]:
    cached = getattr(campaign, "_prefetched_objects_cache", {}).get("rounds")
    if cached is not None:
        return sorted(cached, key=lambda r: r.number)
    return list(Round.objects.filter(campaign_id=campaign.pk).order_by("number"))


def compute_remaining(campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Vouchers still to be had now. First come: the open round's stock left, else the next
    round's (0 when no round is left). Lottery: winners still to be drawn (total before the
    draw, then 0)."""
    if campaign.allocation == Allocation.LOTTERY:
        return 0 if campaign.drawn_at else campaign.total
    now = now or timezone.now()
    row = (
        Round.objects.filter(campaign_id=campaign.pk, closes_at__gt=now)
        .order_by("opens_at")
        .values_list("stock", "claimed")
        .first()
    )
    return max(0, row[0] - row[1]) if row else 0


def remaining(campaign: Campaign) -> int:
    """compute_remaining, cached about a second (benefits.cache): may be slightly stale."""
    return cache.remaining(campaign, compute=compute_remaining)


STATE_LABELS = {
    "draft": _("Draft"),
    "upcoming": _("Opens soon"),
    "open": _("Open"),
    "sold_out": _("Sold out"),
    "between_rounds": _("Next round soon"),
    "registration_open": _("Registration open"),
    "registration_closed": _("Registration closed"),
    "drawn": _("Drawn"),
    "ended": _("Ended"),
}


def campaign_state(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, Any]:
    """What a campaign page shows now: {remaining (may be ~1 s stale), current_round (Round or
    None), next_round_opens_at (or registration opening, or None), status_for_display (one of
    STATE_LABELS: draft, upcoming, open, sold_out, between_rounds, registration_open,
    registration_closed, drawn, ended), status_label}."""
    now = now or timezone.now()
    rounds = _rounds(campaign)
    current = next((r for r in rounds if r.opens_at <= now < r.closes_at), None)
    upcoming = min((r.opens_at for r in rounds if r.opens_at > now), default=None)
    left = remaining(campaign) if campaign.status != CampaignStatus.DRAFT else campaign.total
    lottery = campaign.allocation == Allocation.LOTTERY
    if lottery and campaign.register_opens_at and campaign.register_opens_at > now:
        upcoming = campaign.register_opens_at
    if campaign.status == CampaignStatus.DRAFT:
        state = "draft"
    elif lottery:
        if campaign.drawn_at:
            state = "drawn"
        elif campaign.status == CampaignStatus.ENDED:
            state = "ended"
        elif upcoming is not None:
            state = "upcoming"
        elif campaign.register_closes_at and now < campaign.register_closes_at:
            state = "registration_open"
        else:
            state = "registration_closed"
    elif campaign.status == CampaignStatus.ENDED:
        state = "ended"
    elif current is not None:
        state = "open" if left > 0 else "sold_out"
    elif upcoming is not None:
        state = "upcoming" if not any(r.opens_at <= now for r in rounds) else "between_rounds"
    else:
        state = "ended"
    return {
        "remaining": left,
        "current_round": current,
        "next_round_opens_at": upcoming,
        "status_for_display": state,
        "status_label": STATE_LABELS[state],
    }


def lottery_entries(*, campaign: Campaign) -> QuerySet[LotteryEntry]:
    """The campaign's entries with their person (the caller masks names): by rank after the
    draw, by number before."""
    qs = LotteryEntry.objects.filter(campaign=campaign).select_related("person", "voucher")
    return qs.order_by("rank", "number") if campaign.drawn_at else qs.order_by("number")


def merchant_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Merchant]:
    """Merchants signed within the actor's benefits.manage or benefits.view scope. Filters:
    org (id: that union's subtree), active, q (name contains)."""
    filters = filters or {}
    scope = scope_for(actor, Cap.BENEFITS_MANAGE).q("org") | scope_for(actor, Cap.BENEFITS_VIEW).q("org")
    qs = Merchant.objects.filter(scope).select_related("org")
    if filters.get("org"):
        org_id = parse_uuid(filters["org"])
        org = Org.objects.filter(pk=org_id).first() if org_id is not None else None
        qs = qs.filter(subtree_q(org.path, "org__path")) if org else qs.none()
    if filters.get("active") is not None and filters.get("active") != "":
        qs = qs.filter(active=bool(filters["active"]))
    if filters.get("q"):
        qs = qs.filter(name__icontains=str(filters["q"])[:100])
    return qs.order_by("name")


def merchant_choices(*, actor: Any, org: Org) -> QuerySet[Merchant]:
    """Active merchants a campaign of `org` may use: signed by `org`, a union above it, or one
    within its subtree."""
    return (
        Merchant.objects.filter(active=True)
        .filter(Q(org__path__in=ancestor_paths(org.path)) | subtree_q(org.path, "org__path"))
        .select_related("org")
        .order_by("name")
    )


def outlet_choices(*, merchants: Any) -> QuerySet[Outlet]:
    """Active outlets of `merchants` (a queryset or list), merchant fetched."""
    return (
        Outlet.objects.filter(merchant__in=merchants, active=True)
        .select_related("merchant")
        .order_by("merchant__name", "name")
    )


def merchants_of(campaign: Any) -> list[dict[str, Any]]:
    """The campaign's active merchants, each with the outlets where its vouchers work (the
    campaign's outlets when it names some, else all the merchant's active outlets)."""
    merchants = list(campaign.merchants.all())
    named = {o.pk for o in campaign.outlets.all()}
    by_merchant: dict[Any, list] = {m.pk: [] for m in merchants}
    for outlet in outlet_choices(merchants=merchants):
        if not named or outlet.pk in named:
            by_merchant[outlet.merchant_id].append(outlet)
    return [{"id": m.pk, "name": m.name, "outlets": by_merchant[m.pk]} for m in merchants]


def why_not_eligible(campaign: Campaign, person: Any) -> ApplicationError | None:
    """Before the tap: the not_eligible refusal a claim or lottery entry by `person` would meet
    (the same rules, benefits.eligibility.check), or None when they may take part. The claim
    itself checks again."""
    try:
        eligibility.check(campaign, person)
    except ApplicationError as exc:
        return exc
    return None
