"""Console pages of the member registry, the card check and personal-data requests:
parse → access check → service/selector → render. Every personal value shown is masked; the
only clear values are in the reveal fragment (members.reveal, audited, `X-Zhijia-Reveal`)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, Conflict, NotFound
from zhijia.core.masking import mask_name, mask_phone, mask_text
from zhijia.core.validators.identity import mask_identity
from zhijia.members.enums import DataRequestKind, DataRequestStatus, MemberStatus
from zhijia.members.history import history_rows
from zhijia.members.permissions import access_membership
from zhijia.members.selectors.registry import (
    data_request_get,
    data_request_list,
    member_get,
    member_list,
    member_org,
    member_register_targets,
)
from zhijia.members.services import card, registry, rights
from zhijia.orgs.access import require_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit, unit_with
from zhijia.web.responses import apply_errors, is_htmx

from .forms_registry import (
    CardVerifyForm,
    FamilyForm,
    HandleForm,
    PersonForm,
    RegisterForm,
    RetainForm,
    WithdrawForm,
)

PAGE_SIZE = 50
T = "staff/members/registry/"


def masked_person(person) -> dict[str, Any]:
    """What the console shows of a person: every identifying value masked."""
    return {
        "name": mask_name(person.name),
        "id_type": person.get_id_type_display() if person.id_type else "",
        "id_number": mask_identity(person.id_type, person.id_number) if person.id_number else "",
        "phone": mask_phone(person.phone),
        "person": person,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def member_list_view(request):
    """Members of the current unit's subtree, search box and status filter (HTMX results).

    The search form posts, so an identity number or phone searched for never lands in a URL
    (history, logs, the page's own links); a GET carrying one is sent back to the bare list."""
    require_cap(request.user, Cap.MEMBERS_VIEW)
    unit = unit_with(request, Cap.MEMBERS_VIEW)
    params = request.POST if request.method == "POST" else request.GET
    q, status = params.get("q", "").strip()[:100], params.get("status", "")
    if request.method == "GET" and mask_text(q) != q:
        return redirect("staff:member_list")
    rows = member_list(actor=request.user, q=q, org=unit, status=status or None)
    page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
    rows_shown = [(m, masked_person(m.person)) for m in page]
    context = {
        "unit": unit,
        "q": mask_text(q),  # never echoed in clear
        "link_q": q if mask_text(q) == q else "",
        "status": status,
        "statuses": MemberStatus.choices,
        "page": page,
        "rows": rows_shown,
        "can_manage": scope_for(request.user, Cap.MEMBERS_MANAGE).contains(unit),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "member-results":
        return render(request, T + "_results.html", context)
    return render(request, T + "list.html", context)


@staff_required
@require_GET
def member_detail(request, pk):
    membership = member_get(actor=request.user, id=pk)
    org = membership.org
    context = {
        "m": membership,
        "shown": masked_person(membership.person),
        "family": [
            {"f": f, "name": mask_name(f.name), "id_number": mask_identity(f.id_type, f.id_number)}
            for f in membership.person.family.all()
        ],
        "events": [{**row, "note": mask_text(row["note"])} for row in history_rows(membership.events.all())],
        "can_manage": scope_for(request.user, Cap.MEMBERS_MANAGE).contains(org),
        "can_reveal": scope_for(request.user, Cap.MEMBERS_REVEAL).contains(org),
        "retain_form": RetainForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, T + "detail.html", context)


@staff_required
@require_POST
def member_reveal(request, pk, field):
    """HTMX: the clear value, audited (members.reveal on the member's union), never cached."""
    membership = member_get(actor=request.user, id=pk)
    value = registry.member_reveal(actor=request.user, membership=membership, field=field)
    response = render(request, T + "_reveal.html", {"field": field, "value": value})
    response["X-Zhijia-Reveal"] = "1"
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    """Register a member directly in a union of the current unit's subtree (members.manage)."""
    require_cap(request.user, Cap.MEMBERS_MANAGE)
    targets = member_register_targets(actor=request.user, within=current_unit(request))
    form = RegisterForm(request.POST or None, targets=targets, initial={"org": request.GET.get("org")})
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["org"]
        member_org(actor=request.user, id=org.pk)  # re-checked through the access layer
        try:
            membership = registry.member_register(
                actor=request.user, org=org, data=form.changes(), joined_on=form.cleaned_data["joined_on"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member registered."))
            return redirect("staff:member_detail", pk=membership.pk)
    return render(request, T + "form.html", {"form": form, "m": None})


@staff_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    membership = access_membership(actor=request.user, id=pk, cap=Cap.MEMBERS_MANAGE)
    person = membership.person
    fields = [f for f in PersonForm.base_fields if f not in ("id_number", "phone")]
    shown = masked_person(person)
    form = PersonForm(
        request.POST or None,
        initial={f: getattr(person, f) for f in fields},
        masked={"id_number": shown["id_number"], "phone": shown["phone"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            registry.member_update(actor=request.user, membership=membership, data=form.changes())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:member_detail", pk=membership.pk)
    return render(request, T + "form.html", {"form": form, "m": membership})


@staff_required
@require_POST
def member_status(request, pk):
    """POST action=retain (with reason) / reinstate / withdraw (with note)."""
    membership = access_membership(actor=request.user, id=pk, cap=Cap.MEMBERS_MANAGE)
    action = request.POST.get("action", "")
    try:
        if action == "retain":
            registry.member_retain(
                actor=request.user, membership=membership, reason=request.POST.get("reason", "")
            )
        elif action == "reinstate":
            registry.member_reinstate(actor=request.user, membership=membership)
        elif action == "withdraw":
            registry.member_withdraw(
                actor=request.user, membership=membership, note=request.POST.get("note", "")
            )
        else:
            raise NotFound()
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Membership status changed."))
    return redirect("staff:member_detail", pk=membership.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def family_add(request, pk):
    membership = access_membership(actor=request.user, id=pk, cap=Cap.MEMBERS_MANAGE)
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registry.family_add(actor=request.user, membership=membership, data=form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Family member added."))
            return redirect("staff:member_detail", pk=membership.pk)
    return render(request, T + "family_form.html", {"form": form, "m": membership})


@staff_required
@require_POST
def family_remove(request, pk, family_pk):
    membership = access_membership(actor=request.user, id=pk, cap=Cap.MEMBERS_MANAGE)
    try:
        registry.family_remove(actor=request.user, membership=membership, family_id=family_pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Family member removed."))
    return redirect("staff:member_detail", pk=membership.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def card_verify(request):
    """Check a scanned e-member card (members.view anywhere); the answer is masked."""
    require_cap(request.user, Cap.MEMBERS_VIEW)
    form = CardVerifyForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = card.card_verify(actor=request.user, token=form.cleaned_data["token"])
        except ApplicationError as exc:
            apply_errors(form, exc)
    status_label = MemberStatus(result.status).label if result else ""
    context = {"form": form, "result": result, "status_label": status_label}
    if is_htmx(request):
        return render(request, T + "_card_result.html", context)
    return render(request, T + "card_verify.html", context)


@staff_required
@require_GET
def data_request_list_view(request):
    require_cap(request.user, Cap.MEMBERS_MANAGE)
    status = request.GET.get("status", "")
    rows = data_request_list(
        actor=request.user, status=status if status in DataRequestStatus.values else None
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(item, mask_name(item.person.name)) for item in page],
        "status": status,
        "statuses": DataRequestStatus.choices,
    }
    return render(request, T + "data_requests.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def data_request_detail(request, pk):
    """Handle a request: close it as done / refused, or (deletion) anonymise the person."""
    item = data_request_get(actor=request.user, id=pk)
    form = HandleForm(request.POST if request.POST.get("action") == "handle" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "anonymise":
                rights.data_request_anonymise(
                    actor=request.user, request=item, answer=request.POST.get("answer", "")
                )
                messages.success(request, _("The person's data was anonymised."))
                return redirect("staff:data_request_detail", pk=item.pk)
            if form.is_valid():
                rights.data_request_handle(actor=request.user, request=item, **form.cleaned_data)
                messages.success(request, _("Request closed."))
                return redirect("staff:data_request_detail", pk=item.pk)
        except ApplicationError as exc:
            apply_errors(form, exc)
    memberships = [
        {"m": m, "can_view": scope_for(request.user, Cap.MEMBERS_VIEW).contains(m.org)}
        for m in item.person.memberships.select_related("org")
    ]
    context = {
        "item": item,
        "form": form,
        "name": mask_name(item.person.name),
        "detail": mask_text(item.detail),
        "memberships": memberships,
        "is_deletion": item.kind == DataRequestKind.DELETION,
    }
    return render(request, T + "data_request.html", context)
