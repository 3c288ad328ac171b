"""Console pages of the labour registry (一库三台账): the registry of the current unit's subtree,
a person's record, the three dated ledgers with the county-layout export, the sheet import,
jobs with their ranked matches, referrals and funnel, and service teams. Parse → access check
→ labour services / selectors → render; every write goes through zhijia.labour.services."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.audit import audit_log
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.imports import error_report
from zhijia.core.masking import mask_name, mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.labour.enums import FUNNEL, STEP_WORDS, TRANSITIONS, Ledger, ReferralStep
from zhijia.labour.models import RegistryPerson
from zhijia.labour.occupations import occupation_name
from zhijia.labour.permissions import (
    access_assignment,
    access_entry,
    access_job,
    access_labour_import,
    access_referral,
    access_team,
)
from zhijia.labour.selectors import jobs as job_sel
from zhijia.labour.selectors.ledgers import ledger_changes, ledger_count, ledger_pages
from zhijia.labour.selectors.matching import job_matches, open_jobs, person_jobs
from zhijia.labour.selectors.people import entries_by_ids, people_list, person_detail, teams_in
from zhijia.labour.services import jobs as job_svc
from zhijia.labour.services import teams as team_svc
from zhijia.labour.tasks import labour_import_start
from zhijia.labour.xlsx import COLUMNS, LEDGER_TITLES, ledger_export, template_xlsx
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.dispatch.common import may, require_any, run
from zhijia.staff.imports import import_status
from zhijia.staff.units import unit_with
from zhijia.web.counted import Counted
from zhijia.web.responses import apply_errors, xlsx_response

from .forms import AssignmentForm, ImportForm, JobForm, LedgerForm, PeopleFilter, TeamForm, occupation_field

T = "staff/labour/"
PAGE = 50
STEP_FOR = {v: k for k, v in STEP_WORDS.items()}


def _unit(request, cap: str = Cap.LABOUR_VIEW):
    return unit_with(request, cap)  # the console's one "current unit with capability X"


def _show(entry: RegistryPerson) -> RegistryPerson:
    p = entry.person
    entry.shown_name = mask_name(p.name)  # type: ignore[attr-defined]
    entry.shown_id = mask_identity(p.id_type, p.id_number) if p.id_number else ""  # type: ignore[attr-defined]
    entry.shown_phone = mask_phone(p.phone)  # type: ignore[attr-defined]
    return entry


@staff_required
@require_GET
def labour_people(request):
    """The registry of the current unit's subtree, filtered by status, skill and search."""
    unit = _unit(request)
    form = PeopleFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = people_list(
        actor=request.user, org=unit, status=data.get("status"), skill=data.get("skill"), q=data.get("q")
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        _show(entry)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "may_import": may(request.user, Cap.LABOUR_MANAGE, unit),
    }
    return render(request, T + "people.html", context)


@staff_required
@require_GET
def labour_person(request, pk):
    entry = _show(person_detail(access_entry(actor=request.user, id=pk)))
    skills = [(s, occupation_name(s.occupation)) for s in entry.skills.all()]
    jobs = open_jobs(timezone.localdate()).filter(job_sel.visible_jobs_q(request.user))
    matches = person_jobs(entry=entry, jobs=jobs, limit=10)
    return render(request, T + "person.html", {"e": entry, "skills": skills, "jobs": matches})


@staff_required
@require_GET
def labour_ledgers(request):
    """One ledger of the current unit's subtree on a date, and its entries and exits."""
    unit = _unit(request)
    form = LedgerForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    ledger = data.get("ledger") or Ledger.TRANSFER
    on = data.get("date") or timezone.localdate()
    end = data.get("end") or on
    start = data.get("start") or end - dt.timedelta(days=90)
    args = {"actor": request.user, "ledger": ledger, "on": on, "unit": unit}
    size = ledger_count(**args)
    entries = Counted(ledger_pages(**args, size=size), size)
    page = Paginator(entries, PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        _show(entry)
    changes = ledger_changes(actor=request.user, ledger=ledger, start=min(start, end), end=end, unit=unit)
    names = {e.pk: mask_name(e.person.name) for e in entries_by_ids([c.entry_id for c in changes[:200]])}
    context = {
        "unit": unit,
        "form": form,
        "ledger": ledger,
        "title": LEDGER_TITLES[Ledger(ledger)],
        "on": on,
        "page": page,
        "changes": [(c, names.get(c.entry_id, "")) for c in changes[:200]],
        "ledgers": Ledger.choices,
        "start": min(start, end),
        "end": end,
    }
    return render(request, T + "ledgers.html", context)


@staff_required
@require_GET
def labour_crosscheck(request):
    """The quarterly cross-check lists of the current unit's subtree."""
    from zhijia.labour.selectors.crosscheck import disagreements, stale

    unit = _unit(request)
    try:
        days = min(max(int(request.GET.get("days", "90")), 1), 3650)
    except ValueError:
        days = 90
    old = stale(actor=request.user, unit=unit, days=days)
    page = Paginator(old, PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        _show(entry)
    found = disagreements(actor=request.user, unit=unit)
    for d in found:
        _show(d.entry)
    return render(request, T + "crosscheck.html", {"unit": unit, "days": days, "page": page, "found": found})


@staff_required
@require_GET
def labour_ledger_export(request):
    unit = _unit(request)
    form = LedgerForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    ledger = data.get("ledger") or Ledger.TRANSFER
    on = data.get("date") or timezone.localdate()
    content, count = ledger_export(actor=request.user, ledger=ledger, unit=unit, on=on)
    audit_log(
        actor=request.user,
        action="labour.ledger_export",
        obj=unit,
        data={"ledger": ledger, "on": on.isoformat(), "rows": count},
    )
    return xlsx_response(content, f"labour-{ledger}-{on.isoformat()}.xlsx")


@staff_required
@require_GET
def labour_template(request):
    return xlsx_response(template_xlsx(), "labour-registry-template.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def labour_import(request):
    """Upload a registry sheet; it is imported into the current unit's subtree in the background."""
    unit = _unit(request, Cap.LABOUR_MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = labour_import_start(
                actor=request.user, unit=unit, filename=upload.name, source=upload.read()
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("staff:labour_import_status", pk=job.pk)
    return render(request, T + "import.html", {"form": form, "unit": unit})


@staff_required
@require_GET
def labour_import_status(request, pk):
    job = access_labour_import(actor=request.user, id=pk)
    return import_status(
        request,
        job,
        COLUMNS,
        page=T + "import_status.html",
        status_url="staff:labour_import_status",
        report_url="staff:labour_import_report",
    )


@staff_required
@require_GET
def labour_import_report(request, pk):
    job = access_labour_import(actor=request.user, id=pk)
    return xlsx_response(error_report(job, COLUMNS), "labour-import-errors.xlsx")


FUNNEL_LABELS = {
    "registered": _lazy("Registered"),
    "matchable": _lazy("Open to job matching"),
    **{str(s): s.label for s in FUNNEL},
}


@staff_required
@require_http_methods(["GET", "POST"])
def labour_jobs(request):
    """Jobs of the current unit's subtree; POST posts one with the current unit as employer."""
    require_any(request.user, Cap.LABOUR_VIEW)
    unit = _unit(request)
    form = JobForm(request.POST or None)
    if request.method == "POST":
        check(request.user, Cap.LABOUR_MANAGE, unit)
        if form.is_valid():
            try:
                job = job_svc.job_create(actor=request.user, org=unit, data=form.cleaned_data)
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The job is posted."))
                return redirect("staff:labour_job", pk=job.pk)
    jobs = job_sel.job_list(actor=request.user, org=unit)
    context = {
        "unit": unit,
        "form": form,
        "jobs": jobs,
        "may_post": may(request.user, Cap.LABOUR_MANAGE, unit),
        "funnel": [
            (FUNNEL_LABELS.get(code, code), n, code)
            for code, n in job_sel.unit_funnel(actor=request.user, unit=unit)
        ],
    }
    return render(request, T + "jobs.html", context)


@staff_required
@require_GET
def labour_job(request, pk):
    """A job: its funnel, its referrals with their next steps, and (labour.manage) the ranked
    matches to refer from."""
    job = access_job(actor=request.user, id=pk)
    referrals = list(job_sel.referral_list(actor=request.user, job=job))
    for r in referrals:
        r.shown_name = mask_name(r.entry.person.name)  # type: ignore[attr-defined]
        r.next_steps = [
            (STEP_FOR[s], s.label) for s in ReferralStep if s in TRANSITIONS[ReferralStep(r.step)]
        ]  # type: ignore[attr-defined]
    manage = may(request.user, Cap.LABOUR_MANAGE, job.org)
    matches = job_matches(actor=request.user, job=job, limit=30) if manage else []
    for m in matches:
        _show(m.entry)
    funnel = job_sel.funnel(job_sel.referral_list(actor=request.user, job=job))
    stages = [(s.label, funnel[str(s)], str(s)) for s in FUNNEL]
    context = {
        "job": job,
        "referrals": referrals,
        "matches": matches,
        "stages": stages,
        "manage": manage,
        "occupation": occupation_name(job.occupation),
    }
    return render(request, T + "job.html", context)


@staff_required
@require_POST
def labour_refer(request, pk):
    """Refer the people ticked among the matches."""
    job = access_job(actor=request.user, id=pk)
    done = 0
    for entry_id in request.POST.getlist("people")[:50]:
        entry = access_entry(actor=request.user, id=entry_id)
        if run(request, job_svc.referral_create, "", job=job, entry=entry):
            done += 1
    list(messages.get_messages(request))  # one summary instead of one message per person
    if done:
        messages.success(request, _("%(n)d people referred.") % {"n": done})
    else:
        messages.error(request, _("Nobody was referred."))
    return redirect("staff:labour_job", pk=job.pk)


@staff_required
@require_POST
def labour_referral_step(request, pk, referral_step):
    step = referral_step
    referral = access_referral(actor=request.user, id=pk)
    if step not in STEP_WORDS:
        raise NotFound()
    run(
        request,
        job_svc.referral_step,
        _("Saved."),
        referral=referral,
        step=STEP_WORDS[step],
        on=request.POST.get("on") or None,
    )
    return redirect("staff:labour_job", pk=referral.job_id)


@staff_required
@require_http_methods(["GET", "POST"])
def labour_teams(request):
    unit = _unit(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        check(request.user, Cap.LABOUR_MANAGE, unit)
        if form.is_valid():
            try:
                team = team_svc.team_create(actor=request.user, org=unit, **form.cleaned_data)
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The team is set up. Now add people from the registry."))
                return redirect("staff:labour_team", pk=team.pk)
    teams = teams_in(actor=request.user, unit=unit)
    context = {
        "unit": unit,
        "form": form,
        "teams": teams,
        "may_add": may(request.user, Cap.LABOUR_MANAGE, unit),
    }
    return render(request, T + "teams.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def labour_team(request, pk):
    """A team: roster, candidates from the registry by skill (tick to add), assignments and
    attendance."""
    team = access_team(actor=request.user, id=pk)
    manage = may(request.user, Cap.LABOUR_MANAGE, team.org)
    if request.method == "POST":
        team = access_team(actor=request.user, id=pk, cap=Cap.LABOUR_MANAGE)
        entries = [access_entry(actor=request.user, id=i) for i in request.POST.getlist("people")[:100]]
        if entries:
            added = run(request, team_svc.team_members_add, "", team=team, entries=entries)
            if added is not None:
                list(messages.get_messages(request))
                messages.success(
                    request, _("%(n)d people added to the team.") % {"n": added if added is not True else 0}
                )
        return redirect(request.get_full_path())
    skill_field = occupation_field(required=False, label=_("Skill"))
    skill = request.GET.get("skill", "")
    skill = skill if skill in dict(skill_field.choices) else ""
    roster = list(team.members.filter(left_on__isnull=True).select_related("entry__person", "entry__org"))
    for m in roster:
        _show(m.entry)
    on_roster = {m.entry_id for m in roster}
    candidates = []
    if manage and skill:
        candidates = [
            _show(e) for e in people_list(actor=request.user, skill=skill)[:100] if e.pk not in on_roster
        ]
    assignments = list(team.assignments.prefetch_related("attendance").all())
    context = {
        "team": team,
        "manage": manage,
        "roster": roster,
        "candidates": candidates,
        "skill": skill,
        "skill_choices": skill_field.choices,
        "assignments": assignments,
        "form": AssignmentForm(),
        "today": timezone.localdate(),
    }
    return render(request, T + "team.html", context)


@staff_required
@require_POST
def labour_assignment_new(request, pk):
    team = access_team(actor=request.user, id=pk, cap=Cap.LABOUR_MANAGE)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        run(
            request, team_svc.assignment_create, _("The assignment is added."), team=team, **form.cleaned_data
        )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("staff:labour_team", pk=team.pk)


@staff_required
@require_POST
def labour_attendance(request, pk):
    assignment = access_assignment(actor=request.user, id=pk)
    entries = [access_entry(actor=request.user, id=i) for i in request.POST.getlist("people")[:200]]
    run(
        request,
        team_svc.attendance_record,
        _("Work days recorded."),
        assignment=assignment,
        entries=entries,
        on=request.POST.get("day") or None,
    )
    return redirect("staff:labour_team", pk=assignment.team_id)
