"""Console pages of congresses and elections: the congresses of the current unit's subtree (and
results waiting for this union's approval, committees whose term ends soon), a congress (seats
allotted by size, delegates and their presence, its elections), an election (candidates, the
vote's steps, paper ballots and the tellers' entries, the result or why it is not valid, 报批
and the upper union's decision). Writes through elections.services; refusals become messages."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_name
from zhijia.elections import selectors as sel
from zhijia.elections.enums import CommitteeKind, ElectionStatus
from zhijia.elections.pdf import result_pdf
from zhijia.elections.permissions import access_congress, access_delegate, access_election
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import congress as csvc
from zhijia.elections.services import election as esvc
from zhijia.elections.services.congress import committees_due
from zhijia.orgs.access import capabilities_of, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import run_step

T = "staff/elections/"


def _require_any(user: Any, *caps: str) -> None:
    held = capabilities_of(user)
    if not any(c in held for c in caps):
        raise PermissionDenied(code="permission_denied")


_run = run_step  # one console step runner (zhijia.web.responses)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@staff_required
@require_http_methods(["GET", "POST"])
def elections_home(request):
    _require_any(request.user, Cap.ELECTIONS_MANAGE, Cap.ELECTIONS_APPROVE)
    unit = unit_with(request)
    if request.method == "POST":
        org = access_org(actor=request.user, id=unit.pk, cap=Cap.ELECTIONS_MANAGE)
        held_on = _date(request.POST.get("held_on", ""))
        if held_on is None:
            messages.error(request, _("Enter a valid date."))
        else:
            congress = _run(
                request,
                csvc.congress_create,
                _("The congress is being prepared: allot the delegate seats next."),
                org=org,
                title=request.POST.get("title", ""),
                held_on=held_on,
                seats=request.POST.get("seats", ""),
            )
            if congress:
                return redirect("staff:elections_congress", pk=congress.pk)
    within = subtree_q(unit.path, "org__path")
    context = {
        "unit": unit,
        "congresses": sel.congress_list(actor=request.user).filter(within),
        "pending": sel.approvals_pending(actor=request.user),
        "due": committees_due().filter(scope_for(request.user, Cap.ELECTIONS_MANAGE).q("org")),
    }
    return render(request, T + "home.html", context)


@staff_required
@require_GET
def congress_detail(request, pk):
    congress = access_congress(actor=request.user, id=pk)
    people = sel.members_for(congress.org)
    delegates = sel.congress_delegates(congress)
    for d in delegates:
        d.masked = mask_name(d.person.name)
    seated = {d.person_id for d in delegates}
    context = {
        "c": congress,
        "allotments": sel.congress_allotments(congress),
        "delegates": delegates,
        "present": sum(d.present for d in delegates),
        "elections": sel.congress_elections(congress),
        "people": [(p.pk, mask_name(p.name), p.pk in seated) for p in people],
        "kinds": CommitteeKind.choices,
    }
    return render(request, T + "congress.html", context)


@staff_required
@require_POST
def congress_step(request, pk):
    congress = access_congress(actor=request.user, id=pk)
    action = request.POST.get("action", "")
    if action == "allot":
        _run(request, csvc.congress_allot, _("The seats are allotted by size."), congress=congress)
    elif action in ("in_session", "closed"):
        _run(
            request,
            csvc.congress_advance,
            _("The congress's state is changed."),
            congress=congress,
            to=action,
        )
    else:
        messages.error(request, _("Choose a valid action."))
    return redirect("staff:elections_congress", pk=congress.pk)


@staff_required
@require_POST
def congress_delegate_add(request, pk):
    congress = access_congress(actor=request.user, id=pk)
    unit_id, person_id = parse_uuid(request.POST.get("unit")), parse_uuid(request.POST.get("person"))
    allotment = next((a for a in sel.congress_allotments(congress) if a.unit_id == unit_id), None)
    people = sel.people_within(allotment.unit, [person_id]) if allotment and person_id else []
    if not people:
        messages.error(request, _("Choose a unit with seats and an active member of it."))
    else:
        _run(
            request,
            csvc.delegate_add,
            _("The delegate is seated."),
            congress=congress,
            unit=allotment.unit,
            person=people[0],
        )
    return redirect("staff:elections_congress", pk=congress.pk)


@staff_required
@require_POST
def delegate_presence(request, pk):
    delegate = access_delegate(actor=request.user, id=pk)
    present = request.POST.get("present") == "1"
    _run(request, csvc.delegate_presence, _("Presence recorded."), delegate=delegate, present=present)
    return redirect("staff:elections_congress", pk=delegate.congress_id)


@staff_required
@require_POST
def election_new(request, pk):
    congress = access_congress(actor=request.user, id=pk)
    ids = [i for i in (parse_uuid(v) for v in request.POST.getlist("candidates")) if i]
    people = sel.people_within(congress.org, ids)
    if len(people) != len(ids):
        messages.error(request, _("Every candidate must be an active member of this union."))
        return redirect("staff:elections_congress", pk=congress.pk)
    election = _run(
        request,
        esvc.election_create,
        _("The candidate list is ready."),
        congress=congress,
        kind=request.POST.get("kind", ""),
        title=request.POST.get("title", ""),
        seats=request.POST.get("seats", ""),
        margin=request.POST.get("margin", "") or "0.05",
        people=people,
    )
    if election:
        return redirect("staff:elections_election", pk=election.pk)
    return redirect("staff:elections_congress", pk=congress.pk)


def _may_decide(user: Any, election: Any) -> bool:
    parent = election.congress.org.parent
    return parent is not None and scope_for(user, Cap.ELECTIONS_APPROVE).contains(parent)


def _election(request, pk):
    """The election for its union's staff (elections.manage) or for the upper union deciding."""
    try:
        return access_election(actor=request.user, id=pk)
    except (NotFound, PermissionDenied):
        return access_election(actor=request.user, id=pk, cap=Cap.ELECTIONS_APPROVE)


@staff_required
@require_GET
def election_detail(request, pk):
    election = _election(request, pk)
    candidates = sel.election_candidates(election)
    result, refusal = None, ""
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.OPEN):
        try:
            result = sel.election_result(election)
        except ApplicationError as exc:
            refusal = str(exc.message)
    delegates = sel.congress_delegates(election.congress)
    for d in delegates:
        d.masked = mask_name(d.person.name)
        d.voted = sel.has_voted(election, d)
    context = {
        "e": election,
        "candidates": [(i + 1, mask_name(c.person.name)) for i, c in enumerate(candidates)],
        "result": result,
        "refusal": refusal,
        "voted": sel.voted_count(election),
        "delegates": delegates,
        "manage": scope_for(request.user, Cap.ELECTIONS_MANAGE).contains(election.congress.org),
        "teller": scope_for(request.user, Cap.ELECTIONS_TELLER).contains(election.congress.org),
        "decide": _may_decide(request.user, election) and election.status == ElectionStatus.SUBMITTED,
    }
    return render(request, T + "election.html", context)


@staff_required
@require_POST
def election_step(request, pk):
    election = access_election(actor=request.user, id=pk)
    action = request.POST.get("action", "")
    steps = {
        "open": (esvc.election_open, _("Voting is open.")),
        "close": (esvc.election_close, _("Voting is closed and the ballots are counted.")),
        "submit": (esvc.election_submit, _("The result is sent to the upper union for approval.")),
        "runoff": (esvc.runoff_create, _("The run-off is ready.")),
    }
    if action not in steps:
        messages.error(request, _("Choose a valid action."))
        return redirect("staff:elections_election", pk=election.pk)
    fn, done = steps[action]
    made = _run(request, fn, done, election=election)
    if action == "runoff" and made:
        return redirect("staff:elections_election", pk=made.pk)
    return redirect("staff:elections_election", pk=election.pk)


@staff_required
@require_POST
def election_paper(request, pk):
    election = access_election(actor=request.user, id=pk)
    wanted = parse_uuid(request.POST.get("delegate"))
    delegate = next((d for d in sel.congress_delegates(election.congress) if d.pk == wanted), None)
    if delegate is None:
        messages.error(request, _("Choose a delegate."))
    else:
        _run(
            request,
            bsvc.paper_issue,
            _("A paper ballot is handed out."),
            election=election,
            delegate=delegate,
        )
    return redirect("staff:elections_election", pk=election.pk)


def parse_paper(text: str, keys: list[str]) -> list[list[str]] | None:
    """One line per paper ballot: the candidates' numbers on the list (1, 2 …) separated by
    spaces or commas; "-" for a blank ballot. None when a line cannot be read."""
    ballots = []
    for line in text.replace("，", ",").splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "-":
            ballots.append([])
            continue
        numbers = line.replace(",", " ").split()
        if not all(n.isdigit() and 1 <= int(n) <= len(keys) for n in numbers):
            return None
        ballots.append([keys[int(n) - 1] for n in numbers])
    return ballots


@staff_required
@require_POST
def election_teller(request, pk):
    election = access_election(actor=request.user, id=pk, cap=Cap.ELECTIONS_TELLER)
    keys = [str(c.pk) for c in sel.election_candidates(election)]
    ballots = parse_paper(request.POST.get("ballots", "")[:100000], keys)
    if ballots is None:
        messages.error(
            request, _("Each line lists the candidates' numbers on the list, or - for a blank ballot.")
        )
    else:
        outcome = _run(
            request, bsvc.teller_enter, _("Your entry is saved."), election=election, ballots=ballots
        )
        if outcome and outcome["status"] == "accepted":
            messages.success(request, _("Both tellers agree: the paper ballots are stored."))
    return redirect("staff:elections_election", pk=election.pk)


@staff_required
@require_POST
def election_decide(request, pk):
    election = access_election(actor=request.user, id=pk, cap=Cap.ELECTIONS_APPROVE)
    approve = request.POST.get("decision") == "approve"
    _run(
        request,
        esvc.election_decide,
        _("The result is approved.") if approve else _("The result is returned."),
        election=election,
        approve=approve,
        note=request.POST.get("note", ""),
    )
    return redirect("staff:elections_election", pk=election.pk)


@staff_required
@require_GET
def election_pdf(request, pk):
    election = _election(request, pk)
    result = sel.election_result(election)
    body = result_pdf(result=result, union=election.congress.org.name, congress=election.congress.title)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}.pdf"'
    return response
