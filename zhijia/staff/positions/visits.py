"""Station visits (console): check a visitor in (a scanned member card, or anonymous with the
visitor group), and visits per day and per visitor group. Each visit is also a service record
(positions.services.visit_record writes both)."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError
from zhijia.orgs.access import require_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.positions import services
from zhijia.positions.enums import VisitorGroup
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.permissions import access_position
from zhijia.positions.selectors import position_list, visit_stats
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from .forms import VisitForm

T = "staff/positions/"
STATION_LIMIT = 500
MAX_DAYS = 366


def my_stations(request) -> list:
    """Stations of the current unit's subtree where the user may check visitors in."""
    unit = unit_with(request)
    scope = scope_for(request.user, Cap.POSITIONS_VISITS)
    rows = position_list(actor=request.user, filters={"org": unit.pk})[:STATION_LIMIT]
    return [p for p in rows if scope.contains(p.org)]


def _today() -> date:
    return timezone.now().astimezone(SHANGHAI).date()


def _today_count(user, position) -> int:
    today = _today()
    stats = visit_stats(actor=user, filters={"position": position.pk, "date_from": today, "date_to": today})
    return stats["total"]


@staff_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Check a visitor in at one of my stations; afterwards the form is ready for the next one."""
    require_cap(request.user, Cap.POSITIONS_VISITS)
    stations = my_stations(request)
    chosen = request.POST.get("position") or request.GET.get("position") or ""
    initial = {"position": chosen} if chosen else {}
    form = VisitForm(request.POST or None, stations=stations, initial=initial)
    if request.method == "POST" and form.is_valid():
        position = access_position(
            actor=request.user, id=form.cleaned_data["position"], cap=Cap.POSITIONS_VISITS
        )
        try:
            services.visit_record(
                actor=request.user,
                position=position,
                visitor_group=form.cleaned_data["visitor_group"],
                services=form.cleaned_data["services"],
                card_token=form.cleaned_data["card_token"].strip(),
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Visitor checked in at %(name)s.") % {"name": position.name})
            return redirect(f"{reverse('staff:visit_new')}?position={position.pk}")
    station = next((p for p in stations if str(p.pk) == str(chosen)), stations[0] if stations else None)
    context = {
        "form": form,
        "stations": stations,
        "station": station,
        "today_count": _today_count(request.user, station) if station else None,
    }
    return render(request, T + "visit_new.html", context)


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


def _bars(rows, key=str) -> list[dict]:
    top = max((n for _k, n in rows), default=0) or 1
    return [{"label": key(k), "n": n, "pct": round(100 * n / top)} for k, n in rows]


@staff_required
@require_GET
def visit_stats_view(request):
    """Visits per day and per visitor group, for one station or the current unit's subtree."""
    require_cap(request.user, Cap.POSITIONS_VISITS)
    unit = unit_with(request)
    today = _today()
    date_to = _date(request.GET.get("date_to"), today)
    date_from = _date(request.GET.get("date_from"), date_to - timedelta(days=29))
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    date_from = max(date_from, date_to - timedelta(days=MAX_DAYS - 1))
    stations = my_stations(request)
    chosen = next((p for p in stations if str(p.pk) == request.GET.get("position", "")), None)
    filters = {"date_from": date_from, "date_to": date_to}
    filters.update({"position": chosen.pk} if chosen else {"org": unit.pk})
    stats = visit_stats(actor=request.user, filters=filters)
    groups = dict(VisitorGroup.choices)
    context = {
        "unit": unit,
        "stations": stations,
        "chosen": chosen,
        "date_from": date_from,
        "date_to": date_to,
        "total": stats["total"],
        "by_day": _bars(stats["by_day"], key=lambda d: d.isoformat()),
        "by_group": _bars(stats["by_group"], key=lambda g: str(groups.get(g, g))),
    }
    return render(request, T + "visit_stats.html", context)
