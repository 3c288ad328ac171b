"""The worker's side of expert services (login by SMS code): the landing page of an order's
rotating check-in QR (shown on the expert's phone), and the needs surveys of the worker's
unions (their membership's union and the unions above it) with the form to answer one: pick a
service of the survey's menu and/or describe what is needed."""

from itertools import groupby

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.dispatch.selectors.needs import open_survey_get, open_surveys
from zhijia.dispatch.services.checkin import order_checkin_by_code
from zhijia.dispatch.services.needs import need_submit
from zhijia.members.services.card import person_of
from zhijia.web.responses import apply_errors

from ..accounts.decorators import worker_required
from . import display
from .forms import NeedForm

T = "h5/expert/"


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def expert_checkin(request, code):
    """GET shows a "check me in" form (sent at once by the page's script; a tap without
    JavaScript); POST checks the worker in through order_checkin_by_code (idempotent: a second
    scan shows the same check-in). Refusals (a stale code, not a member, check-in closed) are a
    page saying why."""
    if request.method == "GET":
        return render(request, T + "worker_checkin.html", {"code": code, "ask": True})
    try:
        attendance = order_checkin_by_code(user=request.user, code=code)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        return render(request, T + "worker_checkin.html", {"code": code, "refusal": display.refusal(exc)})
    context = {"code": code, "attendance": attendance, "o": attendance.order}
    return render(request, T + "worker_checkin.html", context)


@never_cache
@worker_required
@require_GET
def need_surveys(request):
    """Open surveys of the worker's unions."""
    context = {"surveys": list(open_surveys(user=request.user)), "person": person_of(request.user)}
    return render(request, T + "needs.html", context)


def _items(survey) -> list:
    if survey.menu is None:
        return []
    return [i for i in survey.menu.items.all() if not i.paused]


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def need_submit_view(request, pk):
    """One survey: the form (GET), the answer through need_submit (POST), then a thank-you."""
    survey = open_survey_get(user=request.user, id=pk)
    items = _items(survey)
    form = NeedForm(request.POST or None, items=items)
    context = {"survey": survey, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need_submit(
                actor=request.user,
                survey=survey,
                text=data["text"],
                item=data["item_obj"],
                people=data["people"],
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            context["done"] = True
    items.sort(key=lambda i: (i.order, i.category))
    context["groups"] = [
        {"category": c, "items": list(g)} for c, g in groupby(items, key=lambda i: i.category)
    ]
    return render(request, T + "need_form.html", context)
