"""A station keeper's "today" page (console, made for a phone): for each of my stations in the
current unit, today's activity sessions held there (with the check-in screen when I may open
it, and how many have checked in), today's visits, and the way to check the next visitor in."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhijia.activities.selectors.activities import sessions_at_positions
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.positions.selectors import visit_list
from zhijia.staff.decorators import staff_required

from .visits import _today, my_stations

RECENT = 5


@staff_required
@never_cache
@require_GET
def station_today(request):
    require_cap(request.user, Cap.POSITIONS_VISITS)
    today = _today()
    stations = my_stations(request)
    sessions = sessions_at_positions(actor=request.user, positions=stations, day=today)
    blocks = []
    for station in stations:
        visits = visit_list(
            actor=request.user, filters={"position": station.pk, "date_from": today, "date_to": today}
        )
        blocks.append(
            {
                "station": station,
                "sessions": [s for s in sessions if s.activity.position_id == station.pk],
                "visit_count": visits.count(),
                "recent": list(visits[:RECENT]),
            }
        )
    return render(request, "staff/positions/today.html", {"blocks": blocks, "today": today})
