"""Public H5 pages of activities (no login needed to look): the list with its filter chips,
one activity with its sessions, place, eligibility and enrol buttons, and the iCal download.

Enrol buttons are per holder: "enrol myself" and, for children's activities, one per eligible
child of the logged-in worker. Each button form carries its own idempotency key drawn when the
page rendered, so a double tap or a retried POST returns the first enrolment."""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhijia.activities.enums import ACTIVE, ActivityKind
from zhijia.activities.ical import activity_ical
from zhijia.activities.selectors.activities import (
    activity_public_get,
    activity_public_list,
    eligibility_summary,
)
from zhijia.activities.selectors.enrolments import activity_counts, my_enrolments
from zhijia.members.selectors.joining import active_membership_of_worker
from zhijia.members.services.card import person_of
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import home_area

from . import display
from .eligible import holders
from .forms import FilterForm

T = "h5/activities/"
NEAR_RADIUS_M = 5000


def _filters(form: FilterForm) -> dict:
    """The selector's filters from the chips: this week, near me (5 km), kind, category, children."""
    data = form.cleaned_data if form.is_valid() else {}
    filters: dict = {}
    if data.get("week"):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        filters["from"], filters["to"] = today, today + timedelta(days=7)
    else:
        filters["from"] = timezone.now() - timedelta(days=1)  # what is still to come
    if data.get("kind"):
        filters["kind"] = data["kind"]
    if data.get("category"):
        filters["category"] = data["category"]
    if data.get("children"):
        filters["for_children"] = True
    if data.get("near") and data.get("lat") is not None and data.get("lng") is not None:
        filters["near"] = (data["lat"], data["lng"], NEAR_RADIUS_M)
    return filters


def _card(activity) -> dict:
    return {
        "a": activity,
        "url": reverse("h5:activity_detail", args=[activity.pk]),
        "place": display.place_line(activity),
        "places": display.places_line(activity),
    }


def _home_area(request, form: FilterForm) -> tuple[Org | None, Org | None]:
    """(the member's city, the area shown): a member sees their own city's activities unless
    they ask for all (area=all); the city is the city union above their union
    (orgs.selectors.home_area). (None, None) for everyone else."""
    membership = active_membership_of_worker(actor=request.user)
    if membership is None:
        return None, None
    city = home_area(membership.org)
    wanted = form.cleaned_data.get("area") if form.is_valid() else ""
    return city, (None if wanted == "all" else city)


@require_GET
def activity_list(request):
    """Published activities still to come, filtered by the chips, by date; a member's default is
    their own city (the "area" select widens it); public."""
    form = FilterForm(request.GET or None)
    filters = _filters(form)
    city, area = _home_area(request, form)
    if area is not None:
        filters["org"] = str(area.pk)
    activities = list(activity_public_list(filters=filters))
    categories = sorted({a.category for a in activities if a.category} | {filters.get("category", "")} - {""})
    near = bool(filters.get("near"))
    context = {
        "form": form,
        "values": form.cleaned_data if form.is_valid() else {},
        "cards": [_card(a) for a in activities],
        "kinds": ActivityKind.choices,
        "categories": categories,
        "near": near,
        "near_wanted": request.GET.get("near") == "1" and not near,
        "city": city,
        "area": area,
    }
    return render(request, T + "list.html", context)


@require_GET
def activity_detail(request, pk):
    """One activity: sessions, place (with navigation), online and replay links, eligibility,
    counts, the worker's own enrolments in it, and the enrol buttons."""
    activity = activity_public_get(id=pk)
    sessions = list(activity.sessions.all())
    now = timezone.now()
    for s in sessions:  # a replay link only after the session has ended
        s.replay = s.replay_shown(now)
    person = person_of(request.user) if _is_worker(request.user) else None
    mine = []
    if person is not None:
        mine = [e for e in my_enrolments(user=request.user).filter(activity=activity) if e.status in ACTIVE]
    context = {
        "a": activity,
        "sessions": sessions,
        "place": display.place(activity),
        "eligibility": eligibility_summary(activity) or [_("Open to everyone.")],
        "registration": display.registration(activity),
        "counts": activity_counts(activity),
        "places": display.places_line(activity),
        "is_worker": _is_worker(request.user),
        "person": person,
        "mine": mine,
        "buttons": holders(activity=activity, person=person, sessions=sessions, mine=mine),
        "key": uuid.uuid4().hex,
        "login_url": reverse("h5:login") + "?" + urlencode({"next": request.path + "#enrol"}),
    }
    return render(request, T + "detail.html", context)


@require_GET
def activity_ics(request, pk):
    """The activity's sessions as an iCalendar file (one event per session)."""
    activity = activity_public_get(id=pk)
    url = request.build_absolute_uri(reverse("h5:activity_detail", args=[activity.pk]))
    body = activity_ical([activity], url_for=lambda _a: url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


def _is_worker(user) -> bool:
    from zhijia.accounts.models import UserKind

    return bool(user.is_authenticated and user.kind == UserKind.WORKER)
