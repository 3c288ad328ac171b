"""The roster of an activity: enrolments in arrival order with per-session attendance ticks,
approve/reject, enrolling someone on their behalf (member number or card scan), bulk enrolment of
a grassroots union's members, the xlsx export and the printable offline sign-in sheet.
Names are always masked; identity numbers and phones are never shown."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhijia.activities import xlsx
from zhijia.activities.enums import EnrolmentChannel, EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.permissions import access_activity, access_enrolment, access_session
from zhijia.activities.questions import answer_rows
from zhijia.activities.selectors.activities import roster, walk_in_count
from zhijia.activities.services import enrolment as enrol_svc
from zhijia.activities.services.checkin import checkin_mark
from zhijia.core.errors import ApplicationError, NotFound, ValidationFailed
from zhijia.core.masking import mask_name
from zhijia.members.models import Person
from zhijia.members.selectors.registry import active_members_of, members_numbered
from zhijia.members.services import card
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.web.responses import is_htmx, xlsx_response

from .forms import BulkForm, EnrolForm

T = "staff/activities/"


@dataclass
class Row:
    enrolment: Enrolment
    name: str
    member_no: str
    attended: set = field(default_factory=set)  # session ids
    answers: list = field(default_factory=list)  # [{"id", "label", "value"}], masked


def roster_rows(activity: Activity) -> list[Row]:
    """Active enrolments in arrival order (the activities roster selector), names masked, with
    the answers to the activity's questions (phones masked)."""
    asked = activity.questions or []
    return [
        Row(
            enrolment=r.enrolment,
            name=mask_name(r.enrolment.child.name if r.enrolment.child else r.enrolment.person.name),
            member_no=xlsx.member_no(r.enrolment),
            attended={s for s, present in r.attended.items() if present},
            answers=[a for a in answer_rows(asked, r.enrolment.answers) if a["value"]],
        )
        for r in roster(activity)
    ]


def _roster_context(request, activity: Activity, **extra) -> dict:
    org = activity.org
    return {
        "a": activity,
        "sessions": list(activity.sessions.all()),
        "rows": roster_rows(activity),
        "walk_ins": walk_in_count(activity),
        "can_enrol": scope_for(request.user, Cap.ACTIVITIES_ENROL).contains(org),
        "can_checkin": scope_for(request.user, Cap.ACTIVITIES_CHECKIN).contains(org),
        "enrol_form": EnrolForm(),
        "bulk_form": BulkForm(unit=org),
        "pending": EnrolmentStatus.PENDING_APPROVAL,
        **extra,
    }


@staff_required
@never_cache
@require_GET
def activity_roster(request, pk):
    activity = access_activity(actor=request.user, id=pk)
    return render(request, T + "roster.html", _roster_context(request, activity))


def _person_from(actor: Any, who: str) -> Person:
    """A scanned card code (`<membership>:<ts>:<sig>`) or a member number within the actor's
    scope; exactly one active membership must match."""
    who = who.strip()
    if ":" in who:
        return card.card_person(token=who, field="who")
    matches = members_numbered(actor=actor, member_no=who)
    if len(matches) != 1:
        raise ValidationFailed(
            _("No single member with this number was found in your units."), code="not_found"
        )
    return matches[0].person


@staff_required
@require_POST
def activity_enrol(request, pk):
    """Enrol someone on their behalf (activities.enrol on the organiser)."""
    activity = access_activity(actor=request.user, id=pk, cap=Cap.ACTIVITIES_ENROL)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type a member number or scan a card."))
        return redirect("staff:activity_roster", pk=activity.pk)
    session = None
    if activity.per_session:
        session = activity.sessions.filter(pk=request.POST.get("session") or None).first()
    try:
        person = _person_from(request.user, form.cleaned_data["who"])
        enrolment = enrol_svc.enrolment_create(
            actor=request.user,
            activity=activity,
            person=person,
            session=session,
            channel=EnrolmentChannel.STAFF,
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": mask_name(person.name), "status": enrolment.get_status_display()},
        )
    return redirect("staff:activity_roster", pk=activity.pk)


@staff_required
@require_POST
def activity_enrol_bulk(request, pk):
    """Enrol every active member of a grassroots union; shows a per-person result table."""
    activity = access_activity(actor=request.user, id=pk, cap=Cap.ACTIVITIES_ENROL)
    form = BulkForm(request.POST, unit=activity.org)
    if not form.is_valid():
        messages.error(request, _("Choose a union."))
        return redirect("staff:activity_roster", pk=activity.pk)
    union = form.cleaned_data["union"]
    check(request.user, Cap.MEMBERS_VIEW, union)
    memberships = active_members_of(union)
    people = [m.person for m in memberships]
    all_or_nothing = form.cleaned_data["mode"] == "all_or_nothing"
    result = enrol_svc.enrolment_bulk(
        actor=request.user, activity=activity, people=people, all_or_nothing=all_or_nothing
    )
    by_person = {str(m.person_id): m for m in memberships}
    statuses = dict(EnrolmentStatus.choices)
    bulk_rows = []
    for item in result.results:
        m = by_person.get(str(item["person_id"]))
        bulk_rows.append(
            {
                "name": mask_name(m.person.name) if m else "",
                "member_no": m.member_no if m else "",
                "ok": bool(item.get("status")),
                "status": statuses.get(item.get("status"), item.get("status") or ""),
                "message": item.get("message") or "",
            }
        )
    extra = {"bulk_rows": bulk_rows, "bulk_all_or_nothing": all_or_nothing, "bulk_union": union}
    return render(request, T + "roster.html", _roster_context(request, activity, **extra))


@staff_required
@require_POST
def enrolment_decide(request, pk):
    """POST action=approve | reject (with reason) on a pending enrolment."""
    enrolment = access_enrolment(actor=request.user, id=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            enrol_svc.enrolment_approve(actor=request.user, enrolment=enrolment)
            messages.success(request, _("Enrolment approved."))
        elif action == "reject":
            reason = request.POST.get("reason", "").strip()[:300]
            enrol_svc.enrolment_reject(actor=request.user, enrolment=enrolment, reason=reason)
            messages.success(request, _("Enrolment rejected."))
        else:
            raise NotFound()
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    return redirect("staff:activity_roster", pk=enrolment.activity_id)


@staff_required
@require_POST
def session_mark(request, pk):
    """Tick an enrolled person as present at a session (activities.checkin)."""
    session = access_session(actor=request.user, id=pk)
    enrolment = session.activity.enrolments.filter(pk=request.POST.get("enrolment") or None).first()
    if enrolment is None:
        raise NotFound()
    try:
        checkin_mark(actor=request.user, session=session, enrolment=enrolment)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    if is_htmx(request):
        return render(request, T + "_tick.html", {"done": True})
    return redirect("staff:activity_roster", pk=session.activity_id)


@staff_required
@require_GET
def activity_roster_xlsx(request, pk):
    activity = access_activity(actor=request.user, id=pk)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(xlsx.roster_xlsx(activity), f"roster-{stamp}.xlsx")


@staff_required
@never_cache
@require_GET
def activity_signin_sheet(request, pk):
    """A printable sign-in sheet per session for places without signal."""
    activity = access_activity(actor=request.user, id=pk)
    rows = [r for r in roster_rows(activity) if r.enrolment.status in _ON_SHEET]
    return render(
        request,
        T + "signin_sheet.html",
        {"a": activity, "sessions": list(activity.sessions.all()), "rows": rows, "blank_rows": range(5)},
    )


_ON_SHEET = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.PENDING_APPROVAL, EnrolmentStatus.OFFERED)
