"""Console pages for member ledgers: parse → access check → service/selector → render.

Imports and the masked export work on the console's current unit (the unit switcher); import
jobs and export requests are addressed by id and checked through the members access helpers,
so one outside the user's scope is a 404.
"""

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.imports import error_report
from zhijia.members.ledgers.columns import COLUMNS, template_xlsx
from zhijia.members.models import ExportStatus
from zhijia.members.selectors.ledgers import (
    access_export_request_any,
    access_member_import,
    export_request_list,
)
from zhijia.members.services import ledgers as services
from zhijia.members.tasks import member_export_full, member_export_masked, member_import_start
from zhijia.orgs.access import has_cap
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors, is_htmx, xlsx_response

from ..imports import import_status
from .forms_ledgers import ExportRequestForm, LedgerImportForm

EXPORT_TOKENS = "zhijia_member_exports"  # session key: tokens of this user's background exports


@staff_required
@require_GET
def member_template(request):
    """The empty 会员登记表 (no data: any staff account may download it)."""
    return xlsx_response(template_xlsx(), "member-ledger-template.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def member_import(request):
    """Upload a ledger; it is imported into the current unit's subtree in the background."""
    unit = unit_with(request, Cap.MEMBERS_IMPORT)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = member_import_start(
                actor=request.user,
                unit=unit,
                filename=upload.name,
                source=upload.read(),
                consent_basis=form.cleaned_data["consent_basis"],
                notice_version=form.cleaned_data["notice_version"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("staff:member_import_status", pk=job.pk)
    return render(request, "staff/members/ledgers/import.html", {"form": form, "unit": unit})


@staff_required
@require_GET
def member_import_status(request, pk):
    job = access_member_import(actor=request.user, id=pk)
    return import_status(
        request,
        job,
        COLUMNS,
        page="staff/members/ledgers/import_status.html",
        status_url="staff:member_import_status",
        report_url="staff:member_import_report",
    )


@staff_required
@require_GET
def member_import_report(request, pk):
    job = access_member_import(actor=request.user, id=pk)
    return xlsx_response(error_report(job, COLUMNS), "member-import-errors.xlsx")


@staff_required
@require_GET
def member_export(request):
    """The current unit's members, masked (audited as member.export). Up to
    EXPORT_INLINE_LIMIT rows are written here; a larger export runs as a task and this page
    polls for it (?token=…), then hands the file out once (&download=1)."""
    unit = unit_with(request, Cap.MEMBERS_EXPORT)
    token = request.GET.get("token", "")
    if token:
        return _background_export(request, token)
    if services.export_size(actor=request.user, unit=unit) <= services.EXPORT_INLINE_LIMIT:
        content, _rows = services.member_export_xlsx(actor=request.user, unit=unit)
        return xlsx_response(content, "members.xlsx")
    token = services.new_export_token()
    request.session[EXPORT_TOKENS] = [*request.session.get(EXPORT_TOKENS, [])[-9:], token]
    user_id, unit_id = str(request.user.pk), str(unit.pk)
    transaction.on_commit(lambda: member_export_masked.delay(user_id, unit_id, token))
    return redirect(f"{request.path}?token={token}")


def _background_export(request, token: str):
    if token not in request.session.get(EXPORT_TOKENS, []):
        raise NotFound()
    name = services.masked_export_name(token)
    if request.GET.get("download"):
        content = services.stored_export_take(name)
        if content is None:
            raise NotFound()
        request.session[EXPORT_TOKENS] = [t for t in request.session[EXPORT_TOKENS] if t != token]
        return xlsx_response(content, "members.xlsx")
    context = {"token": token, "ready": services.stored_export_ready(name)}
    template = "_export_wait.html" if is_htmx(request) else "export_wait.html"
    return render(request, f"staff/members/ledgers/{template}", context)


@staff_required
@require_GET
def export_request_list_view(request):
    if not (has_cap(request.user, Cap.MEMBERS_EXPORT) or has_cap(request.user, Cap.MEMBERS_EXPORT_APPROVE)):
        raise PermissionDenied()
    requests = export_request_list(actor=request.user)[:200]
    return render(request, "staff/members/ledgers/request_list.html", {"requests": requests})


@staff_required
@require_http_methods(["GET", "POST"])
def export_request_create(request):
    """Ask for a full export of the current unit's members (purpose required)."""
    unit = unit_with(request, Cap.MEMBERS_EXPORT)
    form = ExportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = services.export_request_create(
                actor=request.user, unit=unit, purpose=form.cleaned_data["purpose"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Request sent for approval."))
            return redirect("staff:export_request_detail", pk=export.pk)
    return render(request, "staff/members/ledgers/request_form.html", {"form": form, "unit": unit})


@staff_required
@require_http_methods(["GET", "POST"])
def export_request_detail(request, pk):
    """The request; POST decision=approve|reject by an approver other than the requester."""
    export = access_export_request_any(actor=request.user, id=pk)
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            services.export_request_decide(
                actor=request.user, request=export, approve=approve, reason=request.POST.get("reason", "")
            )
        except ApplicationError as exc:
            if exc.status in (403, 404):  # denials (incl. self_approval) answer with their status
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Request approved.") if approve else _("Request rejected."))
        return redirect("staff:export_request_detail", pk=export.pk)
    scope_ok = has_cap(request.user, Cap.MEMBERS_EXPORT_APPROVE)
    context = {
        "export": export,
        "can_decide": scope_ok
        and export.status == ExportStatus.PENDING
        and export.requested_by_id != request.user.pk,
        "can_download": export.status == ExportStatus.APPROVED and export.requested_by_id == request.user.pk,
    }
    return render(request, "staff/members/ledgers/request_detail.html", context)


@staff_required
@require_GET
def export_request_download(request, pk):
    """The full export, once, for the requester after approval (audited member.export_full)."""
    export = access_export_request_any(actor=request.user, id=pk)
    result = services.export_request_download(actor=request.user, request=export)
    if result is None:  # large: built by a task, this page refreshes until the file is ready
        if cache.add(f"member-export-full:{export.pk}", 1, 300):  # rebuilt if it expired unfetched
            export_id = str(export.pk)
            transaction.on_commit(lambda: member_export_full.delay(export_id))
        return render(request, "staff/members/ledgers/export_wait.html", {"export": export, "ready": False})
    content, _rows = result
    return xlsx_response(content, "members-full.xlsx", reveal=True)
