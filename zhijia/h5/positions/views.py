"""Public H5 pages of the service network (no login: riders may have no account).

`nearby` is the "附近驿站" finder: the list is rendered on the server from
positions.selectors.positions_nearby, so it works without JavaScript once the coordinates are in
the URL; a small script asks the browser for its position (WGS-84) and reloads with it.
`station` shows one station; `station_feedback` takes anonymous, rate-limited feedback."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.errors import ApplicationError, RateLimited
from zhijia.positions import geo
from zhijia.positions.enums import Facility, PositionKind, PositionStatus
from zhijia.positions.selectors import position_public_get, position_to_dict, positions_nearby
from zhijia.positions.services import feedback_submit
from zhijia.web import positions as display

RADII = (1000, 3000, 5000, 10000, 20000, 50000)
T = "h5/positions/"


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


def _filters(request) -> dict:
    get = request.GET
    kind = get.get("type", "")
    facilities = [f for f in get.getlist("facility") for f in f.split(",") if f in Facility.values]
    return {
        "type": kind if kind in PositionKind.values else "",
        "facility": list(dict.fromkeys(facilities)),
        "open_now": get.get("open_now") in {"1", "true", "on"},
        "radius_m": get.get("radius_m", ""),
    }


def _search(request, filters: dict) -> tuple[list, str, tuple[float, float] | None]:
    """(items, error message, the searched point in WGS-84) — a bad query is a message, never a 500."""
    lat, lng = request.GET.get("lat"), request.GET.get("lng")
    try:
        datum = geo.parse_datum(request.GET.get("datum"))
        point = geo.to_wgs84(*geo.validate_point(lat, lng), datum)
        found = positions_nearby(
            lat=point[0],
            lng=point[1],
            datum="wgs84",
            radius_m=filters["radius_m"] or None,
            kind=filters["type"] or None,
            facilities=filters["facility"],
            open_now=filters["open_now"],
        )
    except geo.GeoError as exc:
        return [], exc.message, None
    except ApplicationError as exc:
        fields = [str(m) for msgs in exc.fields.values() for m in msgs]
        return [], " ".join(fields) or str(exc.message), None
    return found, "", point


def _item(found) -> dict:
    p = found.position
    return {
        "p": p,
        "url": reverse("h5:station", args=[p.pk]),
        "distance": _distance(found.distance_m),
        "open_now": found.open_now,
        "next_change": found.next_change,
        "status_label": p.get_status_display() if p.status != PositionStatus.OPEN else "",
        "today": display.hours_today(p),
        "facilities": display.facility_items(p.facilities),
        "nav": display.nav_links(p),
    }


def _distance(metres: float) -> str:
    if metres < 1000:
        return _("%(m)d m") % {"m": round(metres)}
    return _("%(km).1f km") % {"km": metres / 1000}


@require_GET
def nearby(request):
    """The finder. Without coordinates: ask the browser, or use the city centre."""
    filters = _filters(request)
    has_point = bool(request.GET.get("lat") or request.GET.get("lng"))
    items, error, point = ([], "", None)
    if has_point:
        found, error, point = _search(request, filters)
        items = [_item(f) for f in found]
    centre = display.default_centre()
    context = {
        "filters": filters,
        "has_point": has_point,
        "items": items,
        "error": error,
        "lat": request.GET.get("lat", ""),
        "lng": request.GET.get("lng", ""),
        "datum": request.GET.get("datum", "wgs84"),
        "kinds": PositionKind.choices,
        "chips": [
            (c, str(dict(Facility.choices)[c]), display.FACILITY_ICONS[c]) for c in display.FINDER_FACILITIES
        ],
        "radii": [(r, _distance(r)) for r in RADII],
        "radius": str(int(float(filters["radius_m"]))) if _is_number(filters["radius_m"]) else "3000",
        "centre_url": f"{reverse('h5:nearby')}?lat={centre[0]}&lng={centre[1]}&datum=wgs84",
        "map": display.map_config(
            [
                display.marker(i["p"], url=i["url"], open_now=i["open_now"], extra=i["distance"])
                for i in items
            ],
            centre=point,
        )
        if point
        else None,
    }
    return render(request, T + "nearby.html", context)


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _station_context(position, form) -> dict:
    data = position_to_dict(position, lang=get_language())
    return {
        "p": position,
        "d": data,
        "week": display.week_rows(position),
        "today": display.hours_today(position),
        "exceptions": display.upcoming_exceptions(position),
        "facilities": display.facility_items(position.facilities),
        "maplinks": display.nav_links(position),
        "form": form,
        "map": display.map_config(
            [display.marker(position, url="#", open_now=data.get("open_now"))],
        ),
    }


@require_GET
def station(request, pk):
    """One station: hours for the week, coming exceptions, facilities, rooms, navigation."""
    position = position_public_get(id=pk)
    return render(request, T + "station.html", _station_context(position, FeedbackForm()))


def client_key(request) -> str:
    """The feedback rate-limit key: the client address, hashed (never stored in clear)."""
    return salted_hmac("zhijia.positions.feedback", request.META.get("REMOTE_ADDR") or "-").hexdigest()[:32]


@require_POST
def station_feedback(request, pk):
    """Anonymous feedback (1-5 and a comment); too many from one client → 429 with a kind word."""
    position = position_public_get(id=pk)
    form = FeedbackForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            feedback_submit(
                position=position,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                client_key=client_key(request),
            )
        except RateLimited:
            form.add_error(None, _("Thank you, we already have your feedback. Please try again later."))
            status = 429
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(reverse("h5:station", args=[position.pk]) + "#feedback")
    context = _station_context(position, form)
    context["now"] = timezone.now()
    return render(request, T + "station.html", context, status=status)
