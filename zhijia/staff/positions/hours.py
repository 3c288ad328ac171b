"""The opening-hours editor: weekly hours in the text grammar of positions.hours, dated exceptions
(closed all day, or special hours), and a live preview (HTMX) of what the text means. Saving goes
through positions.services.position_update, which validates again and audits."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhijia.core.errors import ApplicationError
from zhijia.positions import services
from zhijia.positions.hours import (
    SHANGHAI,
    HoursError,
    exceptions_from_json,
    format_hours,
    hours_from_json,
    hours_to_json,
    open_status,
    parse_hours,
)
from zhijia.positions.permissions import access_position
from zhijia.staff.decorators import staff_required
from zhijia.web.responses import apply_errors, is_htmx

from .forms import ExceptionFormSet, HoursForm

T = "staff/positions/"
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_intervals(text: str) -> list[list[str]]:
    """Special hours of one date ("09:00-12:00, 14:00-17:00") as JSON intervals. Raises
    HoursError; days may not be named (the date says which day)."""
    week = hours_to_json(parse_hours(text))
    if any(week[key] != week["mon"] for key in DAY_KEYS):
        raise HoursError("bad_hours_format", text)
    return week["mon"]


def _exceptions(formset) -> dict[str, list] | None:
    """The formset's rows as the hours_exceptions dict, or None after putting errors on rows."""
    out: dict[str, list] = {}
    ok = True
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        day, closed, text = data.get("date"), data.get("closed"), (data.get("hours") or "").strip()
        if not day:
            if closed or text:
                form.add_error("date", _("Give the date."))
                ok = False
            continue
        if closed:
            out[day.isoformat()] = []
        elif not text:
            form.add_error("hours", _("Tick “closed all day” or give the hours of that day."))
            ok = False
        else:
            try:
                out[day.isoformat()] = _day_intervals(text)
            except HoursError as exc:
                form.add_error("hours", exc.message)
                ok = False
    return out if ok else None


def _initial(position) -> tuple[dict, list[dict]]:
    try:
        text = format_hours(hours_from_json(position.hours or {}), get_language())
        exceptions = exceptions_from_json(position.hours_exceptions or {})
    except HoursError:
        text, exceptions = "", {}
    today = timezone.now().astimezone(SHANGHAI).date()
    rows = [
        {
            "date": day,
            "closed": not intervals,
            "hours": ", ".join(
                f"{o:%H:%M}-{'24:00' if c.hour == c.minute == 0 else f'{c:%H:%M}'}" for o, c in intervals
            ),
        }
        for day, intervals in exceptions.items()
        if day >= today
    ]
    return {"hours": text, "hours_note": position.hours_note}, rows


def _preview(text: str) -> dict:
    """What the typed text means, in the reader's language, and whether it would be open now."""
    context: dict = {"text": text}
    try:
        schedule = parse_hours(text)
    except HoursError as exc:
        context["error"] = exc.message
    else:
        now = timezone.now()
        status = open_status(schedule, {}, now)
        names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
        week = hours_to_json(schedule)
        context.update(
            formatted=format_hours(schedule, get_language()),
            week=[
                (names[i], ", ".join("-".join(iv) for iv in week[k]) or _("Closed"))
                for i, k in enumerate(DAY_KEYS)
            ],
            open_now=status.is_open,
        )
    return context


@staff_required
@require_http_methods(["GET", "POST"])
def position_hours(request, pk):
    """GET the editor; POST with HTMX previews (no write); a plain POST saves."""
    position = access_position(actor=request.user, id=pk)
    if request.method == "POST" and is_htmx(request):
        return render(request, T + "_hours_preview.html", _preview(request.POST.get("hours", "")))
    initial, rows = _initial(position)
    form = HoursForm(request.POST or None, initial=initial)
    formset = ExceptionFormSet(request.POST or None, initial=rows, prefix="exc")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        exceptions = _exceptions(formset)
        if exceptions is not None:
            today = timezone.now().astimezone(SHANGHAI).date().isoformat()
            past = {k: v for k, v in (position.hours_exceptions or {}).items() if k < today}
            data = {"hours": form.cleaned_data["hours"], "hours_exceptions": {**past, **exceptions}}
            data["hours_note"] = form.cleaned_data["hours_note"]
            try:
                services.position_update(actor=request.user, position=position, data=data)
            except ApplicationError as exc:
                apply_errors(form, exc)
                if "hours_exceptions" in exc.fields:
                    form.add_error(None, " ".join(str(m) for m in exc.fields["hours_exceptions"]))
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect("staff:position_detail", pk=position.pk)
    text = request.POST.get("hours", "") if request.method == "POST" else initial["hours"]
    context = {"p": position, "form": form, "formset": formset, "preview": _preview(text)}
    return render(request, T + "hours.html", context)
