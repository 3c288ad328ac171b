"""Public pages of published service lists and activity plans (no login needed): a phone
page, a printable A4 page, an index of lists, and a plan page. Only published content shows;
anything else is a 404.

A worker (logged in on the phone) applies online for an item marked "在线申请"
(catalog.applications.application_submit, as the API does), follows their applications with
the union's answer, and may withdraw one."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.catalog import applications as apply_services
from zhijia.catalog.permissions import my_application
from zhijia.catalog.selectors import (
    applicable_item,
    entries_by_month,
    my_applications,
    plan_totals,
    published_plan,
    published_plans,
    published_service_list,
    published_service_lists,
)
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.h5.accounts.decorators import worker_required
from zhijia.members.services.card import person_of
from zhijia.web.responses import apply_errors, run_step

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


class ApplyForm(forms.Form):
    """Parses only; application_submit has the rules."""

    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=50,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "name", "data-testid": "apply-name"}
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("What do you need? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3, "data-testid": "apply-note"}),
    )


@worker_required
@require_http_methods(["GET", "POST"])
def service_apply(request, pk):
    """Apply online for one listed service: what it is and who provides it, then the name and
    what the worker needs. Back to "my applications" once sent."""
    item = applicable_item(id=pk)
    person = person_of(request.user)
    form = ApplyForm(request.POST or None, initial={"name": person.name if person else ""})
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and status == 200:
        try:
            apply_services.application_submit(actor=request.user, item=item, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
            status = exc.status
        else:
            messages.success(
                request, _("Your application was sent. The union will answer you here and by SMS.")
            )
            return redirect("h5:service_applications")
    service_list = item.category.version.service_list
    context = {"item": item, "service_list": service_list, "form": form}
    return render(request, T + "apply.html", context, status=status)


@worker_required
@require_GET
def service_applications(request):
    """My online applications with the union's answer (the reply, or the reason it declined)."""
    return render(
        request, T + "applications.html", {"applications": list(my_applications(actor=request.user))}
    )


@worker_required
@require_POST
def service_application_withdraw(request, pk):
    application = my_application(actor=request.user, id=pk)
    run_step(
        request,
        apply_services.application_withdraw,
        _("You withdrew your application."),
        application=application,
    )
    return redirect("h5:service_applications")
