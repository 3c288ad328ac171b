"""Console pages of voucher campaigns: list, create/edit a draft (with release rounds and the
"N a day at HH:MM for D days" generator), detail with the live state, publish, end early, and the
lottery page (registrations, draw, seed and how to verify). parse → access check →
service/selector → render; every write goes through zhijia.benefits.services (which audit it)."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.benefits.enums import Allocation, CampaignStatus, EntryStatus, VoucherKind, VoucherStatus
from zhijia.benefits.models import Campaign
from zhijia.benefits.permissions import access_campaign
from zhijia.benefits.selectors import campaigns as sel
from zhijia.benefits.services import campaigns as svc
from zhijia.benefits.services import lottery
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_name
from zhijia.members.enums import Occupation
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from .forms import BaseRoundFormSet, CampaignForm, RoundFormSet, RoundsGeneratorForm

T = "staff/benefits/"
PAGE_SIZE = 50
ENTRIES_SHOWN = 1000
MANAGE, VIEW = Cap.BENEFITS_MANAGE, Cap.BENEFITS_VIEW


def can(request, cap: str, org: Org) -> bool:
    return scope_for(request.user, cap).contains(org)


def fail(request, exc: ApplicationError) -> None:
    """A refused action as one message (404s propagate: the object is not the actor's)."""
    if isinstance(exc, NotFound):
        raise exc
    detail = [str(m) for v in exc.fields.values() for m in v]
    messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))


def with_counts(rows):
    """Vouchers issued (not revoked) and redeemed per campaign, for the list."""
    return rows.annotate(
        claimed_count=Count("vouchers", filter=~Q(vouchers__status=VoucherStatus.REVOKED)),
        redeemed_count=Count("vouchers", filter=Q(vouchers__status=VoucherStatus.REDEEMED)),
    )


@staff_required
@require_GET
def campaign_list(request):
    """Campaigns funded in the current unit's subtree (benefits.view): status, allocation,
    claimed of total and redeemed."""
    unit = unit_with(request, VIEW)
    status = request.GET.get("status") if request.GET.get("status") in CampaignStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = with_counts(
        sel.campaign_list(actor=request.user, filters={"status": status, "q": q}).filter(
            subtree_q(unit.path, "org__path")
        )
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "page": page,
        "f": {"status": status, "q": q},
        "statuses": CampaignStatus.choices,
        "can_manage": can(request, MANAGE, unit),
    }
    return render(request, T + "campaigns.html", context)


def _choices(actor, unit: Org):
    """Merchants (active, signed in the unit's subtree or above it) and their outlets."""
    merchants = sel.merchant_choices(actor=actor, org=unit)
    return merchants, sel.outlet_choices(merchants=merchants)


def _rounds_initial(rounds: list[dict]) -> list[dict]:
    return [
        {
            "opens_at": timezone.localtime(r["opens_at"]),
            "closes_at": timezone.localtime(r["closes_at"]),
            "stock": r["stock"],
        }
        for r in rounds
    ]


def _generated(form, gen) -> BaseRoundFormSet | None:
    """The "Fill the rounds" button: rounds_daily's rows in an unbound rounds table (nothing
    saved); the total quantity becomes their sum."""
    if not gen.is_valid():
        return None
    g = gen.cleaned_data
    try:
        rows = svc.rounds_daily(
            start=g["gen_start"], days=g["gen_days"], per_day=g["gen_per_day"], hours=float(g["gen_hours"])
        )
    except ApplicationError as exc:
        exc.fields = {f"gen_{k}": v for k, v in exc.fields.items()}
        apply_errors(gen, exc)
        return None
    form.data = form.data.copy()
    form.data["total"] = str(sum(r["stock"] for r in rows))
    return RoundFormSet(prefix="r", initial=_rounds_initial(rows))


def _only_filled_in_errors(form) -> None:
    """While the rounds are being filled, complain only about what was typed wrongly, not about
    what is still empty."""
    form.is_valid()
    for name in list(form.errors):
        if not form.data.get(name):
            del form.errors[name]


def _form_page(request, *, unit: Org, campaign: Campaign | None, initial: dict, rounds_initial: list):
    """GET renders; POST with `generate` fills the rounds table; POST saves through the service."""
    merchants, outlets = _choices(request.user, unit)
    data = request.POST or None
    form = CampaignForm(data, unit=unit, merchants=merchants, outlets=outlets, initial=initial)
    rounds = RoundFormSet(data, prefix="r", initial=rounds_initial)
    gen = RoundsGeneratorForm(data if data and "generate" in data else None, initial=_gen_initial())
    rounds_errors: list[str] = []
    if data and "generate" in data:
        generated = _generated(form, gen)
        if generated is not None:
            rounds = generated
        _only_filled_in_errors(form)
    elif data and form.is_valid() and rounds.is_valid():
        fields = form.data_for_service()
        round_rows = rounds.rows() if fields["allocation"] == Allocation.FIRST_COME else []
        try:
            if campaign is None:
                campaign = svc.campaign_create(actor=request.user, org=unit, rounds=round_rows, **fields)
                messages.success(request, _("Draft saved. Publish it when it is ready."))
            else:
                svc.campaign_update(actor=request.user, campaign=campaign, rounds=round_rows, **fields)
                messages.success(request, _("Changes saved."))
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            rounds_errors = _apply_campaign_errors(form, exc)
        else:
            return redirect("staff:benefits_campaign", pk=campaign.pk)
    context = {
        "form": form,
        "rounds": rounds,
        "gen": gen,
        "unit": unit,
        "campaign": campaign,
        "rounds_sum": _rounds_sum(rounds),
        "rounds_errors": rounds_errors,
    }
    return render(request, T + "campaign_form.html", context)


def _apply_campaign_errors(form, exc: ApplicationError) -> list[str]:
    """The service's field errors next to their fields; those about the rounds (no form field)
    go above the rounds table instead of the top of the form. Returns the rounds' messages."""
    rounds = [str(m) for m in exc.fields.pop("rounds", [])]
    if exc.fields or not rounds:
        apply_errors(form, exc)
    else:
        form.error_code = exc.code
    return rounds


def _rounds_sum(rounds) -> int:
    total = 0
    for f in rounds.forms:
        value = f["stock"].value()
        removed = f["DELETE"].value() if "DELETE" in f.fields else False
        try:
            total += 0 if removed in (True, "on") else int(value or 0)
        except (TypeError, ValueError):
            continue
    return total


def _gen_initial() -> dict:
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    return {"gen_start": tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)}


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    """A draft campaign funded by the current unit (benefits.manage there)."""
    unit = unit_with(request, MANAGE)
    check(request.user, MANAGE, unit)
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "kind": VoucherKind.DISCOUNT,
        "allocation": Allocation.FIRST_COME,
        "valid_from": now,
        "valid_until": now + dt.timedelta(days=30),
        "per_person": 1,
        "carry_over": True,
        "reserve_list": True,
    }
    return _form_page(request, unit=unit, campaign=None, initial=initial, rounds_initial=[])


def _campaign_initial(c: Campaign) -> dict:
    names = [n for n in CampaignForm.base_fields if n not in CampaignForm.FK + CampaignForm.M2M]
    initial = {n: getattr(c, n) for n in names}
    for name in ("valid_from", "valid_until", "register_opens_at", "register_closes_at"):
        if initial[name]:
            initial[name] = timezone.localtime(initial[name])
    initial["eligible_org"] = c.eligible_org_id
    initial["merchants"] = [m.pk for m in c.merchants.all()]
    initial["outlets"] = [o.pk for o in c.outlets.all()]
    return initial


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    """Change a draft (the service refuses once published)."""
    campaign = access_campaign(actor=request.user, id=pk)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("staff:benefits_campaign", pk=campaign.pk)
    rounds = [
        {"opens_at": r.opens_at, "closes_at": r.closes_at, "stock": r.stock} for r in campaign.rounds.all()
    ]
    return _form_page(
        request,
        unit=campaign.org,
        campaign=campaign,
        initial=_campaign_initial(campaign),
        rounds_initial=_rounds_initial(rounds),
    )


@staff_required
@require_GET
def campaign_detail(request, pk):
    """The campaign, its live state (remaining, current and next round) and its rounds."""
    campaign = access_campaign(actor=request.user, id=pk)
    labels = dict(Occupation.choices)
    context = {
        "c": campaign,
        "state": sel.campaign_state(campaign),
        "rounds": list(campaign.rounds.all()),
        "merchants": list(campaign.merchants.all()),
        "outlets": list(campaign.outlets.select_related("merchant")),
        "occupations": [labels.get(o, o) for o in campaign.occupations],
        "can_manage": True,
        "can_view": can(request, VIEW, campaign.org),
        "is_draft": campaign.status == CampaignStatus.DRAFT,
        "can_end": campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING),
    }
    return render(request, T + "campaign.html", context)


def _act(request, pk, action, done: str, to: str = "staff:benefits_campaign"):
    campaign = access_campaign(actor=request.user, id=pk)
    try:
        action(campaign)
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, done)
    return redirect(to, pk=campaign.pk)


@staff_required
@require_POST
def campaign_publish(request, pk):
    return _act(
        request,
        pk,
        lambda c: svc.campaign_publish(actor=request.user, campaign=c),
        _("Published: members can see it; claims open with the first round."),
    )


@staff_required
@require_POST
def campaign_end(request, pk):
    return _act(
        request,
        pk,
        lambda c: svc.campaign_end(actor=request.user, campaign=c),
        _("Ended: no more claims. Vouchers already claimed stay valid."),
    )


@staff_required
@require_GET
def campaign_lottery(request, pk):
    """Registrations, the draw button once registration has closed, the published seed hash,
    the revealed seed, winners and the reserve list (names masked) and how to verify."""
    campaign = access_campaign(actor=request.user, id=pk)
    if campaign.allocation != Allocation.LOTTERY:
        raise NotFound()
    now = timezone.now()
    labels = dict(EntryStatus.choices)
    rows = list(sel.lottery_entries(campaign=campaign)[: ENTRIES_SHOWN + 1])
    entries = [
        {
            "number": e.number,
            "name": mask_name(e.person.name),
            "rank": e.rank,
            "status": e.status,
            "label": labels.get(e.status, e.status),
        }
        for e in rows[:ENTRIES_SHOWN]
    ]
    context = {
        "c": campaign,
        "entries": entries,
        "registered": campaign.entries_count,
        "more": len(rows) > ENTRIES_SHOWN,
        "shown": ENTRIES_SHOWN,
        "can_manage": True,
        "can_draw": (
            not campaign.drawn_at
            and campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.RUNNING)
            and campaign.register_closes_at is not None
            and campaign.register_closes_at <= now
        ),
        "window_open": bool(
            campaign.register_opens_at
            and campaign.register_closes_at
            and campaign.register_opens_at <= now < campaign.register_closes_at
        ),
    }
    return render(request, T + "lottery.html", context)


@staff_required
@require_POST
def campaign_draw(request, pk):
    return _act(
        request,
        pk,
        lambda c: lottery.lottery_draw(actor=request.user, campaign=c),
        _("Drawn: the seed is revealed and the winners have their vouchers."),
        to="staff:benefits_lottery",
    )
