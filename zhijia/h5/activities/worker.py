"""The worker's own activity pages (login by SMS code): enrol, my enrolments (waiting-list
position, an offered place to accept or decline, cancel, rate, my QR), and the landing page of
a session's check-in QR. A worker acts only for the person linked to their account and that
person's children; enrolments are reached through activities.permissions.own_enrolment (404
for anyone else's). Refusals are shown as a page saying why, with status 200: the worker asked
and got an answer."""

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.models import UserKind
from zhijia.activities.enums import ACTIVE, EnrolmentStatus
from zhijia.activities.permissions import enrolment_target, own_enrolment
from zhijia.activities.selectors.activities import activity_public_get
from zhijia.activities.selectors.enrolments import my_enrolments, waitlist_position
from zhijia.activities.services.checkin import checkin_by_code, enrolment_rate, session_from_code
from zhijia.activities.services.enrolment import (
    enrolment_cancel,
    enrolment_create,
    offer_accept,
    offer_decline,
)
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.members.services.card import person_of

from ..accounts.decorators import worker_required
from . import display
from .forms import AnswersForm, CancelForm, EnrolForm, RateForm

T = "h5/activities/"


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def activity_enrol(request, pk):
    """POST: enrol the worker (or one of their children, or for one session) through
    enrolment_create with the form's idempotency key and the answers to the activity's own
    questions, and show the outcome. GET: for an activity with questions, the form asking them
    (for `?child=` / `?session=`: someone else's child is 404, as in the API); otherwise (and
    after the login an anonymous tap led to) back to the activity."""
    activity = activity_public_get(id=pk)
    if request.method == "GET":
        if not activity.questions:
            return redirect("h5:activity_detail", pk=activity.pk)
        return _questions_page(request, activity, EnrolForm(request.GET))
    person = person_of(request.user)
    form = EnrolForm(request.POST)
    context: dict[str, Any] = {"a": activity, "person": person}
    if person is None or not form.is_valid():
        context["refusal"] = {
            "code": "invalid",
            "icon": "person-vcard",
            "title": _("We could not enrol you"),
            "reasons": [_("To enrol, join the union or register your details first.")]
            if person is None
            else [_("The form was not complete. Please try again.")],
        }
        return render(request, T + "result.html", context)
    data = form.cleaned_data
    # the one entry point the API calls too: someone else's child or session is 404 in both
    target = enrolment_target(
        actor=request.user, activity_id=activity.pk, child_id=data["child"], session_id=data["session"]
    )
    answers = AnswersForm(request.POST, questions=target.activity.questions or [])
    try:
        enrolment = enrolment_create(
            actor=request.user,
            activity=target.activity,
            person=target.person,
            child=target.child,
            session=target.session,
            channel=target.channel,
            fresh=target.fresh,
            idempotency_key=data["key"] or "",
            answers=answers.answers(),
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        if answers.add_service_errors(exc.fields):  # a missing or bad answer: the form again
            return _questions_page(request, activity, form, answers=answers, target=target)
        context["refusal"] = display.refusal(exc)
        context["child"] = target.child
    else:
        context.update(e=enrolment, position=waitlist_position(enrolment), child=enrolment.child)
    return render(request, T + "result.html", context)


def _questions_page(request, activity, form: EnrolForm, *, answers=None, target=None):
    """The activity's questions for one holder (the worker, or `child`, for `session`), with
    the idempotency key of this form; errors next to their questions."""
    if target is None:
        if not form.is_valid():
            raise NotFound(code="not_found")
        data = form.cleaned_data
        target = enrolment_target(
            actor=request.user, activity_id=activity.pk, child_id=data["child"], session_id=data["session"]
        )
    context = {
        "a": target.activity,
        "child": target.child,
        "session": target.session,
        "key": (form.cleaned_data.get("key") if form.is_valid() else "") or uuid.uuid4().hex,
        "answers": answers.without_phones()
        if answers
        else AnswersForm(questions=target.activity.questions or []),
        "required": {f"a-{q['id']}" for q in target.activity.questions or [] if q.get("required")},
    }
    return render(request, T + "enrol_form.html", context)


def _item(enrolment, now) -> dict:
    status = enrolment.status
    ended = enrolment.activity.ends_at is not None and enrolment.activity.ends_at < now
    return {
        "e": enrolment,
        "a": enrolment.activity,
        "style": display.STATUS_STYLE.get(status, "secondary"),
        "position": waitlist_position(enrolment) if status == EnrolmentStatus.WAITLISTED else None,
        "offered": status == EnrolmentStatus.OFFERED,
        "active": status in ACTIVE and not ended,
        "attended": enrolment.attendances.exists(),
        "place": display.place_line(enrolment.activity),
        "rate_form": RateForm(),
    }


@never_cache
@worker_required
@require_GET
def my_enrolments_page(request):
    """My enrolments: active ones first (with what to do next), then the past ones."""
    now = timezone.now()
    items = [_item(e, now) for e in my_enrolments(user=request.user)]
    context = {
        "active": [i for i in items if i["active"]],
        "past": [i for i in items if not i["active"]],
        "has_person": person_of(request.user) is not None,
    }
    return render(request, T + "mine.html", context)


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def enrolment_cancel_view(request, pk):
    """GET: "do you really want to cancel?"; POST: cancel through enrolment_cancel."""
    enrolment = own_enrolment(user=request.user, id=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_cancel(actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, display.refusal(exc)["title"])
        else:
            messages.success(request, _("Your enrolment is cancelled."))
        return redirect("h5:my_enrolments")
    return render(request, T + "cancel.html", {"e": enrolment, "a": enrolment.activity, "form": form})


@worker_required
@require_POST
def offer_respond(request, pk):
    """Accept (action=accept) or decline (action=decline) an offered place."""
    enrolment = own_enrolment(user=request.user, id=pk)
    accept = request.POST.get("action") == "accept"
    try:
        if accept:
            enrolment = offer_accept(actor=request.user, enrolment=enrolment)
        else:
            offer_decline(actor=request.user, enrolment=enrolment)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        refusal = display.refusal(exc)
        messages.error(request, " ".join([refusal["title"], *refusal["reasons"]]))
    else:
        if not accept:
            messages.info(request, _("You declined the place. It goes to the next person waiting."))
        elif enrolment.status == EnrolmentStatus.PENDING_APPROVAL:
            messages.success(request, _("You accepted the place. The organiser will confirm it."))
        else:
            messages.success(request, _("You accepted the place. Your enrolment is confirmed."))
    return redirect("h5:my_enrolments")


@worker_required
@require_POST
def enrolment_rate_view(request, pk):
    """Rate an attended activity 1–5 with an optional comment (enrolment_rate)."""
    enrolment = own_enrolment(user=request.user, id=pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("h5:my_enrolments")
    try:
        enrolment_rate(actor=request.user, enrolment=enrolment, **form.cleaned_data)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, display.refusal(exc)["title"])
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("h5:my_enrolments")


PENDING_CHECKIN = "h5_pending_checkin"


def _remember_scan(request, code: str) -> None:
    """Someone not yet logged in scanned a session code: if the code is valid NOW, keep the
    code and the time of the scan in their (server-side) session, so that after the SMS login
    the check-in is judged as of the scan (activities.services.checkin.checkin_by_code)."""
    try:
        session_from_code(code)
    except ApplicationError:
        return
    request.session[PENDING_CHECKIN] = {"code": code[:200], "at": timezone.now().isoformat()}


def _scanned_at(request, code: str):
    pending = request.session.get(PENDING_CHECKIN) or {}
    if pending.get("code") != code:
        return None
    try:
        return dt.datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def activity_checkin(request, code):
    """The landing page of the organiser's rotating session QR. GET shows a "check me in" form
    (submitted at once by the page's script; a tap without JavaScript); POST checks in through
    checkin_by_code (idempotent: a second scan shows the same attendance). Someone not logged
    in is sent to the SMS login and back here; a code that was valid when they scanned it is
    honoured for the login detour (LOGIN_DETOUR_SECONDS)."""
    user = request.user
    if not user.is_authenticated or user.kind != UserKind.WORKER:
        _remember_scan(request, code)
        return redirect_to_login(request.get_full_path(), "h5:login")
    if request.method == "GET":
        return render(request, T + "checkin.html", {"code": code, "ask": True})
    scanned_at = _scanned_at(request, code)
    try:
        attendance = checkin_by_code(user=request.user, code=code, scanned_at=scanned_at)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        return render(request, T + "checkin.html", {"code": code, "refusal": display.refusal(exc)})
    request.session.pop(PENDING_CHECKIN, None)
    session = attendance.session
    context = {"code": code, "attendance": attendance, "session": session, "a": session.activity}
    return render(request, T + "checkin.html", context)
