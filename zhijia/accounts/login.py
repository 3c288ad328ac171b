"""Staff login rules, shared by the console (two steps) and the API (one request).

Passwords go through django.contrib.auth.authenticate(request=...), so django-axes counts every
failure and locks the pair (username, IP) after LOCKOUT_FAILURES; a wrong TOTP code is reported
to axes the same way, so the second factor cannot be brute-forced either. Every outcome is
audited: login.success, login.failure, login.locked.
"""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import NotAuthenticated, RateLimited
from zhijia.core.models import AuditOutcome

from . import otp
from .models import User, UserKind


class InvalidCredentials(NotAuthenticated):
    default_code = "invalid_credentials"
    default_message = _("Wrong username or password.")


class OtpRequired(NotAuthenticated):
    default_code = "otp_required"
    default_message = _("Enter the 6-digit code from your authenticator app.")


class LockedOut(RateLimited):
    default_code = "locked_out"
    default_message = _("Too many failed attempts. This account is locked for 30 minutes from this address.")


def password_check(*, request: Any, username: str, password: str) -> User:
    """The active staff account for these credentials. Raises LockedOut (axes lock on this
    username + IP) or InvalidCredentials (wrong password, unknown or disabled account, or not a
    staff account: workers never log in with a password). Failures are audited here."""
    username = (username or "").strip()[:150]
    user = authenticate(request=request, username=username, password=password or "")
    if user is None:
        if getattr(request, "axes_locked_out", False):
            _audit(None, "login.locked", username)
            raise LockedOut()
        _audit(None, "login.failure", username, reason="password")
        raise InvalidCredentials()
    if user.kind != UserKind.STAFF:
        _report_failure(request, username)
        _audit(None, "login.failure", username, reason="not_staff")
        raise InvalidCredentials()
    return user


def otp_check(*, request: Any, user: User, token: str | None) -> Any:
    """The verified device, or None when `user` needs no second factor. Raises OtpRequired
    (no code, a wrong code, or 2FA required but no device set up yet) or LockedOut."""
    if not otp.needs_otp(user):
        return None
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        _audit(user, "login.locked", user.username)
        raise LockedOut()
    if not otp.has_device(user):
        raise OtpRequired(_("Two-factor authentication is required: set it up in the console first."))
    if not token:
        raise OtpRequired()
    device = otp.verify(user, token)
    if device is None:
        _report_failure(request, user.username)
        if getattr(request, "axes_locked_out", False):
            _audit(user, "login.locked", user.username)
            raise LockedOut()
        _audit(user, "login.failure", user.username, reason="otp")
        raise OtpRequired(_("The code is wrong or has expired."))
    return device


def login_audit(*, user: User, via: str) -> None:
    """Record a completed login (console, api, sms, h5)."""
    audit_log(actor=user, action="login.success", obj=user, data={"via": via})


def _report_failure(request: Any, username: str) -> None:
    # The same signal Django sends for a wrong password: axes counts it against username + IP.
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _audit(user: User | None, action: str, username: str, reason: str = "") -> None:
    data = {"username": username}
    if reason:
        data["reason"] = reason
    audit_log(actor=user, action=action, outcome=AuditOutcome.FAILURE, actor_label=username, data=data)
