"""Console pages of needs surveys (需求调研): the surveys of the current unit's subtree with a
form for a new one, a survey's needs, closing it, and turning a need into an order (or closing
the need). dispatch.menus on the survey's union; writes through dispatch.services.needs."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.masking import mask_name
from zhijia.dispatch.enums import NeedStatus, SurveyStatus
from zhijia.dispatch.permissions import access_need, access_survey
from zhijia.dispatch.selectors.menus import menu_list
from zhijia.dispatch.selectors.needs import survey_list, survey_needs
from zhijia.dispatch.services import needs as svc
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.tree import ancestor_paths, subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from .common import T, require_any, run
from .forms import NeedOrderForm, SurveyForm


def _survey_menus(unit):
    """Published menus a survey of `unit` may offer: the unit's own, its ancestors' and its
    subtree's."""
    within = Q(org__path__in=ancestor_paths(unit.path)) | subtree_q(unit.path, "org__path")
    return list(menu_list().filter(within))


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_surveys(request):
    """Surveys of the current unit's subtree; POST starts one for the current unit."""
    require_any(request.user, Cap.DISPATCH_MENUS)
    unit = unit_with(request)
    form = SurveyForm(request.POST or None, menus=_survey_menus(unit))
    if request.method == "POST":
        org = access_org(actor=request.user, id=unit.pk, cap=Cap.DISPATCH_MENUS)
        if form.is_valid():
            try:
                survey = svc.survey_create(actor=request.user, org=org, **form.cleaned_data)
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The survey is open: workers and unions can answer it."))
                return redirect("staff:dispatch_survey_detail", pk=survey.pk)
    surveys = survey_list(actor=request.user).filter(subtree_q(unit.path, "org__path"))
    return render(request, T + "surveys.html", {"surveys": surveys, "form": form, "unit": unit})


@staff_required
@require_GET
def dispatch_survey_detail(request, pk):
    """The survey's needs (open ones can become orders)."""
    survey = access_survey(actor=request.user, id=pk)
    status = request.GET.get("status") if request.GET.get("status") in NeedStatus.values else None
    needs = list(survey_needs(survey, status=status))
    for need in needs:
        need.who = mask_name(need.person.name) if need.person_id and need.person else ""
    context = {
        "s": survey,
        "needs": needs,
        "status": status or "",
        "statuses": NeedStatus.choices,
        "is_open": survey.status == SurveyStatus.OPEN,
    }
    return render(request, T + "survey_detail.html", context)


@staff_required
@require_POST
def dispatch_survey_close(request, pk):
    survey = access_survey(actor=request.user, id=pk)
    run(request, svc.survey_close, _("The survey is closed."), survey=survey)
    return redirect("staff:dispatch_survey_detail", pk=survey.pk)


@staff_required
@require_POST
def dispatch_need_close(request, pk):
    need = access_need(actor=request.user, id=pk)
    run(request, svc.need_close, _("The need is closed."), need=need)
    return redirect("staff:dispatch_survey_detail", pk=need.survey_id)


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_need_order(request, pk):
    """Turn a need into an order for the need's union (any service that union may order)."""
    need = access_need(actor=request.user, id=pk)
    items = [item for menu in menu_list(orderable_by=need.org) for item in menu.items.all()]
    initial = {"item": str(need.item_id) if need.item_id else "", "audience": need.people}
    form = NeedOrderForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            order = svc.need_to_order(
                actor=request.user, need=need, submit="draft" not in request.POST, **data
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The need is now order %(number)s.") % {"number": order.number})
            return redirect("staff:dispatch_order_detail", pk=order.pk)
    who = mask_name(need.person.name) if need.person_id and need.person else ""
    return render(request, T + "need_order.html", {"form": form, "need": need, "who": who})
