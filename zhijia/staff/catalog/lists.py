"""Console pages for service lists: parse → access check → service/selector → render.

Everything is addressed by id through catalog.permissions (404 outside the user's scope, 403
inside without catalog.manage). The detail page is the draft editor; a published version is
shown read-only, and "Edit" starts a new draft copied from it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.catalog import selectors, services
from zhijia.catalog.enums import VersionStatus
from zhijia.catalog.permissions import access_service_category, access_service_item, access_service_list
from zhijia.catalog.selectors import (
    draft_of,
    position_choices,
    service_list_version,
    service_list_versions,
)
from zhijia.catalog.xlsx import service_list_export_xlsx
from zhijia.core.errors import ApplicationError
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit, unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from .forms import CategoryForm, ItemForm, ServiceListForm

T = "staff/catalog/"


def _back(service_list):
    return redirect("staff:service_list_detail", pk=service_list.pk)


def _run(request, fn, done: str, **kwargs) -> bool:
    """Call a service for a one-button POST; its error becomes a message."""
    try:
        fn(actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, done)
    return True


@staff_required
@require_GET
def service_list_list(request):
    """Lists of the current unit's subtree that the user manages."""
    require_cap(request.user, Cap.CATALOG_MANAGE)
    unit = current_unit(request)
    lists = list(
        selectors.service_list_list(
            actor=request.user, filters={"within": unit, "q": request.GET.get("q", "")[:100]}
        )
    )
    for sl in lists:
        versions = list(sl.versions.all())
        sl.published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        sl.draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    return render(request, T + "list_index.html", {"lists": lists, "unit": unit})


@staff_required
@require_http_methods(["GET", "POST"])
def service_list_new(request):
    org = unit_with(request, Cap.CATALOG_MANAGE, org_id=request.GET.get("org") or request.POST.get("org"))
    form = ServiceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sl = services.service_list_create(actor=request.user, org=org, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Service list created. Add categories and services, then publish."))
            return _back(sl)
    return render(request, T + "list_new.html", {"form": form, "org": org})


def _version_number(request) -> int | None:
    text = request.GET.get("v", "")
    return int(text) if text.isdigit() else None


@staff_required
@require_GET
def service_list_detail(request, pk):
    """The editor of the draft (or a read-only version: the published one, or ?v=<number>)."""
    sl = access_service_list(actor=request.user, id=pk)
    version = service_list_version(service_list=sl, number=_version_number(request))
    editable = version.status == VersionStatus.DRAFT
    context = {
        "sl": sl,
        "version": version,
        "editable": editable,
        "versions": service_list_versions(service_list=sl),
        "settings_form": ServiceListForm(initial={"title": sl.title, "intro": version.intro}),
        "category_form": CategoryForm(),
    }
    return render(request, T + "list_detail.html", context)


@staff_required
@require_POST
def service_list_draft(request, pk):
    """Start (or reopen) the draft: a copy of the published version."""
    sl = access_service_list(actor=request.user, id=pk)
    services.service_list_draft(actor=request.user, service_list=sl)
    return _back(sl)


@staff_required
@require_POST
def service_list_settings(request, pk):
    """Title (not versioned) and the draft's introduction."""
    sl = access_service_list(actor=request.user, id=pk)
    form = ServiceListForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a title."))
        return _back(sl)
    try:
        services.service_list_update(actor=request.user, service_list=sl, title=form.cleaned_data["title"])
        draft = draft_of(sl)
        if draft is not None:
            services.version_update(actor=request.user, version=draft, intro=form.cleaned_data["intro"])
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Changes saved."))
    return _back(sl)


@staff_required
@require_POST
def service_list_publish(request, pk):
    sl = access_service_list(actor=request.user, id=pk)
    _run(request, services.service_list_publish, _("Published."), service_list=sl)
    return _back(sl)


@staff_required
@require_GET
def service_list_export(request, pk):
    """The shown version (?v=<number>, else the draft or the published one) as xlsx."""
    sl = access_service_list(actor=request.user, id=pk)
    version = service_list_version(service_list=sl, number=_version_number(request))
    content = service_list_export_xlsx(actor=request.user, service_list=sl, version=version)
    return xlsx_response(content, f"service-list-v{version.number}.xlsx")


@staff_required
@require_POST
def category_add(request, pk):
    sl = access_service_list(actor=request.user, id=pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        version = draft_of(sl)
        if version is None:
            messages.error(request, _("Edit the list first: a published version cannot be changed."))
        else:
            _run(request, services.category_add, _("Category added."), version=version, **form.cleaned_data)
    else:
        messages.error(request, _("Enter a category name."))
    return _back(sl)


@staff_required
@require_POST
def category_edit(request, pk):
    category = access_service_category(actor=request.user, id=pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        _run(request, services.category_update, _("Changes saved."), category=category, **form.cleaned_data)
    return _back(category.version.service_list)


@staff_required
@require_POST
def category_delete(request, pk):
    category = access_service_category(actor=request.user, id=pk)
    _run(request, services.category_delete, _("Category deleted."), category=category)
    return _back(category.version.service_list)


@staff_required
@require_POST
def category_move(request, pk):
    category = access_service_category(actor=request.user, id=pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    _run(request, services.category_move, _("Order changed."), category=category, direction=direction)
    return _back(category.version.service_list)


def _item_page(request, form, category, item=None):
    context = {"form": form, "category": category, "sl": category.version.service_list, "item": item}
    return render(request, T + "item_form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def item_new(request, pk):
    category = access_service_category(actor=request.user, id=pk)
    form = ItemForm(request.POST or None, positions=position_choices(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=request.user, category=category, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Service added."))
            return _back(category.version.service_list)
    return _item_page(request, form, category)


@staff_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = access_service_item(actor=request.user, id=pk)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS} | {"positions": list(item.positions.all())}
    form = ItemForm(request.POST or None, initial=initial, positions=position_choices(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back(item.category.version.service_list)
    return _item_page(request, form, item.category, item)


@staff_required
@require_POST
def item_delete(request, pk):
    item = access_service_item(actor=request.user, id=pk)
    _run(request, services.item_delete, _("Service deleted."), item=item)
    return _back(item.category.version.service_list)


@staff_required
@require_POST
def item_move(request, pk):
    item = access_service_item(actor=request.user, id=pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    _run(request, services.item_move, _("Order changed."), item=item, direction=direction)
    return _back(item.category.version.service_list)
