"""Console login (password, then TOTP or first enrolment) and logout.

Between the two steps the session holds only a "pending" record (user id, deadline, next URL);
the user is logged in (session key rotated by django.contrib.auth.login) only after the second
factor, so an attacker with the password alone gets nothing.
"""

import time

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhijia.accounts import otp
from zhijia.accounts.lockout import lockout_response
from zhijia.accounts.login import (
    InvalidCredentials,
    LockedOut,
    OtpRequired,
    login_audit,
    otp_check,
    password_check,
)
from zhijia.accounts.selectors import active_user
from zhijia.core.audit import audit_log
from zhijia.core.masking import PHONE_RE

from .forms import LoginForm, OtpForm

PENDING_KEY = "zhijia_login_pending"
PENDING_SECONDS = 300


@never_cache
@sensitive_post_parameters("password")
def login_view(request):
    """Step 1: username and password (django-axes counts failures on username + IP)."""
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_check(request=request, **form.cleaned_data)
        except LockedOut:
            return lockout_response(request)
        except InvalidCredentials as exc:
            form = _without_phone(form)
            form.add_error(None, str(exc.message))
        else:
            if not otp.needs_otp(user):
                return _finish(request, user, None, next_url)
            request.session[PENDING_KEY] = {
                "user": str(user.pk),
                "backend": user.backend,
                "until": time.time() + PENDING_SECONDS,
                "next": next_url,
            }
            return redirect("staff:login_otp" if otp.has_device(user) else "staff:login_enrol")
    return render(request, "staff/login.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("otp")
def login_otp(request):
    """Step 2: the TOTP code. Wrong codes count towards the axes lockout like wrong passwords."""
    user, pending = _pending(request)
    if user is None:
        return redirect("staff:login")
    if not otp.has_device(user):
        return redirect("staff:login_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp_check(request=request, user=user, token=form.cleaned_data["otp"])
        except LockedOut:
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request)
        except OtpRequired as exc:
            form.add_error("otp", str(exc.message))
        else:
            return _finish(request, user, device, pending["next"])
    return render(request, "staff/accounts/login_otp.html", {"form": form})


@never_cache
@sensitive_post_parameters("otp")
def login_enrol(request):
    """Step 2 when 2FA is required and the user has no device yet: show a new secret as a QR
    code and as text, confirm it with a code, then log in verified."""
    user, pending = _pending(request)
    if user is None or not otp.needs_otp(user):
        return redirect("staff:login")
    if otp.has_device(user):
        return redirect("staff:login_otp")
    device = otp.enrolment_start(user, pending.get("device"))
    pending["device"] = str(device.pk)
    request.session[PENDING_KEY] = pending
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.enrolment_confirm(actor=user, device=device, token=form.cleaned_data["otp"]):
            return _finish(request, user, device, pending["next"])
        form.add_error("otp", _("The code is wrong or has expired."))
    context = {"form": form, "qr": otp.qr_data_uri(device), "secret": otp.secret_text(device)}
    return render(request, "staff/accounts/login_enrol.html", context)


@require_POST
def logout_view(request):
    """Flush the session server-side and ask the browser to drop cache, cookies and storage."""
    if request.user.is_authenticated:
        audit_log(actor=request.user, action="logout", obj=request.user, data={"via": "console"})
    auth_logout(request)
    response = redirect("staff:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def _finish(request, user, device, next_url: str):
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=user.backend)  # rotates the session key
    if device is not None:
        otp_login(request, device)
    login_audit(user=user, via="console")
    return redirect(next_url or "staff:home")


def _pending(request):
    """The user half-way through logging in, or (None, {}) when there is none or it expired."""
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None, {}
    user = active_user(pending["user"])
    if user is None:
        return None, {}
    user.backend = pending["backend"]
    return user, pending


def _without_phone(form: LoginForm) -> LoginForm:
    """Pages never show a full phone number, not even one typed as a username by mistake."""
    if not PHONE_RE.search(form.data.get("username", "")):
        return form
    data = form.data.copy()
    data["username"] = ""
    form.data = data  # only what is rendered back; the form has been validated already
    return form


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())
    # Staff pages, the expert workspace and the merchant till (their users log in here too).
    return candidate if ok and candidate.startswith(("/console/", "/h5/expert/", "/h5/merchant/")) else ""
