"""Console pages of honours: the campaigns of the current unit's tree (and a form for a new
one), a campaign with its quotas, the nominations (names masked) with the review step for the
union whose turn it is, the nominating union's form and its submit, the 公示 objections with
their decisions, and the honours register of the unit's tree."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.masking import mask_name
from zhijia.honours import selectors as sel
from zhijia.honours import services as svc
from zhijia.honours.enums import UNIT_KINDS, Category, HonourKind
from zhijia.honours.permissions import access_campaign, access_nomination, access_objection, read_campaign
from zhijia.members.permissions import access_membership
from zhijia.orgs.access import capabilities_of, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit
from zhijia.web.responses import run_step

T = "staff/honours/"
STEPS = {
    "open": gettext_lazy("Open for nominations"),
    "reviewing": gettext_lazy("Close nominations and review"),
    "publicity": gettext_lazy("Start the public notice"),
    "closed": gettext_lazy("Award and write the register"),
}


def _require_any(user: Any, *caps: str) -> None:
    if not set(caps) & capabilities_of(user):
        raise PermissionDenied(code="permission_denied")


def _int(request, name: str) -> int | None:
    raw = request.POST.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 6:
        messages.error(request, _("Enter a whole number."))
        return None
    return int(raw)


@staff_required
@require_http_methods(["GET", "POST"])
def honours_home(request):
    _require_any(request.user, Cap.HONOURS_MANAGE, Cap.HONOURS_NOMINATE)
    unit = current_unit(request)
    if unit is None:
        raise NotFound()
    may_run = scope_for(request.user, Cap.HONOURS_MANAGE).contains(unit)
    if request.method == "POST":
        org = access_org(actor=request.user, id=unit.pk, cap=Cap.HONOURS_MANAGE)
        year = _int(request, "year")
        try:
            closes_on = dt.date.fromisoformat(request.POST.get("closes_on", ""))
        except ValueError:
            messages.error(request, _("Enter a valid date."))
            closes_on = None
        if year is not None and closes_on is not None:
            pct = {k: _int(request, k) for k in ("frontline_min_pct", "managers_max_pct")}
            if None not in pct.values():
                made = run_step(
                    request,
                    svc.campaign_create,
                    _("The campaign is saved as a draft: give quotas, then open it."),
                    org=org,
                    title=request.POST.get("title", ""),
                    kind=request.POST.get("kind", ""),
                    year=year,
                    closes_on=closes_on,
                    **pct,
                )
                if made:
                    return redirect("staff:honours_detail", pk=made.pk)
    campaigns = sel.campaign_list(actor=request.user)
    queue = list(sel.review_queue(actor=request.user)[:200])
    for n in queue:
        n.label = sel.nominee_label(n)  # type: ignore[attr-defined]
    context = {
        "unit": unit,
        "campaigns": campaigns[:200],
        "queue": queue,
        "may_run": may_run,
        "kinds": HonourKind.choices,
        "year": dt.date.today().year,
    }
    return render(request, T + "home.html", context)


@staff_required
@require_GET
def honours_detail(request, pk):
    c = read_campaign(actor=request.user, id=pk)
    manage_scope = scope_for(request.user, Cap.HONOURS_MANAGE)
    nominate_scope = scope_for(request.user, Cap.HONOURS_NOMINATE)
    organiser = manage_scope.contains(c.org)
    noms = list(sel.nominations(c, actor=request.user))
    for n in noms:
        n.label = sel.nominee_label(n)  # type: ignore[attr-defined]
        n.may_review = n.status == "submitted" and manage_scope.contains(n.at_org)  # type: ignore[attr-defined]
        n.may_withdraw = n.status in ("draft", "returned") and nominate_scope.contains(n.org)  # type: ignore[attr-defined]
    quotas = sel.quotas(c)
    mine = [q.org for q in c.quotas.select_related("org") if q.quota and nominate_scope.contains(q.org)]
    objections = []
    if organiser:
        objections = list(sel.objections(c))
        for o in objections:
            o.label = sel.nominee_label(o.nomination)  # type: ignore[attr-defined]
    units = []
    if organiser and c.status in ("draft", "open"):
        units = sel.campaign_units(c)
    nxt = {"draft": "open", "open": "reviewing", "reviewing": "publicity", "publicity": "closed"}.get(
        c.status
    )
    context = {
        "c": c,
        "organiser": organiser,
        "noms": noms,
        "quotas": quotas,
        "mine": mine,
        "objections": objections,
        "quota_units": units,
        "next_step": (nxt, STEPS[nxt]) if nxt and organiser else None,
        "unit_honour": c.kind in UNIT_KINDS,
    }
    return render(request, T + "detail.html", context)


@staff_required
@require_POST
def honours_step(request, pk):
    c = access_campaign(actor=request.user, id=pk)
    to = request.POST.get("to", "")
    if to not in STEPS:
        messages.error(request, _("Choose a valid action."))
    else:
        run_step(request, svc.campaign_step, _("The campaign's state is changed."), campaign=c, to=to)
    return redirect("staff:honours_detail", pk=c.pk)


@staff_required
@require_POST
def honours_quota(request, pk):
    c = access_campaign(actor=request.user, id=pk)
    org = access_org(actor=request.user, id=request.POST.get("org", ""), cap=Cap.HONOURS_MANAGE)
    quota = _int(request, "quota")
    if quota is not None:
        run_step(request, svc.quota_set, _("The quota is saved."), campaign=c, org=org, quota=quota)
    return redirect("staff:honours_detail", pk=c.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def honours_nominate(request, pk):
    """The nominating union's form: `?unit=` (or the only quota unit in scope) and its members."""
    c = read_campaign(actor=request.user, id=pk)
    scope = scope_for(request.user, Cap.HONOURS_NOMINATE)
    units = [q for q in c.quotas.select_related("org") if q.quota and scope.contains(q.org)]
    if not units:
        raise PermissionDenied(code="permission_denied")
    wanted = request.POST.get("unit") or request.GET.get("unit") or str(units[0].org_id)
    unit = next((q.org for q in units if str(q.org_id) == wanted), None)
    if unit is None:
        raise NotFound()
    if request.method == "POST":
        membership = None
        if c.kind not in UNIT_KINDS and request.POST.get("membership"):
            membership = access_membership(
                actor=request.user, id=request.POST.get("membership"), cap=Cap.HONOURS_NOMINATE
            )
        made = run_step(
            request,
            svc.nomination_create,
            _("The nomination is saved as a draft: submit the union's list when it is complete."),
            campaign=c,
            org=unit,
            membership=membership,
            team_title=request.POST.get("team_title", ""),
            category=request.POST.get("category", ""),
            job_title=request.POST.get("job_title", ""),
            deeds=request.POST.get("deeds", ""),
        )
        if made:
            return redirect("staff:honours_detail", pk=c.pk)
    members = []
    if c.kind not in UNIT_KINDS:
        rows = sel.nominee_members(unit)
        members = [
            (m.pk, f"{mask_name(m.person.name)} · {m.member_no or ''} · {m.org.short_name or m.org.name}")
            for m in rows
        ]
    context = {
        "c": c,
        "unit": unit,
        "nominating_units": [q.org for q in units],
        "members": members,
        "categories": Category.choices,
        "unit_honour": c.kind in UNIT_KINDS,
    }
    return render(request, T + "nominate.html", context)


@staff_required
@require_POST
def honours_submit(request, pk):
    c = read_campaign(actor=request.user, id=pk)
    org = access_org(actor=request.user, id=request.POST.get("unit", ""), cap=Cap.HONOURS_NOMINATE)
    run_step(
        request, svc.nominations_submit, _("The nominations are sent up for review."), campaign=c, org=org
    )
    return redirect("staff:honours_detail", pk=c.pk)


@staff_required
@require_POST
def nomination_review(request, pk):
    n = access_nomination(actor=request.user, id=pk, cap=Cap.HONOURS_MANAGE)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "return", "reject"):
        messages.error(request, _("Choose a valid action."))
    else:
        run_step(
            request,
            svc.nomination_review,
            _("The review is recorded."),
            nomination=n,
            decision=decision,
            note=request.POST.get("note", ""),
        )
    return redirect("staff:honours_detail", pk=n.campaign_id)


@staff_required
@require_POST
def nomination_withdraw(request, pk):
    n = access_nomination(actor=request.user, id=pk, cap=Cap.HONOURS_NOMINATE)
    run_step(request, svc.nomination_withdraw, _("The nomination is withdrawn."), nomination=n)
    return redirect("staff:honours_detail", pk=n.campaign_id)


@staff_required
@require_POST
def objection_decide(request, pk):
    o = access_objection(actor=request.user, id=pk)
    upheld = request.POST.get("upheld", "")
    if upheld not in ("yes", "no"):
        messages.error(request, _("Choose upheld or dismissed."))
    else:
        run_step(
            request,
            svc.objection_decide,
            _("The objection is decided."),
            objection=o,
            upheld=upheld == "yes",
            resolution=request.POST.get("resolution", ""),
        )
    return redirect("staff:honours_detail", pk=o.nomination.campaign_id)


@staff_required
@require_GET
def honours_register(request):
    _require_any(request.user, Cap.HONOURS_MANAGE, Cap.HONOURS_NOMINATE)
    unit = current_unit(request)
    if unit is None:
        raise NotFound()
    awards = list(sel.register(actor=request.user, org=unit)[:1000])
    for a in awards:
        a.label = sel.nominee_label(a)  # type: ignore[attr-defined]
    return render(request, T + "register.html", {"unit": unit, "awards": awards})
