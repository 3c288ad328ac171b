"""Worker H5 pages: the e-member card (a QR that refreshes every minute) and "my data":
consents with withdrawal, a JSON download of everything held about oneself, and correction or
deletion requests. A worker only ever reaches their own person record (Person.user)."""

import json

import segno
from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.members.enums import OPT_IN_PURPOSES, DataRequestKind
from zhijia.members.services import card, rights

from ..accounts.decorators import worker_required
from .forms_joining import NOTICE_VERSION


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What do you ask for?"),
        choices=DataRequestKind.choices,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "request-kind"}),
    )
    detail = forms.CharField(
        label=gettext_lazy("Details"),
        max_length=rights.DETAIL_MAX,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3, "data-testid": "request-detail"}),
    )


def _code_context(membership) -> dict:
    issued = card.card_token_issue(membership=membership)
    svg = segno.make(issued.token, error="m").svg_inline(scale=5, border=2, omitsize=True)
    return {"qr": mark_safe(svg), "expires_at": issued.expires_at, "refresh": card.CARD_REFRESH_SECONDS}  # noqa: S308 - segno's own SVG


@worker_required
@never_cache
@require_GET
def card_page(request):
    """The card: union, member number, status, joined date, own name, and the rotating QR."""
    try:
        membership = card.card_membership(user=request.user)
    except NotFound:
        return render(request, "h5/members/card/none.html")
    context = {"m": membership, **_code_context(membership)}
    return render(request, "h5/members/card/card.html", context)


@worker_required
@never_cache
@require_GET
def card_code(request):
    """HTMX, every minute: a fresh QR."""
    membership = card.card_membership(user=request.user)
    return render(request, "h5/members/card/_code.html", _code_context(membership))


def _person(request):
    person = card.person_of(request.user)
    if person is None:
        raise NotFound(_("We hold no member data about you."), code="not_found")
    return person


@worker_required
@never_cache
@require_GET
def my_data(request):
    person = _person(request)
    consents = list(person.consents.select_related("declared_by"))
    live = {c.purpose for c in consents if c.withdrawn_at is None}
    context = {
        "consents": consents,
        "optional": [(p.value, p.label) for p in OPT_IN_PURPOSES if p not in live],
        "requests": person.data_requests.order_by("-created_at"),
        "form": DataRequestForm(),
    }
    return render(request, "h5/members/card/my_data.html", context)


@worker_required
@never_cache
@require_GET
def my_data_export(request):
    """Everything held about the worker, in clear, for themselves only (audited)."""
    data = rights.self_export(actor=request.user, person=_person(request))
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-zhijia-data.json"'
    response["X-Zhijia-Reveal"] = "1"
    response["Cache-Control"] = "no-store"
    return response


@worker_required
@require_POST
def consent_withdraw(request, pk):
    try:
        rights.consent_withdraw(actor=request.user, person=_person(request), consent_id=pk)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Your consent is withdrawn. We no longer process that data for this purpose.")
        )
    return redirect("h5:my_data")


@worker_required
@require_POST
def consent_give(request):
    """Opt in to one optional use (members.enums.OPT_IN_PURPOSES) under the current notice."""
    try:
        rights.consent_give(
            actor=request.user,
            person=_person(request),
            purpose=request.POST.get("purpose", ""),
            notice_version=NOTICE_VERSION,
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you. You can withdraw this consent here at any time."))
    return redirect("h5:my_data")


@worker_required
@require_POST
def data_request_create(request):
    person = _person(request)
    form = DataRequestForm(request.POST)
    if form.is_valid():
        try:
            rights.data_request_create(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(
                request, " ".join([str(exc.message), *[str(m) for v in exc.fields.values() for m in v]])
            )
        else:
            messages.success(request, _("Your request was sent to your union. You will see the answer here."))
    else:
        messages.error(request, _("Some fields are not valid."))
    return redirect("h5:my_data")
