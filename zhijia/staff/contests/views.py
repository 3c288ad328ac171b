"""Console pages of competitions (劳动和技能竞赛): the contests the unit organises (and a form for a
new one) with the events the user judges; a contest with its events and marking sheets, a form
for a new event, the start (registration closes), the registrations to confirm and the judges
with their declared conflicts; a judge's marking sheet and the chief judge's lock; the results
(names masked) with the certificates the organiser prints.

Every write is a service of zhijia.contests.services, reached through the same access
functions as /api/v1/contests."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.contests import selectors as sel
from zhijia.contests import services as svc
from zhijia.contests.certificate import certificate_print
from zhijia.contests.enums import AspectKind
from zhijia.contests.permissions import access_contest, access_entry, access_event, event_entry, public_event
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_name
from zhijia.elections.selectors import people_within
from zhijia.honours.selectors import nominee_members
from zhijia.members.enums import SkillLevel
from zhijia.orgs.access import capabilities_of, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_by_id
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit
from zhijia.web.responses import run_step

T = "staff/contests/"
ASPECT_ROWS = 6  # blank rows of the event form; rows left empty are ignored
LEVELS = [(v, label) for v, label in SkillLevel.choices if v in svc.LEVELS]


def _whole(request, name: str, label: str, default: str = "") -> int | None:
    raw = request.POST.get(name, default).strip()
    if not raw.isdigit() or len(raw) > 6:
        messages.error(request, _("%(field)s: enter a whole number.") % {"field": label})
        return None
    return int(raw)


def _member_label(m: Any) -> str:
    return f"{mask_name(m.person.name)} · {m.member_no or ''} · {m.org.short_name or m.org.name}"


def _names(entry: Any) -> str:
    return "、".join(mask_name(p.name) for p in entry.people.all())


@staff_required
@require_http_methods(["GET", "POST"])
def contests_home(request):
    seats = sel.judge_seats(request.user)
    if Cap.CONTESTS_MANAGE not in capabilities_of(request.user) and not seats:
        raise PermissionDenied(code="permission_denied")
    unit = current_unit(request)
    may_run = unit is not None and scope_for(request.user, Cap.CONTESTS_MANAGE).contains(unit)
    if request.method == "POST":
        if unit is None:
            raise NotFound()
        org = access_org(actor=request.user, id=unit.pk, cap=Cap.CONTESTS_MANAGE)
        year = _whole(request, "year", _("Year"))
        if year is not None:
            made = run_step(
                request,
                svc.contest_create,
                _("The contest is open for registration: add its events."),
                org=org,
                title=request.POST.get("title", ""),
                year=year,
            )
            if made:
                return redirect("staff:contest_detail", pk=made.pk)
    context = {
        "unit": unit,
        "may_run": may_run,
        "may_register": Cap.CONTESTS_REGISTER in capabilities_of(request.user),
        "contests": list(sel.contests_organised(actor=request.user)[:200]),
        "seats": seats,
        "form": request.POST,
        "year": timezone.localdate().year,
    }
    return render(request, T + "home.html", context)


@staff_required
@require_GET
def contest_detail(request, pk):
    contest = access_contest(actor=request.user, id=pk)
    events = sel.contest_events(contest)
    for event in events:
        for entry in event.entries.all():
            entry.names = _names(entry)  # type: ignore[attr-defined]
        event.units = sel.judge_units(event) if not event.locked else []  # type: ignore[attr-defined]
    context = {
        "c": contest,
        "events": events,
        "kinds": AspectKind.choices,
        "levels": LEVELS,
        "rows": range(ASPECT_ROWS),
    }
    return render(request, T + "detail.html", context)


@staff_required
@require_POST
def contest_event_new(request, pk):
    contest = access_contest(actor=request.user, id=pk)
    sizes = [
        _whole(request, name, label, default)
        for name, label, default in (
            ("team_size", _("Team size"), "1"),
            ("first", _("First prizes"), "1"),
            ("second", _("Second prizes"), "2"),
            ("third", _("Third prizes"), "3"),
        )
    ]
    aspects = [
        (
            request.POST.get(f"aspect_kind_{i}", ""),
            request.POST.get(f"aspect_title_{i}", ""),
            request.POST.get(f"aspect_points_{i}", ""),
        )
        for i in range(ASPECT_ROWS)
        if request.POST.get(f"aspect_title_{i}", "").strip()
        or request.POST.get(f"aspect_points_{i}", "").strip()
    ]
    if None not in sizes:
        team, first, second, third = (int(n or 0) for n in sizes)
        run_step(
            request,
            svc.event_create,
            _("The event is added with its marking sheet."),
            contest=contest,
            title=request.POST.get("title", ""),
            aspects=aspects,
            team_size=team,
            prizes=(first, second, third),
            skill_level=request.POST.get("skill_level", ""),
        )
    return redirect("staff:contest_detail", pk=contest.pk)


@staff_required
@require_POST
def contest_start(request, pk):
    contest = access_contest(actor=request.user, id=pk)
    run_step(request, svc.contest_start, _("Registration is closed: the judges may mark."), contest=contest)
    return redirect("staff:contest_detail", pk=contest.pk)


@staff_required
@require_POST
def contest_entry_confirm(request, pk):
    entry = access_entry(actor=request.user, id=pk)
    decision = request.POST.get("decision", "")
    if decision not in ("confirm", "withdraw"):
        messages.error(request, _("Choose a valid action."))
    else:
        run_step(
            request,
            svc.entry_confirm,
            _("The registration is decided."),
            entry=entry,
            confirm=decision == "confirm",
        )
    return redirect("staff:contest_detail", pk=entry.event.contest_id)


@staff_required
@require_POST
def contest_judge_add(request, pk):
    event = access_event(actor=request.user, id=pk)
    user = sel.judge_account(request.POST.get("username", "").strip()[:150])
    if user is None:
        messages.error(request, _("Judge's account: no such account."))
        return redirect("staff:contest_detail", pk=event.contest_id)
    unit = org_by_id(request.POST.get("unit", ""))
    conflicts = [org_by_id(i) for i in request.POST.getlist("conflicts")[:50]]
    run_step(
        request,
        svc.judge_add,
        _("The judge is added."),
        event=event,
        user=user,
        unit=unit,
        conflicts=conflicts,
        chief=request.POST.get("chief") == "yes",
    )
    return redirect("staff:contest_detail", pk=event.contest_id)


@staff_required
@require_http_methods(["GET", "POST"])
def contest_marks(request, pk):
    """The acting judge's marking sheet (404 without a judge seat on the event)."""
    event = public_event(id=pk)
    judge = svc.judge_of(user=request.user, event=event)
    aspects = sel.event_aspects(event)
    if request.method == "POST":
        entry = event_entry(event=event, id=request.POST.get("entry", ""))
        given = [(a, v) for a in aspects if (v := request.POST.get(f"mark_{a.pk}", "").strip())]
        try:
            with transaction.atomic():  # an entry's marks are saved together or not at all
                for aspect, value in given:
                    failed = aspect
                    svc.score_record(actor=request.user, entry=entry, aspect=aspect, value=value)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            detail = [str(m) for v in exc.fields.values() for m in v]
            text = " ".join(dict.fromkeys([str(exc.message), *detail]))
            messages.error(request, f"{failed.title}: {text}")
        else:
            if given:
                messages.success(request, _("%(n)d marks saved.") % {"n": len(given)})
        return redirect("staff:contest_marks", pk=event.pk)
    marks = sel.marks_of(judge)
    rows = []
    for entry in sel.event_results(event):
        rows.append(
            {
                "entry": entry,
                "names": _names(entry),
                "conflicted": svc.conflicted(judge, entry),
                "marks": [(a, marks.get((entry.pk, a.pk))) for a in aspects],
            }
        )
    organiser = scope_for(request.user, Cap.CONTESTS_MANAGE).contains(event.contest.org)
    context = {"event": event, "judge": judge, "aspects": aspects, "rows": rows, "organiser": organiser}
    return render(request, T + "marks.html", context)


@staff_required
@require_POST
def contest_lock(request, pk):
    event = public_event(id=pk)
    svc.judge_of(user=request.user, event=event)
    run_step(request, svc.results_lock, _("The results are locked and published."), event=event)
    return redirect("staff:contest_marks", pk=event.pk)


@staff_required
@require_GET
def contest_results(request, pk):
    """The organiser's results: ranks, totals, prizes (names masked) and the certificates."""
    event = access_event(actor=request.user, id=pk)
    rows = []
    for entry in sel.event_results(event):
        people = [(p.pk, mask_name(p.name)) for p in entry.people.all()]
        rows.append({"entry": entry, "people": people, "names": "、".join(n for _pk, n in people)})
    rows.sort(key=lambda r: (r["entry"].rank is None, r["entry"].rank or 0, r["names"]))
    return render(request, T + "results.html", {"event": event, "rows": rows})


@staff_required
@require_GET
def contest_certificate(request, pk, contestant_pk):
    entry = access_entry(actor=request.user, id=pk)
    person = sel.entry_person(entry, contestant_pk)
    if person is None:
        raise NotFound()
    url = request.build_absolute_uri("/api/v1/contests/certificates/verify")
    pdf = certificate_print(actor=request.user, entry=entry, person=person, verify_url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{entry.pk}-{person.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_GET
def contests_register(request):
    """A union's registrations: the contests open to the current unit (organised by it or a
    union above), a form per event with the unit's active members (names masked), and the
    registrations the unit has made."""
    if Cap.CONTESTS_REGISTER not in capabilities_of(request.user):
        raise PermissionDenied(code="permission_denied")
    unit = current_unit(request)
    may = unit is not None and scope_for(request.user, Cap.CONTESTS_REGISTER).contains(unit)
    contests, mine, people = [], [], []
    if may:
        contests = sel.open_to(unit)
        mine = sel.unit_entries(unit)
        for entry in mine:
            entry.names = _names(entry)  # type: ignore[attr-defined]
        people = [(m.person_id, _member_label(m)) for m in nominee_members(unit)]
    context = {"unit": unit, "may": may, "contests": contests, "mine": mine, "people": people}
    return render(request, T + "register.html", context)


@staff_required
@require_POST
def contest_register(request, pk):
    """The union registers an individual or a team for an event (as POST
    /api/v1/contests/events/<id>/registrations: contests.register on the union)."""
    event = public_event(id=pk)
    unit = access_org(actor=request.user, id=request.POST.get("unit", ""), cap=Cap.CONTESTS_REGISTER)
    ids = [parse_uuid(i) for i in request.POST.getlist("people")[:20]]
    people = people_within(unit, list(dict.fromkeys(i for i in ids if i)))
    if not ids or None in ids or len(people) != len(ids):
        messages.error(request, _("Every contestant must be an active member of the registering union."))
    else:
        run_step(
            request,
            svc.entry_register,
            _("The registration is sent: the organiser confirms it."),
            event=event,
            unit=unit,
            people=people,
        )
    return redirect("staff:contests_register")
