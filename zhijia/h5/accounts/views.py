"""Worker H5: phone login by SMS code, the "Me" page, logout."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhijia.accounts.services import clean_phone
from zhijia.accounts.sms_codes import sms_code_live, sms_code_send, sms_code_verify
from zhijia.core.audit import audit_log
from zhijia.core.errors import ApplicationError
from zhijia.core.masking import mask_phone

from .decorators import worker_required

PHONE_KEY = "zhijia_h5_phone"  # the number a code was sent to, kept server-side


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "data-testid": "phone",
                "inputmode": "tel",
                "autocomplete": "tel",
            }
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "data-testid": "code",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
    )


@never_cache
def login_view(request):
    """Step 1: phone, "send code" (action=send). Step 2: the code (action=login), or "resend"
    (action=resend) / "another number" (action=change). The number is kept in the session
    between the steps, so the page only ever shows it masked."""
    action = request.POST.get("action", "")
    if action == "change":
        request.session.pop(PHONE_KEY, None)
    phone = request.session.get(PHONE_KEY, "")
    phone_form, code_form = PhoneForm(), CodeForm()
    ip = request.META.get("REMOTE_ADDR")
    if request.method == "POST" and action in {"send", "resend"}:
        phone_form = PhoneForm(request.POST if action == "send" else {"phone": phone})
        if phone_form.is_valid():
            try:
                sms_code_send(phone=phone_form.cleaned_data["phone"], ip=ip)
            except ApplicationError as exc:
                if sms_code_live(phone=phone_form.cleaned_data["phone"]):
                    # a code sent moments ago is still good: ask for it instead of hiding the field
                    request.session[PHONE_KEY] = clean_phone(phone_form.cleaned_data["phone"])
                    messages.info(request, str(exc.message))
                    return redirect(request.get_full_path())
                _show(phone_form, exc, "phone" if exc.fields else None)
            else:
                phone = clean_phone(phone_form.cleaned_data["phone"])
                request.session[PHONE_KEY] = phone
                messages.success(
                    request,
                    _("A code was sent to %(phone)s. It is valid for 5 minutes.")
                    % {"phone": mask_phone(phone)},
                )
                return redirect(request.get_full_path())
    elif request.method == "POST" and action == "login" and phone:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                user = sms_code_verify(phone=phone, code=code_form.cleaned_data["code"], ip=ip)
            except ApplicationError as exc:
                _show(code_form, exc, "code")
            else:
                request.session.pop(PHONE_KEY, None)
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_safe_next(request) or "h5:home")
    context = {
        "phone_form": phone_form,
        "code_form": code_form,
        "masked_phone": mask_phone(phone),
        "next": _safe_next(request),
    }
    return render(request, "h5/login.html", context)


def _show(form: forms.Form, exc: ApplicationError, field: str | None) -> None:
    form.add_error(field, str(exc.message))


@worker_required
def home(request):
    """我的 (Me): who is logged in (phone masked) and what they can do here."""
    return render(request, "h5/home.html", {"phone": mask_phone(request.user.phone)})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_log(actor=request.user, action="logout", obj=request.user, data={"via": "h5"})
    auth_logout(request)  # flushes the session server-side
    response = redirect("h5:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())
    return candidate if ok and candidate.startswith("/h5/") else ""
