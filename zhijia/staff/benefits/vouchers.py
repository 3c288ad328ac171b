"""Finding a voucher by its code (typed, or the scanned QR text) and the staff actions on it:
revoke an unused voucher (with a reason), reverse a redemption. Holders' names are masked."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhijia.benefits.permissions import access_redemption, access_voucher
from zhijia.benefits.selectors.vouchers import voucher_list
from zhijia.benefits.services.redeem import redemption_reverse as reverse_service
from zhijia.benefits.services.vouchers import voucher_revoke as revoke_service
from zhijia.core.errors import ApplicationError
from zhijia.core.masking import mask_name
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with

from .campaigns import fail
from .forms import ReasonForm, VoucherSearchForm

T = "staff/benefits/"


def _found(request, code: str) -> list[dict]:
    """Vouchers with this code in the actor's scope (at most one: codes are unique), with their
    redemptions (the live one can be reversed)."""
    manage = scope_for(request.user, Cap.BENEFITS_MANAGE)
    out = []
    for v in voucher_list(actor=request.user, filters={"code": code})[:5]:
        out.append(
            {
                "v": v,
                "holder": mask_name(v.person.name),
                "redemptions": list(v.redemptions.select_related("outlet__merchant", "cashier")),
                "can_manage": manage.contains(v.campaign.org),
            }
        )
    return out


@staff_required
@require_GET
def voucher_search(request):
    """?code= → the voucher (campaign, holder masked, status, validity, redemptions)."""
    unit_with(request, Cap.BENEFITS_MANAGE)
    form = VoucherSearchForm(request.GET or None)
    found = _found(request, form.cleaned_data["code"]) if form.is_bound and form.is_valid() else None
    context = {"form": form, "found": found, "reason_form": ReasonForm()}
    return render(request, T + "vouchers.html", context)


def _back(request, voucher) -> str:
    return f"{reverse('staff:benefits_vouchers')}?code={voucher.code}"


@staff_required
@require_POST
def voucher_revoke(request, pk):
    voucher = access_voucher(actor=request.user, id=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
    else:
        try:
            revoke_service(actor=request.user, voucher=voucher, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            fail(request, exc)
        else:
            messages.success(request, _("The voucher is revoked."))
    return redirect(_back(request, voucher))


@staff_required
@require_POST
def redemption_reverse(request, pk):
    redemption = access_redemption(actor=request.user, id=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
    else:
        try:
            reverse_service(actor=request.user, redemption=redemption, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            fail(request, exc)
        else:
            messages.success(request, _("The redemption is reversed: the voucher can be used again."))
    return redirect(_back(request, redemption.voucher))
