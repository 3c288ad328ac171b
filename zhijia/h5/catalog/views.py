"""Public pages of published service lists and activity plans (no login needed): a phone
page, a printable A4 page, an index of lists, and a plan page. Only published content shows;
anything else is a 404."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhijia.catalog.selectors import (
    entries_by_month,
    plan_totals,
    published_plan,
    published_plans,
    published_service_list,
    published_service_lists,
)

T = "h5/catalog/"


@require_GET
def service_lists(request):
    """Index of published lists, and of published activity plans."""
    context = {"lists": published_service_lists(), "plans": published_plans()}
    return render(request, T + "index.html", context)


@require_GET
def service_list(request, pk):
    service_list, version = published_service_list(id=pk)
    return render(request, T + "list.html", {"service_list": service_list, "version": version})


@require_GET
def service_list_print(request, pk):
    """A4 print layout: a table per category, no navigation."""
    service_list, version = published_service_list(id=pk)
    return render(request, T + "print.html", {"service_list": service_list, "version": version})


@require_GET
def plan(request, pk):
    plan = published_plan(id=pk)
    entries = list(plan.entries.all())
    context = {
        "plan": plan,
        "months": entries_by_month(entries, year=plan.year),
        "totals": plan_totals(entries),
    }
    return render(request, T + "plan.html", context)
