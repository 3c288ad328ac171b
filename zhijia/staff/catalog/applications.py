"""Console pages of online applications (在线申请) for listed services: the list of the current
unit's subtree, filtered by status, and one application with its answer — accept with a reply,
decline with a reason, mark the service as given (one ledger row). parse → access check
(catalog.permissions.access_application: 404 outside scope, 403 inside without
catalog.applications) → catalog.applications service → render. The applicant's phone is shown
masked; the worker is told by SMS and on their phone."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.catalog import applications as svc
from zhijia.catalog.enums import ApplicationStatus
from zhijia.catalog.permissions import access_application
from zhijia.catalog.selectors import application_list
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.masking import mask_phone
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit
from zhijia.web.responses import apply_errors

T = "staff/catalog/"
PAGE_SIZE = 50
S = ApplicationStatus


class AnswerForm(forms.Form):
    """One of the three answers; the service checks the step and the texts."""

    step = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline"), ("deliver", "deliver")])
    reply = forms.CharField(
        label=gettext_lazy("Reply to the worker (what happens next)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "data-testid": "answer-reply"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why do you decline?"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "data-testid": "answer-reason"}),
    )


@staff_required
@require_GET
def application_index(request):
    """Applications to the current unit's subtree, the waiting ones first by default."""
    require_cap(request.user, Cap.CATALOG_APPLICATIONS)
    unit = current_unit(request)
    status = request.GET.get("status", S.SUBMITTED)
    if status not in S.values and status != "all":
        status = S.SUBMITTED
    qs = application_list(actor=request.user, status="" if status == "all" else status, within=unit)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "applications": list(page.object_list),
        "status": status,
        "statuses": [("all", _("All")), *S.choices],
        "unit": unit,
    }
    return render(request, T + "applications.html", context)


def _page(request, application, form=None, status=200):
    context = {
        "a": application,
        "phone": mask_phone(application.applicant.phone),
        "form": form or AnswerForm(),
        "can_accept": application.status == S.SUBMITTED,
        "can_decline": application.status in (S.SUBMITTED, S.ACCEPTED),
        "can_deliver": application.status == S.ACCEPTED,
    }
    return render(request, T + "application.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    """GET: the application and the answers open to it. POST step=accept|decline|deliver."""
    application = access_application(actor=request.user, id=pk)
    if request.method == "GET":
        return _page(request, application)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, application, form, status=400)
    step, data = form.cleaned_data["step"], form.cleaned_data
    try:
        if step == "accept":
            svc.application_accept(actor=request.user, application=application, reply=data["reply"])
            done = _("Accepted. The worker has been told.")
        elif step == "decline":
            svc.application_decline(actor=request.user, application=application, reason=data["reason"])
            done = _("Declined. The worker has been told why.")
        else:
            svc.application_deliver(actor=request.user, application=application)
            done = _("Marked as given. It counts in the service ledger.")
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        apply_errors(form, exc)
        application.refresh_from_db()
        return _page(request, application, form, status=exc.status)
    messages.success(request, done)
    return redirect("staff:service_application", pk=application.pk)
