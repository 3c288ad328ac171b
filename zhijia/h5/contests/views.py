"""Competitions on the phone: the contests and their events (public), an event's results once
the chief judge has locked them (names masked), and the worker's own prizes with the
certificate (the PDF of /api/v1/contests/registrations/<id>/certificate.pdf, QR-verifiable).
Entering a contest goes through the worker's union (the console / API registration)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhijia.contests import selectors as sel
from zhijia.contests.permissions import own_awards, public_event
from zhijia.core.masking import mask_name

from ..accounts.decorators import worker_required

T = "h5/contests/"


@never_cache
@require_GET
def contests(request):
    return render(request, T + "list.html", {"contests": list(sel.contest_list()[:100])})


@never_cache
@require_GET
def event_results(request, pk):
    event = public_event(id=pk)
    rows = []
    if event.locked:
        for entry in sel.event_results(event):
            rows.append(
                {
                    "rank": entry.rank,
                    "names": "、".join(mask_name(p.name) for p in entry.people.all()),
                    "unit": entry.unit.name,
                    "total": entry.total,
                    "award": entry.get_award_display() if entry.award else "",
                }
            )
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return render(request, T + "event.html", {"event": event, "rows": rows})


@never_cache
@worker_required
@require_GET
def my_certificates(request):
    return render(request, T + "mine.html", {"entries": list(own_awards(user=request.user))})
