"""Console pages of expert-service budgets (per year: amount, committed, spent, remaining) and
the year's reports (orders by item and unit, response times, satisfaction, budget used).
Setting a budget needs dispatch.budget on the union (dispatch.services.budget.budget_set)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.accounts.selectors import orgs_where
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.dispatch.selectors.reports import (
    budget_used,
    orders_by_item_and_unit,
    response_times,
    satisfaction,
)
from zhijia.dispatch.services.budget import budget_set
from zhijia.orgs.access import capabilities_of
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from .common import T, require_any
from .forms import BudgetForm


def _year(request) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({this - 2, this - 1, this, this + 1, year}, reverse=True)


def _bar(row: dict) -> dict:
    """Widths (percent of the larger of amount and use) of the spent and committed parts."""
    scale = max(row["amount"], row["used"]) or 1
    row["spent_pct"] = round(float(row["spent"] / scale * 100), 1)
    row["committed_pct"] = round(float(row["committed"] / scale * 100), 1)
    return row


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_budgets(request):
    """The year's budgets the user sees; holders of dispatch.budget set one (POST)."""
    require_any(request.user, Cap.DISPATCH_BUDGET, Cap.DISPATCH_ASSIGN, Cap.DISPATCH_ORDER)
    year = _year(request)
    if request.method == "POST" and request.POST.get("org"):  # dispatch.budget there (404 / 403)
        access_org(actor=request.user, id=request.POST.get("org"), cap=Cap.DISPATCH_BUDGET)
    form = None
    if Cap.DISPATCH_BUDGET in capabilities_of(request.user):
        orgs = orgs_where(actor=request.user, cap=Cap.DISPATCH_BUDGET)
        unit = unit_with(request)
        initial = {"year": year, "org": unit.pk if orgs.filter(pk=unit.pk).exists() else None}
        form = BudgetForm(request.POST or None, orgs=orgs, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied(code="permission_denied")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            budget = budget_set(actor=request.user, **form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Budget saved."))
            return redirect(f"{request.path}?year={budget.year}")
    rows = [_bar(r) for r in budget_used(actor=request.user, year=year)]
    context = {"rows": rows, "year": year, "years": _years(year), "form": form}
    return render(request, T + "budgets.html", context)


@staff_required
@require_GET
def dispatch_reports(request):
    """The year's reports over the orders the user dispatches."""
    require_any(request.user, Cap.DISPATCH_ASSIGN)
    year = _year(request)
    times = response_times(actor=request.user, year=year)
    context = {
        "year": year,
        "years": _years(year),
        "by_item": orders_by_item_and_unit(actor=request.user, year=year),
        "times": [
            (_("Ordered → dispatched"), times["submit_to_dispatch"], times["counts"]["submit_to_dispatch"]),
            (_("Dispatched → accepted"), times["dispatch_to_accept"], times["counts"]["dispatch_to_accept"]),
            (_("Accepted → delivered"), times["accept_to_deliver"], times["counts"]["accept_to_deliver"]),
        ],
        "satisfaction": satisfaction(actor=request.user, year=year),
        "budgets": [_bar(r) for r in budget_used(actor=request.user, year=year)],
    }
    return render(request, T + "reports.html", context)
