"""Console pages of partner merchants: list, create/edit, the merchant with its outlets and
cashiers (add a cashier by the username or phone of an existing account; the service grants the
role), and the daily reconciliation (table and xlsx). Writes go through
zhijia.benefits.services.merchants (which audit them)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.selectors import staff_account_find
from zhijia.benefits import xlsx
from zhijia.benefits.permissions import access_cashier, access_merchant, access_outlet
from zhijia.benefits.selectors.campaigns import merchant_list
from zhijia.benefits.selectors.reports import reconciliation_rows, reconciliation_totals
from zhijia.benefits.services import merchants as svc
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_phone
from zhijia.orgs.access import check, has_cap, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors, xlsx_response

from .campaigns import fail
from .forms import CashierForm, DayForm, MerchantForm, OutletForm

T = "staff/benefits/"
PAGE_SIZE = 50
MANAGE, VIEW = Cap.BENEFITS_MANAGE, Cap.BENEFITS_VIEW


@staff_required
@require_GET
def merchant_list_view(request):
    """Merchants signed in the current unit's subtree (benefits.view or manage)."""
    unit = unit_with(request, MANAGE if has_cap(request.user, MANAGE) else VIEW)
    q = request.GET.get("q", "").strip()[:100]
    rows = merchant_list(actor=request.user, filters={"q": q}).filter(subtree_q(unit.path, "org__path"))
    page = Paginator(rows.prefetch_related("outlets"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "page": page,
        "q": q,
        "can_manage": scope_for(request.user, MANAGE).contains(unit),
    }
    return render(request, T + "merchants.html", context)


def _merchant_form_page(request, *, form, merchant=None):
    return render(request, T + "merchant_form.html", {"form": form, "merchant": merchant})


@staff_required
@require_http_methods(["GET", "POST"])
def merchant_new(request):
    """A merchant signed by the current unit (benefits.manage there)."""
    unit = unit_with(request, MANAGE)
    check(request.user, MANAGE, unit)
    form = MerchantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = svc.merchant_save(actor=request.user, org=unit, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, _("Merchant added. Add its outlets next."))
            return redirect("staff:benefits_merchant_detail", pk=merchant.pk)
    return _merchant_form_page(request, form=form)


@staff_required
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk):
    merchant = access_merchant(actor=request.user, id=pk)
    initial = {n: getattr(merchant, n) for n in MerchantForm.base_fields}
    form = MerchantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.merchant_save(actor=request.user, org=merchant.org, merchant=merchant, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:benefits_merchant_detail", pk=merchant.pk)
    return _merchant_form_page(request, form=form, merchant=merchant)


@staff_required
@require_GET
def merchant_detail(request, pk):
    """The merchant, its outlets with their cashiers (add / remove), and its campaigns."""
    merchant = access_merchant(actor=request.user, id=pk)
    outlets = list(merchant.outlets.prefetch_related("cashiers__user"))
    context = {
        "m": merchant,
        "contact_phone": mask_phone(merchant.contact_phone),
        "outlets": outlets,
        "cashier_form": CashierForm(),
        "campaigns": list(merchant.campaigns.select_related("org").order_by("-created_at")[:20]),
        "today": timezone.localdate(),
    }
    return render(request, T + "merchant.html", context)


def _outlet_form_page(request, *, form, merchant, outlet=None):
    return render(request, T + "outlet_form.html", {"form": form, "m": merchant, "outlet": outlet})


@staff_required
@require_http_methods(["GET", "POST"])
def outlet_new(request, pk):
    merchant = access_merchant(actor=request.user, id=pk)
    form = OutletForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.outlet_save(actor=request.user, merchant=merchant, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, _("Outlet added."))
            return redirect("staff:benefits_merchant_detail", pk=merchant.pk)
    return _outlet_form_page(request, form=form, merchant=merchant)


@staff_required
@require_http_methods(["GET", "POST"])
def outlet_edit(request, pk):
    outlet = access_outlet(actor=request.user, id=pk)
    merchant = outlet.merchant
    initial = {n: getattr(outlet, n) for n in OutletForm.base_fields}
    form = OutletForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.outlet_save(actor=request.user, merchant=merchant, outlet=outlet, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:benefits_merchant_detail", pk=merchant.pk)
    return _outlet_form_page(request, form=form, merchant=merchant, outlet=outlet)


@staff_required
@require_POST
def cashier_add(request, pk):
    """Make an existing account (username or phone) a cashier of the outlet."""
    outlet = access_outlet(actor=request.user, id=pk)
    form = CashierForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type a username or a phone number."))
        return redirect("staff:benefits_merchant_detail", pk=outlet.merchant_id)
    user = staff_account_find(who=form.cleaned_data["who"])
    if user is None:
        messages.error(request, _("No active staff account has this username or phone."))
        return redirect("staff:benefits_merchant_detail", pk=outlet.merchant_id)
    try:
        svc.cashier_add(actor=request.user, outlet=outlet, user=user)
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(
            request,
            _("%(user)s can now redeem vouchers at %(outlet)s.")
            % {"user": user.display_name or user.get_username(), "outlet": outlet.name},
        )
    return redirect("staff:benefits_merchant_detail", pk=outlet.merchant_id)


@staff_required
@require_POST
def cashier_remove(request, pk):
    cashier = access_cashier(actor=request.user, id=pk)
    merchant_id = cashier.outlet.merchant_id
    try:
        svc.cashier_remove(actor=request.user, cashier=cashier)
    except ApplicationError as exc:
        fail(request, exc)
    else:
        messages.success(request, _("The account can no longer redeem at this outlet."))
    return redirect("staff:benefits_merchant_detail", pk=merchant_id)


def _day(request):
    form = DayForm(request.GET or None, initial={"day": timezone.localdate()})
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() else timezone.localdate()
    return form, day


@staff_required
@require_GET
def reconciliation(request, pk):
    """The merchant's redemptions on one day (reversed ones marked) with totals."""
    merchant = access_merchant(actor=request.user, id=pk, cap=VIEW)
    form, day = _day(request)
    rows = reconciliation_rows(actor=request.user, merchant=merchant, day=day)
    context = {
        "m": merchant,
        "form": form,
        "day": day,
        "rows": rows,
        "totals": reconciliation_totals(rows),
        "can_manage": scope_for(request.user, MANAGE).contains(merchant.org),
    }
    return render(request, T + "reconciliation.html", context)


@staff_required
@require_GET
def reconciliation_xlsx(request, pk):
    merchant = access_merchant(actor=request.user, id=pk, cap=VIEW)
    _form, day = _day(request)
    content = xlsx.reconciliation_xlsx(actor=request.user, merchant=merchant, day=day)
    return xlsx_response(content, f"reconciliation-{day.isoformat()}.xlsx")
