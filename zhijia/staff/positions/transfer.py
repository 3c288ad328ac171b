"""Spreadsheets of the service network (console): import into the current unit (background job,
shared status page), export of the current unit's subtree, the empty template, and the POI files
高德 / 百度 take for bulk upload."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError
from zhijia.core.imports import error_report
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.positions.permissions import access_position_import
from zhijia.positions.poi import poi_export
from zhijia.positions.selectors import position_list
from zhijia.positions.tasks import positions_import_start
from zhijia.positions.xlsx import COLUMNS, positions_export, positions_template
from zhijia.staff.decorators import staff_required
from zhijia.staff.imports import import_status
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from .forms import ImportForm
from .views import require_any

T = "staff/positions/"


def _subtree(request):
    unit = unit_with(request)
    return unit, position_list(actor=request.user, filters={"org": unit.pk})


@staff_required
@require_http_methods(["GET", "POST"])
def position_import(request):
    """Upload a spreadsheet; rows become positions of the current unit (updated by station code,
    else by unit + name), in the background."""
    unit = unit_with(request)
    check(request.user, Cap.POSITIONS_MANAGE, unit)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = positions_import_start(
                actor=request.user, unit=unit, filename=upload.name, source=upload.read()
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("staff:position_import_status", pk=job.pk)
    return render(request, T + "import.html", {"form": form, "unit": unit})


@staff_required
@require_GET
def position_import_status(request, pk):
    job = access_position_import(actor=request.user, id=pk)
    return import_status(
        request,
        job,
        COLUMNS,
        page=T + "import_status.html",
        status_url="staff:position_import_status",
        report_url="staff:position_import_report",
    )


@staff_required
@require_GET
def position_import_report(request, pk):
    job = access_position_import(actor=request.user, id=pk)
    return xlsx_response(error_report(job, COLUMNS), "position-import-errors.xlsx")


@staff_required
@require_GET
def position_export(request):
    """The positions of the current unit's subtree as a re-importable xlsx."""
    require_any(request.user, Cap.POSITIONS_MANAGE, Cap.POSITIONS_VISITS)
    _unit, rows = _subtree(request)
    return xlsx_response(positions_export(rows), "positions.xlsx")


@staff_required
@require_GET
def position_template(request):
    return xlsx_response(positions_template(), "positions-template.xlsx")


@staff_required
@require_GET
def position_poi(request):
    """?platform=amap|baidu&fmt=csv|xlsx — the columns of the platform's bulk POI upload, in its datum."""
    require_any(request.user, Cap.POSITIONS_MANAGE, Cap.POSITIONS_VISITS)
    platform = request.GET.get("platform") if request.GET.get("platform") in {"amap", "baidu"} else "amap"
    fmt = request.GET.get("fmt") if request.GET.get("fmt") in {"csv", "xlsx"} else "xlsx"
    _unit, rows = _subtree(request)
    content = poi_export(rows, platform=platform, fmt=fmt)
    if fmt == "xlsx":
        return xlsx_response(content, f"poi-{platform}.xlsx")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poi-{platform}.csv"'
    response["Cache-Control"] = "no-store"
    return response
