"""Console pages of the statistical reports (逐级上报), under /console/stats/reports/: the board of
the current unit (its own report and the units below, late ones marked), one report (figures,
typed-in values with notes, logic checks, what a correction changed) with the steps the viewer
may take, and its xlsx and PDF. The steps call stats.reports.services, as the API does."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.stats.access import access_stats_org
from zhijia.stats.models import ReportStatus
from zhijia.stats.reports.export import report_pdf, report_xlsx
from zhijia.stats.reports.forms import FORMS
from zhijia.stats.reports.selectors import (
    access_report,
    period_default,
    report_board,
    report_diff,
    report_rows,
)
from zhijia.stats.reports.services import (
    EDITABLE,
    report_approve,
    report_correct,
    report_exempt,
    report_open,
    report_return,
    report_save,
    report_submit,
    reviewer_unit,
)
from zhijia.web.responses import xlsx_response

T = "staff/stats/"


def _unit(request):
    return unit_with(request)


@staff_required
@require_GET
def board(request):
    unit = _unit(request)
    form = request.GET.get("form") if request.GET.get("form") in FORMS else "monthly"
    period = request.GET.get("period") or period_default(form)
    try:
        data = report_board(actor=request.user, org=unit, form=form, period=period)
    except ApplicationError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
        data = report_board(actor=request.user, org=unit, form=form, period=period_default(form))
    can_review = scope_for(request.user, Cap.STATS_APPROVE).contains(unit)
    return render(
        request,
        T + "board.html",
        {"unit": unit, "board": data, "forms": FORMS.values(), "form": form, "can_review": can_review},
    )


@staff_required
@require_POST
def open_report(request):
    unit = access_stats_org(actor=request.user, id=request.POST.get("org", ""), cap=Cap.STATS_REPORT)
    form = request.POST.get("form", "monthly")
    try:
        report = report_open(actor=request.user, org=unit, form=form, period=request.POST.get("period", ""))
    except ApplicationError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
        return redirect("staff:stats_reports")
    return redirect("staff:stats_report", pk=report.pk)


@staff_required
@require_POST
def exempt(request):
    unit = access_stats_org(actor=request.user, id=request.POST.get("org", ""))
    try:
        report_exempt(
            actor=request.user,
            org=unit,
            form=request.POST.get("form", ""),
            period=request.POST.get("period", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("%s is exempt for this period.") % unit.display_name)
    except ApplicationError as exc:
        if exc.status not in (400, 409):
            raise
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or "staff:stats_reports")


def _may(request, cap, org) -> bool:
    return scope_for(request.user, cap).contains(org)


@staff_required
@require_GET
def detail(request, pk):
    report = access_report(actor=request.user, id=pk)
    reporter = _may(request, Cap.STATS_REPORT, report.org)
    reviewer = (
        _may(request, Cap.STATS_APPROVE, reviewer_unit(report.org))
        and report.submitted_by_id != request.user.pk
    )
    return render(
        request,
        T + "report.html",
        {
            "report": report,
            "form": FORMS[report.form],
            "rows": report_rows(report),
            "changes": report_diff(report),
            "editable": reporter and report.status in EDITABLE,
            "can_submit": reporter and report.status in EDITABLE,
            "can_review": reviewer and report.status == ReportStatus.SUBMITTED,
            "can_correct": reporter and report.status == ReportStatus.APPROVED,
        },
    )


STEPS = {"save", "submit", "approve", "return", "correct"}


@staff_required
@require_POST
def step(request, pk, report_step):
    step = report_step
    report = access_report(actor=request.user, id=pk)
    if step not in STEPS:
        raise NotFound()
    actor = request.user
    try:
        if step in {"save", "submit"}:
            check(actor, Cap.STATS_REPORT, report.org)
            manual = [f.key for f in FORMS[report.form].fields if f.manual]
            values = {k: request.POST.get(k, "") for k in manual if k in request.POST}
            notes = {k: request.POST.get(f"note_{k}", "") for k in manual if f"note_{k}" in request.POST}
            if values or notes:
                report = report_save(actor=actor, report=report, values=values, notes=notes)
            if step == "submit":
                report = report_submit(actor=actor, report=report)
                messages.success(request, _("The report was submitted."))
            else:
                messages.success(request, _("Saved."))
        elif step == "approve":
            report = report_approve(actor=actor, report=report)
            messages.success(request, _("The report was approved; its figures are locked."))
        elif step == "return":
            report = report_return(actor=actor, report=report, reason=request.POST.get("reason", ""))
            messages.success(request, _("The report was returned."))
        else:
            report = report_correct(actor=actor, report=report)
            messages.success(request, _("A new version was opened for the correction."))
    except ApplicationError as exc:
        if exc.status not in (400, 409):
            raise
        messages.error(request, exc.message)
        for field_messages in exc.fields.values():
            for message in field_messages:
                messages.error(request, message)
    return redirect("staff:stats_report", pk=report.pk)


@staff_required
@require_GET
def download(request, pk, report_format):
    kind = report_format
    report = access_report(actor=request.user, id=pk)
    if kind not in ("pdf", "xlsx"):
        raise NotFound()
    name = f"report-{report.org.division_code or 'unit'}-{report.period}-v{report.version}"
    if kind == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    return xlsx_response(report_xlsx(report), f"{name}.xlsx")
