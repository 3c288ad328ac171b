"""Console pages for the organisation tree: parse → access check → service/selector → render.

The tree page starts at the console's current unit (the unit switcher); everything else is
addressed by id and goes through orgs.permissions, so a unit outside the user's scope is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError
from zhijia.core.imports import error_report
from zhijia.core.masking import mask_phone
from zhijia.orgs import services
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org, access_org_import
from zhijia.orgs.selectors import org_breadcrumbs, org_list, org_move_targets
from zhijia.orgs.tasks import org_import_start
from zhijia.orgs.xlsx import COLUMNS, org_export_xlsx, template_xlsx
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit, unit_with
from zhijia.web.responses import apply_errors, is_htmx, xlsx_response

from ..imports import import_status
from .forms import ImportForm, MoveForm, OrgForm

SEARCH_LIMIT = 50


@staff_required
@require_GET
def org_list_view(request):
    """The current unit and its children (expandable), or search results with breadcrumbs."""
    unit = unit_with(request, Cap.ORGS_VIEW)
    q = request.GET.get("q", "").strip()[:100]
    context = {"unit": unit, "q": q, "can_manage": scope_for(request.user, Cap.ORGS_MANAGE).contains(unit)}
    if q:
        results = list(org_list(actor=request.user, q=q, within=unit)[: SEARCH_LIMIT + 1])
        context["results"] = results[:SEARCH_LIMIT]
        context["more"] = len(results) > SEARCH_LIMIT
        crumbs = org_breadcrumbs(actor=request.user, orgs=results, within=unit)
        for org in context["results"]:
            org.trail = crumbs[org.pk]
    else:
        context["children"] = org_list(actor=request.user, parent=unit)
    if is_htmx(request) and request.headers.get("HX-Target") == "org-results":
        return render(request, "staff/orgs/_results.html", context)
    return render(request, "staff/orgs/list.html", context)


@staff_required
@require_GET
def org_children(request, pk):
    """HTMX: the children of one unit, as nested tree nodes."""
    org = access_org(actor=request.user, id=pk)
    return render(request, "staff/orgs/_nodes.html", {"nodes": org_list(actor=request.user, parent=org)})


@staff_required
@require_GET
def org_detail(request, pk):
    org = access_org(actor=request.user, id=pk)
    context = {
        "org": org,
        "contact_phone": mask_phone(org.contact_phone),
        "children": org_list(actor=request.user, parent=org),
        "crumbs": org_breadcrumbs(actor=request.user, orgs=[org])[org.pk],
        "can_manage": scope_for(request.user, Cap.ORGS_MANAGE).contains(org),
    }
    return render(request, "staff/orgs/detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def org_create(request):
    """New unit under ?parent=<id> (default: the current unit); orgs.manage on the parent."""
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    parent = (
        access_org(actor=request.user, id=parent_id, write=True)
        if parent_id
        else unit_with(request, Cap.ORGS_MANAGE)
    )
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.changes())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Unit created."))
            return redirect("staff:org_detail", pk=org.pk)
    return render(request, "staff/orgs/form.html", {"form": form, "parent": parent, "org": None})


@staff_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    org = access_org(actor=request.user, id=pk, write=True)
    initial = {
        f: getattr(org, f) for f in ("name", "short_name", "level", "uscc", "division_code", "contact_name")
    }
    form = OrgForm(request.POST or None, initial=initial, masked_phone=mask_phone(org.contact_phone))
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=org, **form.changes())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:org_detail", pk=org.pk)
    return render(request, "staff/orgs/form.html", {"form": form, "parent": org.parent, "org": org})


@staff_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk):
    """Move a unit (with its subtree) under another unit the user manages."""
    org = access_org(actor=request.user, id=pk, write=True)
    targets = org_move_targets(actor=request.user, org=org, within=current_unit(request))
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        new_parent = access_org(actor=request.user, id=form.cleaned_data["parent"].pk, write=True)
        try:
            services.org_move(actor=request.user, org=org, new_parent=new_parent)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Unit moved."))
            return redirect("staff:org_detail", pk=org.pk)
    return render(request, "staff/orgs/move.html", {"form": form, "org": org})


@staff_required
@require_http_methods(["GET", "POST"])
def org_dissolve(request, pk):
    """GET asks for confirmation; POST dissolves."""
    org = access_org(actor=request.user, id=pk, write=True)
    if request.method == "POST":
        try:
            services.org_dissolve(actor=request.user, org=org)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Unit dissolved."))
        return redirect("staff:org_detail", pk=org.pk)
    return render(request, "staff/orgs/dissolve.html", {"org": org})


@staff_required
@require_http_methods(["GET", "POST"])
def org_import(request):
    """Upload a spreadsheet; it is imported into the current unit's subtree in the background."""
    unit = unit_with(request, Cap.ORGS_MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = org_import_start(actor=request.user, unit=unit, filename=upload.name, source=upload.read())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("staff:org_import_status", pk=job.pk)
    return render(request, "staff/orgs/import.html", {"form": form, "unit": unit})


@staff_required
@require_GET
def org_import_status(request, pk):
    job = access_org_import(actor=request.user, id=pk)
    return import_status(
        request,
        job,
        COLUMNS,
        page="staff/orgs/import_status.html",
        status_url="staff:org_import_status",
        report_url="staff:org_import_report",
    )


@staff_required
@require_GET
def org_import_report(request, pk):
    job = access_org_import(actor=request.user, id=pk)
    return xlsx_response(error_report(job, COLUMNS), "org-import-errors.xlsx")


@staff_required
@require_GET
def org_export(request):
    """The current unit's subtree as a re-importable xlsx (audited as org.export)."""
    unit = unit_with(request, Cap.ORGS_VIEW)
    content, _rows = org_export_xlsx(actor=request.user, unit=unit)
    return xlsx_response(content, "orgs.xlsx")


@staff_required
@require_GET
def org_template(request):
    return xlsx_response(template_xlsx(), "org-import-template.xlsx")
