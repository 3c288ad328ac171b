"""The check-in screen of a session (activities.checkin): the rotating session QR that attendees
scan with their phones (refreshed by htmx every 25 s — the code's window is 30 s), a scan box
for member cards, a walk-in button when the activity allows walk-ins, and a live count."""

import segno
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.activities.models import Attendance, Session
from zhijia.activities.permissions import access_session
from zhijia.activities.selectors.activities import present_count
from zhijia.activities.services.checkin import checkin_by_card, checkin_url, checkin_walk_in
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_name
from zhijia.positions.enums import VisitorGroup
from zhijia.staff.decorators import staff_required
from zhijia.web.responses import is_htmx

from .forms import ScanForm, WalkInForm

T = "staff/activities/"
REFRESH_SECONDS = 25


def _code_context(request, session: Session) -> dict:
    url = checkin_url(session, request)
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)
    return {
        "session": session,
        "qr": mark_safe(svg),  # noqa: S308 - segno's own SVG
        "qr_url": url,
        "refresh": REFRESH_SECONDS,
        "present": present_count(session),
    }


def _result(request, session: Session, *, ok: bool, message: str, code: str = "") -> dict:
    return {
        **_code_context(request, session),
        "form": ScanForm(),
        "walk_in_form": WalkInForm(),
        "ok": ok,
        "message": message,
        "code": code,
    }


def _attendee(attendance: Attendance) -> str:
    if attendance.child_id:
        return mask_name(attendance.child.name)
    if attendance.person_id:
        return mask_name(attendance.person.name)
    return dict(VisitorGroup.choices).get(attendance.visitor_group, _("Walk-in"))


def _answer(request, session: Session, context: dict):
    if is_htmx(request):
        return render(request, T + "_scan_result.html", context | {"oob": True})
    return render(request, T + "checkin.html", context)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_checkin(request, pk):
    """GET: the screen. POST token=<member card code>: check that member in (idempotent)."""
    session = access_session(actor=request.user, id=pk)
    if request.method == "GET":
        return render(request, T + "checkin.html", _result(request, session, ok=False, message=""))
    form = ScanForm(request.POST)
    if not form.is_valid():
        context = _result(request, session, ok=False, message=_("Scan or paste a member card code."))
        return _answer(request, session, context)
    try:
        attendance = checkin_by_card(
            actor=request.user, session=session, card_token=form.cleaned_data["token"]
        )
    except ApplicationError as exc:  # the session was checked above: show every refusal
        context = _result(request, session, ok=False, message=str(exc.message), code=exc.code)
    else:
        message = _("Checked in: %(name)s") % {"name": _attendee(attendance)}
        context = _result(request, session, ok=True, message=message)
    return _answer(request, session, context)


@staff_required
@never_cache
@require_GET
def session_checkin_code(request, pk):
    """htmx, every 25 s: a fresh session QR and the live count."""
    session = access_session(actor=request.user, id=pk)
    return render(request, T + "_checkin_code.html", _code_context(request, session))


@staff_required
@require_POST
def session_walk_in(request, pk):
    """An anonymous walk-in with a visitor group (only when the activity allows walk-ins)."""
    session = access_session(actor=request.user, id=pk)
    form = WalkInForm(request.POST)
    if not session.activity.allow_walk_ins or not form.is_valid():
        context = _result(request, session, ok=False, message=_("This activity does not take walk-ins."))
        return _answer(request, session, context)
    try:
        checkin_walk_in(actor=request.user, session=session, visitor_group=form.cleaned_data["visitor_group"])
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        context = _result(request, session, ok=False, message=str(exc.message), code=exc.code)
    else:
        context = _result(request, session, ok=True, message=_("Walk-in recorded."))
    return _answer(request, session, context)
