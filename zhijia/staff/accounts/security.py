"""'My security': the signed-in user's own second factor and password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_texts
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from zhijia.accounts import otp
from zhijia.accounts.middleware import password_change_due
from zhijia.accounts.services import user_set_password
from zhijia.core.errors import ValidationFailed
from zhijia.staff.decorators import staff_required

from .forms import OtpForm, PasswordChangeForm, show_error

SETUP_KEY = "zhijia_otp_setup"


@staff_required
def security(request):
    user = request.user
    context = {"has_device": otp.has_device(user), "password_due": password_change_due(user)}
    return render(request, "staff/accounts/security.html", context)


@never_cache
@staff_required
@sensitive_post_parameters("otp")
def otp_setup(request):
    """Set up or replace one's TOTP device. The old device keeps working until the new one is
    confirmed with a code; then it is removed and this session counts as verified."""
    device = otp.enrolment_start(request.user, request.session.get(SETUP_KEY))
    request.session[SETUP_KEY] = str(device.pk)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.enrolment_confirm(actor=request.user, device=device, token=form.cleaned_data["otp"]):
            request.session.pop(SETUP_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect("staff:security")
        form.add_error("otp", _("The code is wrong or has expired."))
    context = {
        "form": form,
        "qr": otp.qr_data_uri(device),
        "secret": otp.secret_text(device),
        "replacing": otp.has_device(request.user),
    }
    return render(request, "staff/accounts/otp_setup.html", context)


@never_cache
@staff_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    """Change one's own password (also where SecurityPolicyMiddleware sends a due change)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                field="new_password1",
            )
        except ValidationFailed as exc:
            show_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay logged in, new session key
            messages.success(request, _("Your password has been changed."))
            return redirect("staff:security")
    context = {
        "form": form,
        "due": password_change_due(request.user),
        "policy": password_validators_help_texts(),
    }
    return render(request, "staff/accounts/password_change.html", context)
