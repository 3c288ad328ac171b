"""Worker H5: joining the union (网上入会), following the application, and "my transfer".

Joining needs a logged-in worker, who applies as themself with the phone verified by the SMS
login: an anonymous form would let anyone (an employer too) test a stranger's ID number against
the membership rolls. A QR at a 集中入会 event opens /h5/join/?org=<id>; the login keeps that
address as `next`, so the union is still pre-selected afterwards. The union search is public.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_phone
from zhijia.members.enums import ApplicationSource
from zhijia.members.selectors.joining import (
    active_membership_of_worker,
    application_get_for_applicant,
    applications_of_applicant,
    joinable_union_get,
    joinable_unions,
    transfer_open_of,
    transfers_of_worker,
    with_days_left,
)
from zhijia.members.services import joining, transfers
from zhijia.members.services.joining import WORKPLACE_LEVELS
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import org_by_id
from zhijia.web.responses import apply_errors

from ..accounts.decorators import worker_required
from .forms_joining import NOTICE_VERSION, JoinForm, TransferForm

T = "h5/members/joining/"


def _routing(form: JoinForm, preselected: Org | None, has_union: str) -> dict:
    if preselected is not None:
        key = "workplace_org_id" if preselected.level in WORKPLACE_LEVELS else "work_org_id"
        return {key: preselected.pk}
    if has_union == "yes":
        return {"workplace_org_id": form.cleaned_data.get("workplace_org_id")}
    return {"work_org_id": form.cleaned_data.get("work_org_id")}


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def join_apply(request):
    """The join form. POST → members.services.joining.join_apply → the status page."""
    preselected = joinable_union_get(request.GET.get("org") or request.POST.get("org"))
    form = JoinForm(request.POST or None)
    has_union = request.POST.get("has_union", "yes" if preselected is None else "")
    if request.method == "POST" and form.is_valid():
        try:
            joining.join_apply(
                actor=request.user,
                data=form.person_data(),
                notify_employer=form.cleaned_data["notify_employer"],
                consent_version=NOTICE_VERSION if form.cleaned_data["consent"] else "",
                source=ApplicationSource.QR if preselected else ApplicationSource.H5,
                **_routing(form, preselected, has_union),
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your application was sent."))
            return redirect("h5:join_status")
    if form.is_bound:  # never echo an identity number back into the page
        data = request.POST.copy()
        data["id_number"] = ""
        form.data = data
    context = {
        "form": form,
        "preselected": preselected,
        "has_union": has_union,
        "picked": _picked(form),
        "notice_version": NOTICE_VERSION,
        "masked_phone": mask_phone(request.user.phone),
    }
    return render(request, T + "apply.html", context)


def _picked(form: JoinForm) -> dict:
    """The unions chosen before a failed submit, to show them ticked again."""
    out = {}
    for key in ("workplace_org_id", "work_org_id"):
        org = joinable_union_get(form.data.get(key)) if form.is_bound else None
        if org is not None:
            out[key] = org
    return out


@require_GET
def join_unions(request):
    """HTMX: unions matching ?q= (kind=workplace: grassroots; area: street/town/park), as radios."""
    kind = "area" if request.GET.get("kind") == "area" else "workplace"
    q = request.GET.get("q", "").strip()[:50]
    unions = joinable_unions(q, kind) if q else []
    field = "work_org_id" if kind == "area" else "workplace_org_id"
    return render(request, T + "_unions.html", {"unions": unions, "field": field, "q": q})


@never_cache
@worker_required
@require_GET
def join_status(request):
    """The worker's applications: state, union, due date, member number or reason."""
    apps = with_days_left(applications_of_applicant(actor=request.user))
    return render(request, T + "status.html", {"apps": apps})


@worker_required
@require_POST
def join_withdraw(request, pk):
    app = application_get_for_applicant(actor=request.user, id=pk)
    try:
        joining.application_withdraw(actor=request.user, application=app)
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("h5:join_status")


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def join_transfer(request):
    """My transfer: ask to move my membership to another union, or cancel my open request."""
    membership = active_membership_of_worker(actor=request.user)
    open_transfer = transfer_open_of(membership) if membership else None
    form = TransferForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "cancel" and open_transfer is not None:
        _cancel(request, open_transfer)
        return redirect("h5:join_transfer")
    if request.method == "POST" and membership is not None and form.is_valid():
        try:
            transfers.transfer_request(
                actor=request.user,
                membership=membership,
                to_org=org_by_id(form.cleaned_data["to_org"]),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your transfer request was sent to the receiving union."))
            return redirect("h5:join_transfer")
    q = request.GET.get("q", "").strip()[:50]
    context = {
        "membership": membership,
        "open_transfer": open_transfer,
        "history": transfers_of_worker(actor=request.user),
        "form": form,
        "q": q,
        "candidates": (joinable_unions(q, "workplace") + joinable_unions(q, "area")) if q else [],
    }
    return render(request, T + "transfer.html", context)


def _cancel(request, transfer) -> None:
    try:
        transfers.transfer_cancel(actor=request.user, transfer=transfer)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your transfer request was cancelled."))
