"""Console pages of the expert pool (专家库): the list, an expert's page (qualifications with
their expiry, unavailable dates, specialties, service area, the linked login), create / edit,
and xlsx export / import of a union's pool. dispatch.menus on the pool's union; every write
goes through dispatch.services.experts."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.selectors import staff_account_find
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.masking import mask_phone
from zhijia.dispatch.enums import ExpertKind
from zhijia.dispatch.permissions import access_expert
from zhijia.dispatch.selectors.experts import expert_list
from zhijia.dispatch.selectors.menus import menus_manage_list
from zhijia.dispatch.services import experts as svc
from zhijia.dispatch.xlsx import expert_export, expert_import, expert_template
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.orgs.forms import ImportForm
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from .common import T, require_any, run
from .forms import ExpertForm, LinkLoginForm, QualificationForm, UnavailabilityForm

EXPIRING_DAYS = 60  # a certificate expiring within this many days is highlighted


def _back(expert):
    return redirect("staff:dispatch_expert_detail", pk=expert.pk)


def _certificate_state(expires_on: dt.date | None, today: dt.date) -> str:
    if expires_on is None:
        return "valid"
    if expires_on < today:
        return "expired"
    return "expiring" if (expires_on - today).days <= EXPIRING_DAYS else "valid"


@staff_required
@require_GET
def dispatch_experts(request):
    """The experts of the pools in the current unit's subtree (name search, active filter)."""
    require_any(request.user, Cap.DISPATCH_MENUS)
    unit = unit_with(request)
    q = request.GET.get("q", "").strip()[:100]
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    experts = list(
        expert_list(actor=request.user, q=q, active=active).filter(subtree_q(unit.path, "org__path"))[:500]
    )
    today = timezone.localdate()
    for e in experts:
        states = [_certificate_state(x.expires_on, today) for x in e.qualifications.all()]
        e.cert_state = "expired" if "expired" in states else ("expiring" if "expiring" in states else "")
    context = {"experts": experts, "unit": unit, "f": {"q": q, "active": request.GET.get("active", "")}}
    return render(request, T + "experts.html", context)


def _expert_form(request, org, expert=None, **kwargs):
    menus = menus_manage_list(actor=request.user).filter(subtree_q(org.path, "org__path"))
    seen: dict[str, str] = {}
    for menu in menus.prefetch_related("items"):
        for item in menu.items.all():
            seen.setdefault(item.code, f"{item.code} · {item.title}")
    specialties = sorted(seen.items())
    if expert is not None:  # codes no longer on any menu stay selectable
        specialties += [(c, c) for c in expert.specialties if c not in seen]
    members = [
        e
        for e in expert_list(actor=request.user, org=org)
        if e.kind == ExpertKind.PERSON and (expert is None or e.pk != expert.pk)
    ]
    return ExpertForm(request.POST or None, org=org, specialties=specialties, members=members, **kwargs)


def _save(request, form, org, expert=None):
    data = form.data_for_service()
    if expert is not None and not data["phone"]:  # blank on edit: keep the stored phone
        data["phone"] = expert.phone
    try:
        return svc.expert_save(actor=request.user, org=org, expert=expert, **data)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        apply_errors(form, exc)
    return None


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_expert_new(request):
    require_any(request.user, Cap.DISPATCH_MENUS)
    org = unit_with(request, Cap.DISPATCH_MENUS, org_id=request.GET.get("org") or request.POST.get("org"))
    form = _expert_form(request, org)
    if request.method == "POST" and form.is_valid():
        expert = _save(request, form, org)
        if expert is not None:
            messages.success(request, _("Expert added to the pool."))
            return _back(expert)
    return render(request, T + "expert_form.html", {"form": form, "org": org, "expert": None})


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_expert_edit(request, pk):
    expert = access_expert(actor=request.user, id=pk)
    initial = {
        "kind": expert.kind,
        "name": expert.name,
        "title": expert.title,
        "bio": expert.bio,
        "specialties": list(expert.specialties),
        "service_area_ids": [o.pk for o in expert.service_areas.all()],
        "monthly_capacity": expert.monthly_capacity,
        "active": expert.active,
        "member_ids": [str(m.pk) for m in expert.members.all()],
    }
    form = _expert_form(request, expert.org, expert, initial=initial, phone_now=mask_phone(expert.phone))
    if request.method == "POST" and form.is_valid() and _save(request, form, expert.org, expert):
        messages.success(request, _("Changes saved."))
        return _back(expert)
    return render(request, T + "expert_form.html", {"form": form, "org": expert.org, "expert": expert})


def _detail(request, expert, **forms):
    today = timezone.localdate()
    qualifications = list(expert.qualifications.all())
    for x in qualifications:
        x.state = _certificate_state(x.expires_on, today)
    context = {
        "e": expert,
        "qualifications": qualifications,
        "unavailable": list(expert.unavailable.order_by("starts_on")),
        "areas": list(expert.service_areas.all()),
        "team": list(expert.members.all()),
        "phone": mask_phone(expert.phone),
        "qualification_form": forms.get("qualification_form") or QualificationForm(),
        "unavailable_form": forms.get("unavailable_form") or UnavailabilityForm(),
        "link_form": forms.get("link_form") or LinkLoginForm(),
        "today": today,
    }
    return render(request, T + "expert_detail.html", context)


@staff_required
@require_GET
def dispatch_expert_detail(request, pk):
    return _detail(request, access_expert(actor=request.user, id=pk))


def _form_step(request, expert, name, form, call, done):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return _back(expert)
    return _detail(request, expert, **{name: form})


@staff_required
@require_POST
def dispatch_qualification_add(request, pk):
    expert = access_expert(actor=request.user, id=pk)
    return _form_step(
        request,
        expert,
        "qualification_form",
        QualificationForm(request.POST),
        lambda data: svc.qualification_save(actor=request.user, expert=expert, **data),
        _("Qualification saved."),
    )


@staff_required
@require_POST
def dispatch_qualification_delete(request, pk, qualification_pk):
    expert = access_expert(actor=request.user, id=pk)
    found = expert.qualifications.filter(pk=qualification_pk).first()
    if found is None:
        raise NotFound()
    run(request, svc.qualification_delete, _("Qualification removed."), qualification=found)
    return _back(expert)


@staff_required
@require_POST
def dispatch_unavailable_add(request, pk):
    expert = access_expert(actor=request.user, id=pk)
    return _form_step(
        request,
        expert,
        "unavailable_form",
        UnavailabilityForm(request.POST),
        lambda data: svc.unavailability_add(actor=request.user, expert=expert, **data),
        _("Unavailable dates saved."),
    )


@staff_required
@require_POST
def dispatch_unavailable_delete(request, pk, period_pk):
    expert = access_expert(actor=request.user, id=pk)
    found = expert.unavailable.filter(pk=period_pk).first()
    if found is None:
        raise NotFound()
    run(request, svc.unavailability_delete, _("Unavailable dates removed."), unavailability=found)
    return _back(expert)


@staff_required
@require_POST
def dispatch_expert_link(request, pk):
    """Link a login to the expert (it gets the expert role on the pool's union), or unlink
    (?unlink=1)."""
    expert = access_expert(actor=request.user, id=pk)
    if request.POST.get("unlink") == "1":
        run(request, svc.expert_link_user, _("The login is unlinked."), expert=expert, user=None)
        return _back(expert)
    form = LinkLoginForm(request.POST)
    if form.is_valid():
        user = staff_account_find(who=form.cleaned_data["username"])
        if user is None:
            form.add_error("username", _("There is no active staff account with this login name."))
        else:
            try:
                svc.expert_link_user(actor=request.user, expert=expert, user=user)
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The login is linked."))
                return _back(expert)
    return _detail(request, expert, link_form=form)


@staff_required
@require_GET
def dispatch_experts_export(request):
    """The pool of ?org= (default: the current unit) as xlsx, phones masked."""
    org = unit_with(request, Cap.DISPATCH_MENUS, org_id=request.GET.get("org") or request.POST.get("org"))
    return xlsx_response(expert_export(actor=request.user, org=org), "experts.xlsx")


@staff_required
@require_GET
def dispatch_experts_template(request):
    return xlsx_response(expert_template(), "experts-template.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_experts_import(request):
    """Experts from a spreadsheet into the pool of ?org= (default: the current unit), matched
    by name and phone; bad rows are listed, the good ones kept."""
    require_any(request.user, Cap.DISPATCH_MENUS)
    org = unit_with(request, Cap.DISPATCH_MENUS, org_id=request.GET.get("org") or request.POST.get("org"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = expert_import(actor=request.user, org=org, data=form.cleaned_data["file"].read())
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
    return render(request, T + "experts_import.html", {"form": form, "org": org, "result": result})
