"""Console pages of service menus: the versions a union manages (dispatch.menus on menu.org),
the draft editor (items added, changed, deleted; settings), pausing items of the published
version, publishing, starting a new draft, xlsx export / import; and the grassroots browse page
of the menus a union may order from. Every write goes through dispatch.services.menus."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.dispatch.enums import MenuStatus
from zhijia.dispatch.permissions import access_item, access_menu
from zhijia.dispatch.selectors.menus import menu_items, menu_list, menu_versions, menus_manage_list
from zhijia.dispatch.services import menus as svc
from zhijia.dispatch.xlsx import menu_export, menu_import, menu_template
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.orgs.forms import ImportForm
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from .common import T, require_any, run
from .forms import ItemForm, MenuForm


def _back(menu):
    return redirect("staff:dispatch_menu_detail", pk=menu.pk)


@staff_required
@require_GET
def dispatch_menus(request):
    """The menus of the current unit's subtree, one row per menu with its published version
    and its draft."""
    require_any(request.user, Cap.DISPATCH_MENUS)
    unit = unit_with(request)
    families: dict = {}
    for menu in menus_manage_list(actor=request.user).filter(subtree_q(unit.path, "org__path")):
        row = families.setdefault(menu.family, {"title": menu.title, "org": menu.org, "versions": []})
        row["versions"].append(menu)
        if menu.status == MenuStatus.PUBLISHED:
            row["published"] = menu
        elif menu.status == MenuStatus.DRAFT:
            row["draft"] = menu
    rows = list(families.values())
    for row in rows:
        row["latest"] = row.get("draft") or row.get("published") or row["versions"][0]
    return render(request, T + "menus.html", {"rows": rows, "unit": unit})


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_menu_new(request):
    """A new menu of the current unit (its draft version 1)."""
    require_any(request.user, Cap.DISPATCH_MENUS)
    unit = unit_with(request, Cap.DISPATCH_MENUS)
    form = MenuForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            menu = svc.menu_create(actor=request.user, org=unit, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Menu created. Add its services, then publish it."))
            return _back(menu)
    return render(request, T + "menu_form.html", {"form": form, "org": unit, "menu": None})


@staff_required
@require_GET
def dispatch_menu_detail(request, pk):
    """One version: its items (editable on the draft; pausable on the published version), its
    settings and the family's versions."""
    menu = access_menu(actor=request.user, id=pk)
    context = {
        "menu": menu,
        "items": list(menu_items(menu)),
        "versions": list(menu_versions(menu)),
        "draft": menu.status == MenuStatus.DRAFT,
        "published": menu.status == MenuStatus.PUBLISHED,
        "import_form": ImportForm(),
    }
    return render(request, T + "menu_detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_menu_edit(request, pk):
    """Title, introduction and payer of a draft."""
    menu = access_menu(actor=request.user, id=pk)
    initial = {"title": menu.title, "intro": menu.intro, "payer": menu.payer}
    form = MenuForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.menu_update(actor=request.user, menu=menu, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back(menu)
    return render(request, T + "menu_form.html", {"form": form, "org": menu.org, "menu": menu})


@staff_required
@require_POST
def dispatch_menu_publish(request, pk):
    menu = access_menu(actor=request.user, id=pk)
    run(request, svc.menu_publish, _("Published: grassroots unions can order from it."), menu=menu)
    return _back(menu)


@staff_required
@require_POST
def dispatch_menu_draft(request, pk):
    """Open the family's draft (a copy of this version when there is none)."""
    menu = access_menu(actor=request.user, id=pk)
    draft = run(request, svc.menu_draft, _("This is the draft: change it, then publish it."), menu=menu)
    return _back(draft if draft not in (None, True) else menu)


def _item_page(request, form, menu, item=None):
    return render(request, T + "item_form.html", {"form": form, "menu": menu, "item": item})


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_item_new(request, pk):
    menu = access_menu(actor=request.user, id=pk)
    form = ItemForm(request.POST or None, menu_org=menu.org)
    if request.method == "POST" and form.is_valid():
        try:
            svc.item_save(actor=request.user, menu=menu, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Service added."))
            return _back(menu)
    return _item_page(request, form, menu)


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_item_edit(request, pk):
    item = access_item(actor=request.user, id=pk)
    initial = {name: getattr(item, name) for name in ItemForm.FIELDS}
    form = ItemForm(request.POST or None, initial=initial, menu_org=item.menu.org)
    if request.method == "POST" and form.is_valid():
        try:
            svc.item_save(actor=request.user, menu=item.menu, item=item, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back(item.menu)
    return _item_page(request, form, item.menu, item)


@staff_required
@require_POST
def dispatch_item_delete(request, pk):
    item = access_item(actor=request.user, id=pk)
    run(request, svc.item_delete, _("Service deleted."), item=item)
    return _back(item.menu)


@staff_required
@require_POST
def dispatch_item_pause(request, pk):
    """Pause (?paused=1) or resume an item: nobody can order a paused one."""
    item = access_item(actor=request.user, id=pk)
    paused = request.POST.get("paused") == "1"
    done = _("Paused: it cannot be ordered.") if paused else _("Resumed: it can be ordered again.")
    run(request, svc.item_pause, done, item=item, paused=paused)
    return _back(item.menu)


@staff_required
@require_GET
def dispatch_menu_export(request, pk):
    menu = access_menu(actor=request.user, id=pk)
    return xlsx_response(menu_export(menu), f"menu-v{menu.number}.xlsx")


@staff_required
@require_GET
def dispatch_menu_template(request):
    """An empty menu spreadsheet with the columns explained (nothing to protect)."""
    return xlsx_response(menu_template(), "menu-template.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_menu_import(request, pk):
    """Items from a spreadsheet into the draft (matched by code; re-running updates). Bad rows
    are listed; the good ones are kept."""
    menu = access_menu(actor=request.user, id=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = menu_import(actor=request.user, menu=menu, data=form.cleaned_data["file"].read())
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
    context = {"form": form, "menu": menu, "result": result, "draft": menu.status == MenuStatus.DRAFT}
    return render(request, T + "menu_import.html", context)


@staff_required
@require_GET
def dispatch_menu_browse(request):
    """Grassroots unions: the published menus the current unit may order from."""
    require_any(request.user, Cap.DISPATCH_ORDER)
    unit = unit_with(request)
    menus = list(menu_list(orderable_by=unit))
    return render(request, T + "browse.html", {"menus": menus, "unit": unit})
