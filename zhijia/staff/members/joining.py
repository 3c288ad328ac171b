"""Console pages for joining and transfers: parse → access check → service/selector → render.

The review queue lists applications to unions in the user's members.review scope, overdue ones
first. Every object page goes through members.permissions / the transfer access helper, so an
application or transfer outside the user's scope is a 404 and inside without the capability 403.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_name, mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.members.enums import ApplicationStatus, TransferStatus
from zhijia.members.permissions import access_application, access_membership, access_transfer
from zhijia.members.selectors.joining import (
    application_counts,
    application_list,
    forward_targets,
    joinable_unions,
    transfer_list,
    transfer_open_of,
    with_days_left,
)
from zhijia.members.services import joining, transfers
from zhijia.members.services.joining import JOINABLE_LEVELS
from zhijia.orgs.access import require_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_by_id
from zhijia.staff.decorators import staff_required
from zhijia.web.responses import apply_errors

from .forms_joining import ForwardForm, ReasonForm, TransferForm

PAGE_SIZE = 50
T = "staff/members/joining/"


def _person(person) -> dict:
    return {
        "name": mask_name(person.name),
        "id_type": person.get_id_type_display(),
        "id_number": mask_identity(person.id_type, person.id_number),
        "phone": mask_phone(person.phone),
        "gender": person.get_gender_display(),
        "birth_date": person.birth_date,
        "occupation": person.get_occupation_display(),
        "employer": person.employer,
        "job_title": person.job_title,
    }


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@staff_required
@require_GET
def application_list_view(request):
    """The review queue: open applications first, the earliest deadline first (overdue lead)."""
    require_cap(request.user, Cap.MEMBERS_REVIEW)
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    status = status if status in ApplicationStatus.values else ""
    overdue = _flag(request.GET.get("overdue", ""))
    q = request.GET.get("q", "").strip()[:100]
    qs = application_list(actor=request.user, status=status or None, overdue=overdue, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_days_left(list(page.object_list))
    for app in rows:
        app.masked_name = mask_name(app.person.name)
        app.days_over = -app.days_left if app.days_left is not None and app.days_left < 0 else 0
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "overdue": request.GET.get("overdue", ""),
        "q": q,
        "statuses": ApplicationStatus.choices,
        "counts": application_counts(actor=request.user),
    }
    return render(request, T + "list.html", context)


def _detail(request, app, *, reject_form=None, forward_form=None):
    targets = forward_targets(actor=request.user, application=app, q=request.GET.get("fq", ""))
    context = {
        "app": with_days_left([app])[0],
        "person": _person(app.person),
        "member_no": app.membership.member_no if app.membership_id else None,
        "open": app.status == ApplicationStatus.SUBMITTED,
        "reject_form": reject_form or ReasonForm(),
        "forward_form": forward_form or ForwardForm(targets=targets),
    }
    return render(request, T + "detail.html", context)


@staff_required
@require_GET
def application_detail(request, pk):
    return _detail(request, access_application(actor=request.user, id=pk))


@staff_required
@require_POST
def application_approve(request, pk):
    app = access_application(actor=request.user, id=pk)
    try:
        joining.application_approve(actor=request.user, application=app)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Application approved; a member number was issued."))
    return redirect("staff:application_detail", pk=app.pk)


@staff_required
@require_POST
def application_reject(request, pk):
    app = access_application(actor=request.user, id=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            joining.application_reject(
                actor=request.user, application=app, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Application rejected."))
            return redirect("staff:application_detail", pk=app.pk)
    return _detail(request, app, reject_form=form)


@staff_required
@require_POST
def application_forward(request, pk):
    app = access_application(actor=request.user, id=pk)
    form = ForwardForm(
        request.POST, targets=forward_targets(actor=request.user, application=app, limit=10**6)
    )
    if form.is_valid():
        try:
            joining.application_forward(actor=request.user, application=app, to_org=form.cleaned_data["org"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Application forwarded."))
            return redirect("staff:application_list")
    return _detail(request, app, forward_form=form)


@staff_required
@require_GET
def transfer_list_view(request):
    require_cap(request.user, Cap.MEMBERS_REVIEW)
    direction = request.GET.get("direction", "")
    direction = direction if direction in ("in", "out") else ""
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    qs = transfer_list(actor=request.user, direction=direction or None, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for tr in page.object_list:
        tr.masked_name = mask_name(tr.membership.person.name)
    context = {"page": page, "direction": direction, "status": status, "statuses": TransferStatus.choices}
    return render(request, T + "transfer_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def transfer_create(request):
    """Request a transfer of ?membership=<id> (members.manage on its union)."""
    membership_id = request.GET.get("membership") or request.POST.get("membership")
    if not membership_id:
        raise NotFound()
    membership = access_membership(actor=request.user, id=membership_id, cap=Cap.MEMBERS_MANAGE)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tr = transfers.transfer_request(
                actor=request.user,
                membership=membership,
                to_org=org_by_id(form.cleaned_data["to_org"]),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Transfer requested."))
            return redirect("staff:transfer_detail", pk=tr.pk)
    q = request.GET.get("q", "").strip()[:50]
    context = {
        "form": form,
        "membership": membership,
        "masked_name": mask_name(membership.person.name),
        "q": q,
        "candidates": [o for o in joinable_unions(q, "workplace") + joinable_unions(q, "area") if q],
        "open_transfer": transfer_open_of(membership),
    }
    return render(request, T + "transfer_form.html", context)


def _transfer_page(request, tr, *, reject_form=None):
    context = {
        "tr": tr,
        "masked_name": mask_name(tr.membership.person.name),
        "can_decide": tr.status == TransferStatus.REQUESTED
        and scope_for(request.user, Cap.MEMBERS_REVIEW).contains(tr.to_org),
        "can_cancel": tr.status == TransferStatus.REQUESTED and tr.requested_by_id == request.user.pk,
        "reject_form": reject_form or ReasonForm(),
    }
    return render(request, T + "transfer_detail.html", context)


@staff_required
@require_GET
def transfer_detail(request, pk):
    return _transfer_page(request, access_transfer(actor=request.user, id=pk))


@staff_required
@require_POST
def transfer_accept(request, pk):
    tr = access_transfer(actor=request.user, id=pk, cap=Cap.MEMBERS_REVIEW, side="to")
    try:
        transfers.transfer_accept(actor=request.user, transfer=tr)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Transfer accepted; a new member number was issued."))
    return redirect("staff:transfer_detail", pk=tr.pk)


@staff_required
@require_POST
def transfer_reject(request, pk):
    tr = access_transfer(actor=request.user, id=pk, cap=Cap.MEMBERS_REVIEW, side="to")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            transfers.transfer_reject(actor=request.user, transfer=tr, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Transfer rejected."))
            return redirect("staff:transfer_detail", pk=tr.pk)
    return _transfer_page(request, tr, reject_form=form)


@staff_required
@require_POST
def transfer_cancel(request, pk):
    tr = access_transfer(actor=request.user, id=pk)
    try:
        transfers.transfer_cancel(actor=request.user, transfer=tr)
    except NotFound:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Transfer request cancelled."))
    return redirect("staff:transfer_detail", pk=tr.pk)


@staff_required
@require_GET
def join_qr(request, pk):
    """A printable A4 "scan to join" poster for a union (members.review on it): the QR opens
    /h5/join/?org=<id>, which pre-selects the union (集中入会 events); a worker not yet logged in
    logs in by SMS first and comes back to it. Inline SVG, no network."""
    org = access_org(actor=request.user, id=pk, cap=Cap.MEMBERS_REVIEW)
    path = reverse("h5:join") + f"?org={org.pk}"
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    url = base + path if base else request.build_absolute_uri(path)
    joinable = org.level in JOINABLE_LEVELS and org.status == "active"
    svg = segno.make(url, error="m").svg_inline(scale=8, dark="#000", light="#fff") if joinable else ""
    return render(request, T + "qr.html", {"org": org, "url": url, "svg": svg, "joinable": joinable})
