"""Console pages of activities: calendar, list, create/edit (with sessions), detail, publish,
cancel and duplicate. parse → access check → service/selector → render; every write goes
through zhijia.activities.services (which audit it)."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.activities.enums import ACTIVE, ActivityKind, ActivityStatus
from zhijia.activities.models import Activity
from zhijia.activities.permissions import access_activity
from zhijia.activities.selectors.activities import activity_list, activity_rating
from zhijia.activities.selectors.enrolments import activity_counts
from zhijia.activities.services import activities as svc
from zhijia.catalog.models import PlanEntry
from zhijia.catalog.selectors import plan_entry_by_id
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from . import calendar as cal
from .forms import ActivityForm, CancelForm, SessionFormSet

T = "staff/activities/"
PAGE_SIZE = 50


@staff_required
@require_GET
def activity_calendar(request):
    """Month grid (?month=YYYY-MM) or week list (?view=week&week=YYYY-MM-DD) of the sessions
    organised in the current unit's subtree. On a phone the month grid becomes a day list."""
    unit = unit_with(request, Cap.ACTIVITIES_MANAGE)
    context = {
        "unit": unit,
        "view": "week" if request.GET.get("view") == "week" else "month",
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    if context["view"] == "week":
        monday = cal.parse_monday(request.GET.get("week"))
        context |= {
            "days": cal.week_days(actor=request.user, unit=unit, monday=monday),
            "monday": monday,
            "prev": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
        }
    else:
        year, month = cal.parse_month(request.GET.get("month"))
        weeks = cal.month_grid(actor=request.user, unit=unit, year=year, month=month)
        context |= {
            "weeks": weeks,
            "busy_days": [d for week in weeks for d in week if d.in_month and d.sessions],
            "first": date(year, month, 1),
            "prev": cal.shift_month(year, month, -1),
            "next": cal.shift_month(year, month, 1),
        }
    return render(request, T + "calendar.html", context)


@staff_required
@require_GET
def activity_list_view(request):
    """Activities of the current unit's subtree, filtered by kind, status, text and dates."""
    unit = unit_with(request, Cap.ACTIVITIES_MANAGE)
    params = request.GET
    filters = {
        "kind": params.get("kind") if params.get("kind") in ActivityKind.values else None,
        "status": params.get("status") if params.get("status") in ActivityStatus.values else None,
        "q": params.get("q", "").strip()[:100] or None,
        "from": params.get("from") or None,
        "to": params.get("to") or None,
    }
    rows = (
        activity_list(actor=request.user, filters={k: v for k, v in filters.items() if v})
        .filter(subtree_q(unit.path, "org__path"))
        .order_by("-starts_at", "title")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "unit": unit,
        "page": page,
        "f": {k: params.get(k, "") for k in ("kind", "status", "q", "from", "to")},
        "kinds": ActivityKind.choices,
        "statuses": ActivityStatus.choices,
    }
    return render(request, T + "list.html", context)


def _plan_entry(request) -> PlanEntry | None:
    raw = request.GET.get("plan_entry") or request.POST.get("plan_entry")
    if not raw:
        return None
    entry = plan_entry_by_id(raw)
    if entry is None:
        raise NotFound()
    check(request.user, Cap.ACTIVITIES_MANAGE, entry.plan.org)
    return entry


def _initial_from_entry(entry: PlanEntry) -> tuple[dict, list[dict]]:
    """Title, category, position and a placeholder session on the first day of the month."""
    today = timezone.localdate()
    year = entry.plan.year if entry.plan.year >= today.year else today.year
    day = date(year, entry.month, 1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time(14, 0)), tz)
    initial = {"title": entry.title, "category": entry.category, "position": entry.position_id}
    return initial, [{"starts_at": start, "ends_at": start + timedelta(hours=2)}]


def _render_form(request, form, sessions, activity=None, entry=None):
    context = {"form": form, "sessions": sessions, "activity": activity, "entry": entry}
    return render(request, T + "form.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    """A draft activity organised by the current unit (activities.manage there)."""
    unit = unit_with(request, Cap.ACTIVITIES_MANAGE)
    check(request.user, Cap.ACTIVITIES_MANAGE, unit)
    entry = _plan_entry(request)
    initial, session_rows = _initial_from_entry(entry) if entry else ({}, [{}])
    form = ActivityForm(request.POST or None, unit=unit, initial=initial)
    sessions = SessionFormSet(request.POST or None, prefix="s", initial=session_rows)
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        data = form.data_for_service() | {"sessions": sessions.rows()}
        if entry:
            data["plan_entry_id"] = entry.pk
        try:
            activity = svc.activity_create(actor=request.user, org=unit, data=data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("staff:activity_detail", pk=activity.pk)
    return _render_form(request, form, sessions, entry=entry)


def _activity_initial(activity: Activity) -> dict:
    names = [n for n in ActivityForm.base_fields if n not in ActivityForm.FK]
    initial = {n: getattr(activity, n) for n in names}
    initial |= {n: getattr(activity, f"{n}_id") for n in ActivityForm.FK}
    initial["co_organisers"] = [org.pk for org in activity.co_organisers.all()]
    for name in ("registration_opens_at", "registration_closes_at"):
        if initial[name]:
            initial[name] = timezone.localtime(initial[name])
    return initial


def _session_initial(activity: Activity) -> list[dict]:
    return [
        {
            "id": s.pk,
            "title": s.title,
            "starts_at": timezone.localtime(s.starts_at),
            "ends_at": timezone.localtime(s.ends_at),
            "live_url": s.live_url,
            "replay_url": s.replay_url,
            "capacity": s.capacity if activity.per_session else None,
        }
        for s in activity.sessions.all()
    ]


def _sync_sessions(actor, activity: Activity, sessions) -> None:
    """Add, change and delete sessions as the formset says (E2's session services)."""
    existing = {s.pk: s for s in activity.sessions.all()}
    for pk in sessions.deleted_ids():
        if pk in existing:
            svc.session_delete(actor=actor, session=existing[pk])
    for row in sessions.rows():
        pk = row.pop("id", None)
        if pk in existing:
            svc.session_update(actor=actor, session=existing[pk], data=row)
        else:
            svc.session_add(actor=actor, activity=activity, data=row)


@staff_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = access_activity(actor=request.user, id=pk)
    form = ActivityForm(request.POST or None, unit=activity.org, initial=_activity_initial(activity))
    sessions = SessionFormSet(request.POST or None, prefix="s", initial=_session_initial(activity))
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        try:
            with transaction.atomic():  # the activity and its sessions change together or not at all
                svc.activity_update(actor=request.user, activity=activity, data=form.data_for_service())
                _sync_sessions(request.user, activity, sessions)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:activity_detail", pk=activity.pk)
    return _render_form(request, form, sessions, activity=activity)


def _count_cards(counts: dict) -> list[tuple]:
    return [
        (_("Capacity"), counts.get("capacity", 0), "capacity"),
        (_("Confirmed"), counts.get("confirmed_count", 0), "confirmed"),
        (_("Waiting list"), counts.get("waitlist_count", 0), "waitlist"),
        (_("Waiting for approval"), counts.get("pending_count", 0), "pending"),
        (_("Offered"), counts.get("offered_count", 0), "offered"),
    ]


@staff_required
@require_GET
def activity_detail(request, pk):
    """The activity with its sessions, counts (capacity, confirmed, waiting, pending, offered)
    and the average rating."""
    activity = access_activity(actor=request.user, id=pk)
    avg, rated = activity_rating(activity)
    context = {
        "a": activity,
        "sessions": list(activity.sessions.all()),
        "count_cards": _count_cards(activity_counts(activity)),
        "rating": avg,
        "rated": rated,
        "cancel_form": CancelForm(),
        "to_notify": activity.enrolments.filter(status__in=ACTIVE).count(),
        "is_draft": activity.status == ActivityStatus.DRAFT,
        "is_open": activity.status in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED),
    }
    return render(request, T + "detail.html", context)


def _act(request, pk, action, done: str):
    activity = access_activity(actor=request.user, id=pk)
    try:
        result = action(activity)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
        return redirect("staff:activity_detail", pk=activity.pk)
    messages.success(request, done)
    return redirect("staff:activity_detail", pk=(result or activity).pk)


@staff_required
@require_POST
def activity_publish(request, pk):
    return _act(
        request,
        pk,
        lambda a: svc.activity_publish(actor=request.user, activity=a),
        _("Published: workers can see it and enrol."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def activity_cancel(request, pk):
    """Cancel with a reason; the page says how many enrolled people will be told."""
    activity = access_activity(actor=request.user, id=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.activity_cancel(actor=request.user, activity=activity, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, _("The activity is cancelled and everyone enrolled is being told."))
            return redirect("staff:activity_detail", pk=activity.pk)
    to_notify = activity.enrolments.filter(status__in=ACTIVE).count()
    return render(request, T + "cancel.html", {"a": activity, "form": form, "to_notify": to_notify})


@staff_required
@require_POST
def activity_duplicate(request, pk):
    return _act(
        request,
        pk,
        lambda a: svc.activity_duplicate(actor=request.user, activity=a),
        _("A draft copy one month later was created."),
    )
