"""Console pages of the service network: the list (table or map), detail, new / edit and delete.
parse → access check (positions.permissions) → service / selector → render. Hours, rooms and
photos, spreadsheets and visits live in the sibling modules."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError, PermissionDenied
from zhijia.orgs.access import check, has_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.positions import geo, services
from zhijia.positions.enums import Facility, PositionKind, PositionStatus, VisitorGroup
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.permissions import access_position
from zhijia.positions.selectors import position_list, position_to_dict, visit_stats
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web import positions as display
from zhijia.web.responses import apply_errors, is_htmx

from .forms import PositionForm

PAGE_SIZE = 50
MAP_LIMIT = 1000
T = "staff/positions/"


def require_any(user, *caps) -> None:
    """A page not tied to one object: the user needs one of `caps` somewhere (else 403)."""
    if not any(has_cap(user, cap) for cap in caps):
        raise PermissionDenied()


def list_filters(request, unit) -> dict:
    get = request.GET
    return {
        "q": get.get("q", "").strip()[:100],
        "kind": get.get("kind", "") if get.get("kind") in PositionKind.values else "",
        "status": get.get("status", "") if get.get("status") in PositionStatus.values else "",
        "facility": get.get("facility", "") if get.get("facility") in Facility.values else "",
        "org": unit.pk,
    }


@staff_required
@require_GET
def position_list_view(request):
    """Positions of the current unit's subtree, as a table (paginated) or on a map (?view=map)."""
    require_any(request.user, Cap.POSITIONS_MANAGE, Cap.POSITIONS_VISITS)
    unit = unit_with(request)
    filters = list_filters(request, unit)
    rows = position_list(actor=request.user, filters={k: v for k, v in filters.items() if v})
    view = "map" if request.GET.get("view") == "map" else "table"
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    context = {
        "unit": unit,
        "f": filters,
        "view": view,
        "query": query.urlencode(),
        "kinds": PositionKind.choices,
        "statuses": PositionStatus.choices,
        "facilities": Facility.choices,
        "can_manage": scope_for(request.user, Cap.POSITIONS_MANAGE).contains(unit),
    }
    if view == "map":
        shown = list(rows[:MAP_LIMIT])
        context["count"] = len(shown)
        context["more"] = len(shown) >= MAP_LIMIT
        context["map"] = display.map_config(
            [
                display.marker(p, url=reverse("staff:position_detail", args=[p.pk]), extra=p.address)
                for p in shown
            ]
        )
    else:
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
    template = "_results.html" if is_htmx(request) and view == "table" else "list.html"
    return render(request, T + template, context)


def _visits_summary(user, position) -> dict | None:
    if not scope_for(user, Cap.POSITIONS_VISITS).contains(position.org):
        return None
    today = timezone.now().astimezone(SHANGHAI).date()
    stats = visit_stats(
        actor=user,
        filters={"position": position.pk, "date_from": today - timedelta(days=29), "date_to": today},
    )
    groups = dict(VisitorGroup.choices)
    by_group = [(str(groups.get(g, g)), n) for g, n in stats["by_group"]]
    today_n = sum(n for d, n in stats["by_day"] if d == today)
    return {"total": stats["total"], "today": today_n, "by_group": by_group}


@staff_required
@require_GET
def position_detail(request, pk):
    position = access_position(actor=request.user, id=pk)
    data = position_to_dict(position)
    context = {
        "p": position,
        "d": data,
        "week": display.week_rows(position),
        "exceptions": display.upcoming_exceptions(position, limit=30),
        "facilities": display.facility_items(position.facilities),
        "groups": [str(dict(VisitorGroup.choices).get(g, g)) for g in position.visitor_groups or ()],
        "rooms": list(position.rooms.all()),
        "photos": list(position.photos.all()),
        "visits": _visits_summary(request.user, position),
        "maplinks": display.nav_links(position),
        "map": display.map_config([display.marker(position, url="#", open_now=data.get("open_now"))]),
    }
    return render(request, T + "detail.html", context)


def _hubs(user, exclude=None):
    rows = position_list(actor=user, filters={})
    return [p for p in rows[:500] if exclude is None or p.pk != exclude.pk]


@staff_required
@require_http_methods(["GET", "POST"])
def position_new(request):
    """A new position owned by the current unit (positions.manage there)."""
    unit = unit_with(request)
    check(request.user, Cap.POSITIONS_MANAGE, unit)
    form = PositionForm(request.POST or None, hubs=_hubs(request.user), initial={"datum": "wgs84"})
    if request.method == "POST" and form.is_valid():
        try:
            position = services.position_create(actor=request.user, org=unit, data=form.data_for_service())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Station created. Set its opening hours next."))
            return redirect("staff:position_hours", pk=position.pk)
    return render(request, T + "form.html", {"form": form, "p": None, "unit": unit})


def _initial(position) -> dict:
    return {
        **{
            f: getattr(position, f)
            for f in (
                "kind",
                "name",
                "address",
                "division_code",
                "division_name",
                "phone",
                "description",
                "status",
                "verified",
            )
        },
        "code": position.code or "",
        "lat": round(position.lat, 7),
        "lng": round(position.lng, 7),
        "datum": geo.Datum.WGS84.value,
        "facilities": list(position.facilities or ()),
        "visitor_groups": list(position.visitor_groups or ()),
        "hub_id": str(position.hub_id or ""),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def position_edit(request, pk):
    position = access_position(actor=request.user, id=pk)
    form = PositionForm(
        request.POST or None, hubs=_hubs(request.user, exclude=position), initial=_initial(position)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.position_update(actor=request.user, position=position, data=form.data_for_service())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:position_detail", pk=position.pk)
    return render(request, T + "form.html", {"form": form, "p": position, "unit": position.org})


@staff_required
@require_http_methods(["GET", "POST"])
def position_delete(request, pk):
    """GET asks for confirmation; POST deletes (soft: the finder and sync report it gone)."""
    position = access_position(actor=request.user, id=pk)
    if request.method == "POST":
        try:
            services.position_delete(actor=request.user, position=position)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("staff:position_detail", pk=position.pk)
        messages.success(request, _("Station deleted."))
        return redirect("staff:position_list")
    return render(request, T + "delete.html", {"p": position})
