"""Console pages for yearly activity plans: entries grouped by month, outcome recording,
plan-against-actual totals, xlsx export and import. Access through catalog.permissions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.catalog import plans as services
from zhijia.catalog.enums import PlanStatus
from zhijia.catalog.permissions import access_plan, access_plan_entry, access_plan_import
from zhijia.catalog.selectors import (
    entries_by_month,
    plan_list,
    plan_totals,
    plan_with_entries,
    position_choices,
)
from zhijia.catalog.tasks import plan_import_start
from zhijia.catalog.xlsx import PLAN_COLUMNS, plan_export_xlsx, plan_template_xlsx
from zhijia.core.errors import ApplicationError
from zhijia.core.imports import error_report
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.orgs.forms import ImportForm
from zhijia.staff.units import current_unit, unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from ..imports import import_status
from .forms import EntryForm, OutcomeForm, PlanForm
from .lists import _run

T = "staff/catalog/"


def _back(plan):
    return redirect("staff:plan_detail", pk=plan.pk)


@staff_required
@require_GET
def plan_list_view(request):
    require_cap(request.user, Cap.CATALOG_MANAGE)
    unit = current_unit(request)
    plans = list(plan_list(actor=request.user, filters={"within": unit}))
    for plan in plans:
        plan.totals = plan_totals(list(plan.entries.all()))
    return render(request, T + "plan_index.html", {"plans": plans, "unit": unit})


@staff_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    org = unit_with(request, Cap.CATALOG_MANAGE, org_id=request.GET.get("org") or request.POST.get("org"))
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, org=org, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Plan created. Add entries, or import them, then publish."))
            return _back(plan)
    return render(request, T + "plan_new.html", {"form": form, "org": org})


@staff_required
@require_GET
def plan_detail(request, pk):
    plan = plan_with_entries(plan=access_plan(actor=request.user, id=pk))
    entries = list(plan.entries.all())
    context = {
        "plan": plan,
        "months": entries_by_month(entries, year=plan.year),
        "totals": plan_totals(entries),
        "draft": plan.status == PlanStatus.DRAFT,
    }
    return render(request, T + "plan_detail.html", context)


@staff_required
@require_POST
def plan_publish(request, pk):
    plan = access_plan(actor=request.user, id=pk)
    _run(request, services.plan_publish, _("Published."), plan=plan)
    return _back(plan)


@staff_required
@require_GET
def plan_export(request, pk):
    plan = access_plan(actor=request.user, id=pk)
    return xlsx_response(plan_export_xlsx(actor=request.user, plan=plan), f"activity-plan-{plan.year}.xlsx")


def _entry_form(request, **kwargs):
    return EntryForm(request.POST or None, positions=position_choices(actor=request.user), **kwargs)


@staff_required
@require_http_methods(["GET", "POST"])
def plan_entry_new(request, pk):
    plan = access_plan(actor=request.user, id=pk)
    form = _entry_form(request, initial={"month": request.GET.get("month") or 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_entry_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Entry added."))
            return _back(plan)
    return render(request, T + "entry_form.html", {"form": form, "plan": plan, "entry": None})


@staff_required
@require_http_methods(["GET", "POST"])
def plan_entry_edit(request, pk):
    entry = access_plan_entry(actor=request.user, id=pk)
    fields = (
        "month",
        "title",
        "category",
        "position",
        "audience",
        "planned_times",
        "planned_participants",
        "note",
    )
    form = _entry_form(request, initial={f: getattr(entry, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back(entry.plan)
    return render(request, T + "entry_form.html", {"form": form, "plan": entry.plan, "entry": entry})


@staff_required
@require_POST
def plan_entry_delete(request, pk):
    entry = access_plan_entry(actor=request.user, id=pk)
    _run(request, services.plan_entry_delete, _("Entry deleted."), entry=entry)
    return _back(entry.plan)


@staff_required
@require_POST
def plan_entry_cancel(request, pk):
    entry = access_plan_entry(actor=request.user, id=pk)
    _run(request, services.plan_entry_cancel, _("Entry cancelled."), entry=entry)
    return _back(entry.plan)


@staff_required
@require_http_methods(["GET", "POST"])
def plan_entry_outcome(request, pk):
    """Record by hand what was held (until activities are run in Zhijia)."""
    entry = access_plan_entry(actor=request.user, id=pk)
    initial = {
        "held_times": entry.held_times or entry.planned_times,
        "participants": entry.participants,
        "note": entry.note,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_entry_record(actor=request.user, entry=entry, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return _back(entry.plan)
    return render(request, T + "entry_outcome.html", {"form": form, "entry": entry, "plan": entry.plan})


@staff_required
@require_http_methods(["GET", "POST"])
def plan_import(request, pk):
    """Upload entries; they are added to the draft plan in the background (same month and title
    update the entry instead of adding one)."""
    plan = access_plan(actor=request.user, id=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and plan.status != PlanStatus.DRAFT:
        form.add_error(None, _("The plan is published: its planned entries are fixed."))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = plan_import_start(actor=request.user, plan=plan, filename=upload.name, source=upload.read())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("staff:plan_import_status", pk=job.pk)
    return render(request, T + "plan_import.html", {"form": form, "plan": plan})


@staff_required
@require_GET
def plan_import_status(request, pk):
    job = access_plan_import(actor=request.user, id=pk)
    return import_status(
        request,
        job,
        PLAN_COLUMNS,
        page=T + "plan_import_status.html",
        status_url="staff:plan_import_status",
        report_url="staff:plan_import_report",
    )


@staff_required
@require_GET
def plan_import_report(request, pk):
    job = access_plan_import(actor=request.user, id=pk)
    return xlsx_response(error_report(job, PLAN_COLUMNS), "plan-import-errors.xlsx")


@staff_required
@require_GET
def plan_template(request):
    return xlsx_response(plan_template_xlsx(), "activity-plan-template.xlsx")
