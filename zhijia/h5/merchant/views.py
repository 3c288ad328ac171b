"""The merchant till (/h5/merchant/): a cashier (商户核销员) on a phone picks their outlet (when
they work at several), scans the voucher's QR with the camera (BarcodeDetector where the browser
has it) or types its code, sees the voucher (campaign, value, minimum bill, masked holder),
enters the bill and confirms; the answer is what the customer still pays ("应付 X 元"). Today's
redemptions at the outlet list below, each reversible within the reversal window.

Cashiers are staff accounts: they log in on the console's login page (password and, when set up
or required, TOTP). An outlet is reached only through benefits.permissions.
access_outlet_as_cashier (404 for any outlet where the caller is not a cashier). The confirm
form carries an idempotency key drawn with the preview, so a double tap or a retried POST is
answered with the first redemption, never a second one."""

import datetime as dt
import uuid
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.models import UserKind
from zhijia.accounts.otp import needs_otp
from zhijia.benefits.codes import mask_code
from zhijia.benefits.permissions import access_outlet_as_cashier, access_redemption
from zhijia.benefits.selectors.reports import reconciliation_totals
from zhijia.benefits.selectors.vouchers import cashier_outlets, outlet_redemptions
from zhijia.benefits.services.redeem import (
    redemption_reverse,
    reversal_minutes,
    voucher_preview,
    voucher_redeem,
)
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.members.consent import merchant_holder_name
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap

from ..benefits import display
from ..benefits.forms import CodeForm, RedeemForm, ReverseForm

T = "h5/merchant/"
BILL_ERRORS = {"below_threshold", "invalid"}


def cashier_login_required(view):
    """A staff account logged in on the console (second factor verified when it needs one);
    anyone else — workers included — goes to the console's login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if (
            not user.is_authenticated
            or user.kind != UserKind.STAFF
            or (needs_otp(user) and not user.is_verified())
        ):
            return redirect_to_login(request.get_full_path(), "staff:login")
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@cashier_login_required
@require_GET
def home(request):
    """The outlets where the caller is a cashier: straight to the till when there is one. 403 for
    staff without benefits.redeem anywhere."""
    if scope_for(request.user, Cap.BENEFITS_REDEEM).empty:
        raise PermissionDenied(_("This page is for merchant cashiers."))
    outlets = list(cashier_outlets(user=request.user))
    if len(outlets) == 1 and not request.GET.get("all"):
        return redirect("h5:merchant_redeem", pk=outlets[0].pk)
    return render(request, T + "home.html", {"outlets": outlets})


def _preview(request, outlet, code: str, context: dict[str, Any]) -> dict[str, Any]:
    voucher = voucher_preview(actor=request.user, outlet=outlet, code=code)
    context.update(
        step="preview",
        voucher=voucher,
        code=code,
        value_text=display.value(voucher)["text"],
        holder=merchant_holder_name(voucher.person),
    )
    return context


@never_cache
@cashier_login_required
@require_http_methods(["GET", "POST"])
def redeem(request, pk):
    """GET: scan or type. POST action=preview: the voucher and the bill form (with a new
    idempotency key). POST action=confirm: redeem, then the amount to collect."""
    outlet = access_outlet_as_cashier(user=request.user, id=pk)
    context: dict[str, Any] = {"outlet": outlet, "step": "scan"}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "preview":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                _preview(request, outlet, form.cleaned_data["code"], context)
                context["key"] = uuid.uuid4().hex
            except ApplicationError as exc:
                if isinstance(exc, NotFound):
                    raise
                context.update(refusal=display.refusal(exc), code=_typed(form.cleaned_data["code"]))
    elif action == "confirm":
        _confirm(request, outlet, context)
    return render(request, T + "redeem.html", context)


def _typed(code: str) -> str:
    """Put a typed code back in the box; a scanned payload is not worth showing again."""
    return code if len(code) <= 20 else ""


def _confirm(request, outlet, context: dict[str, Any]) -> None:
    form = RedeemForm(request.POST)
    code, key = request.POST.get("code", ""), request.POST.get("key", "")[:100]
    if not form.is_valid():
        if "code" in form.errors:
            context["refusal"] = display.refusal("bad_code")
            return
        try:
            _preview(request, outlet, code, context)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            context["refusal"] = display.refusal(exc)
            return
        context.update(key=key, bill=request.POST.get("bill", ""), bill_error=_("Enter the bill in yuan."))
        return
    data = form.cleaned_data
    try:
        redemption = voucher_redeem(
            actor=request.user, outlet=outlet, code=data["code"], bill=data["bill"], idempotency_key=key
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        if exc.code in BILL_ERRORS:  # show the voucher again with the bill's error
            _preview(request, outlet, data["code"], context)
            context.update(key=key, bill=data["bill"], bill_error=str(exc.message))
            return
        context["refusal"] = display.refusal(exc)
        return
    context.update(
        step="done",
        redemption=redemption,
        voucher=redemption.voucher,
        to_pay=display.yuan(redemption.to_pay) or "0",
    )


@never_cache
@cashier_login_required
@require_GET
def today(request, pk):
    """Today's redemptions at the outlet, newest first, with totals; reversible ones (by this
    cashier's rights: within the reversal window) have a reverse form."""
    outlet = access_outlet_as_cashier(user=request.user, id=pk)
    now = timezone.now()
    window = dt.timedelta(minutes=reversal_minutes())
    rows = []
    for r in outlet_redemptions(actor=request.user, outlet=outlet):
        until = r.at + window
        rows.append(
            {
                "r": r,
                "holder": merchant_holder_name(r.voucher.person),
                "code": mask_code(r.voucher.code),
                "reversible": r.reversed_at is None and now <= until and now < r.voucher.expires_at,
                "until": until,
                # reconciliation_totals' row shape
                "reversed": r.reversed_at is not None,
                "face_value": r.face_value,
                "bill": r.bill,
                "to_pay": r.to_pay,
            }
        )
    context = {"outlet": outlet, "rows": rows, "totals": reconciliation_totals(rows), "day": now}
    return render(request, T + "today.html", context)


@cashier_login_required
@require_POST
def reverse(request, pk):
    """Reverse a redemption (the outlet's cashier within the window), back to today's list."""
    redemption = access_redemption(actor=request.user, id=pk)
    form = ReverseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        redemption_reverse(actor=request.user, redemption=redemption, reason=reason)
    except ApplicationError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        refusal = display.refusal(exc)
        messages.error(request, " ".join([refusal["title"], *refusal["reasons"]]))
    else:
        messages.success(request, _("The redemption is reversed: the voucher can be used again."))
    return redirect("h5:merchant_today", pk=redemption.outlet_id)
