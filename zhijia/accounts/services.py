"""Writes of the accounts domain: users, passwords, second factors, grants, phone accounts.

Callers have passed the access check (accounts.permissions.access_user and orgs.access.check);
every write here is audited in its own transaction.
"""

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from uuid6 import uuid7

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhijia.core.validators.text import clean_name, has_control_chars
from zhijia.orgs.services import role_grant, role_revoke

from . import error_codes
from .models import User, UserKind
from .phones import is_mobile, normalize_phone, phone_index


def clean_phone(raw: str, field: str = "phone") -> str:
    phone = normalize_phone(raw)
    if not is_mobile(phone):
        raise ValidationFailed(
            _("Enter an 11-digit mainland mobile number."),
            code=error_codes.BAD_PHONE,
            fields={field: [_("Enter an 11-digit mainland mobile number.")]},
        )
    return phone


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    org: Any = None,
    display_name: str = "",
    phone: str = "",
    kind: str = UserKind.STAFF,
    must_change: bool = False,
) -> User:
    """Create an account. Staff need a password that passes the configured policy. With
    `must_change` (an administrator chose the password) the console forces a change first."""
    username = (username or "").strip()
    display_name = clean_name(display_name)
    errors: dict[str, list[str]] = {}
    if not username or has_control_chars(username) or len(username) > 150:
        errors["username"] = [_("Enter a valid username.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is taken.")]
    if has_control_chars(display_name):
        errors["display_name"] = [_("Name contains characters that are not allowed.")]
    user = User(username=username, display_name=display_name, kind=kind, org=org)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if phone:
        try:
            phone = clean_phone(phone)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        else:
            if User.objects.filter(phone_index=phone_index(phone)).exists():
                errors["phone"] = [_("Another account already uses this phone number.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    if phone:
        user.phone, user.phone_index = phone, phone_index(phone)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_must_change = must_change
    user.save()
    audit_log(actor=actor, action="user.create", obj=user, org=org, data={"username": username, "kind": kind})
    return user


@transaction.atomic
def worker_for_phone(*, phone: str) -> User:
    """The worker account for a verified phone, created on first login. Raises Conflict if the
    phone belongs to a staff account (staff log in with username and password)."""
    phone = clean_phone(phone)
    index = phone_index(phone)
    user = User.objects.filter(phone_index=index).first()
    if user is None:
        user = User(username=f"w-{uuid7().hex[:16]}", kind=UserKind.WORKER, phone=phone, phone_index=index)
        user.set_unusable_password()
        user.save()
        audit_log(actor=user, action="user.create", obj=user, data={"kind": "worker", "via": "sms"})
    elif user.kind != UserKind.WORKER:
        raise Conflict(
            _("This phone belongs to a staff account; log in with username and password."),
            code=error_codes.STAFF_PHONE,
        )
    return user


def _not_self(actor: Any, user: User, message: Any) -> None:
    # Nobody changes their own standing (active flag, roles): that needs a second person.
    if getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(message, code=error_codes.SELF_CHANGE)


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Enable or disable an account (users.manage). Disabling ends its API tokens at once
    (sessions end on the next request: auth backends refuse inactive users)."""
    _not_self(actor, user, _("You cannot disable or enable your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        if not active:
            user.api_tokens.filter(revoked=False).update(revoked=True)
    audit_log(
        actor=actor,
        action="user.enable" if active else "user.disable",
        obj=user,
        data={"user": user.username},
    )
    return user


@transaction.atomic
def user_set_password(
    *, actor: Any, user: User, password: str, must_change: bool = False, field: str = "password"
) -> User:
    """Set a new password that passes the configured policy (ValidationFailed naming `field`).

    The user's own change clears the must-change flag; an administrator's reset sets it. The
    second factor is never touched, so a reset cannot bypass 2FA.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("Some fields are not valid."), fields={field: list(exc.messages)}) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.password_must_change = must_change
    user.save(update_fields=["password", "password_changed_at", "password_must_change", "updated_at"])
    own = getattr(actor, "pk", None) == user.pk
    audit_log(
        actor=actor,
        action="password.change" if own else "password.reset",
        obj=user,
        data={"user": user.username},
    )
    return user


@transaction.atomic
def user_reset_otp(*, actor: Any, user: User) -> User:
    """Remove every TOTP device of `user` (users.security). Where 2FA is required, the next
    login enrols a new device after the password step."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_log(actor=actor, action="otp.reset", obj=user, data={"user": user.username, "devices": count})
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> int:
    """Clear django-axes lockouts of `user`'s username from every address (users.security).
    Returns how many attempt records were removed."""
    removed = axes_reset(username=user.username)
    audit_log(actor=actor, action="user.unlock", obj=user, data={"user": user.username, "records": removed})
    return removed


def grant_add(*, actor: Any, user: User, org: Any, role: Any, include_subtree: bool = True) -> Any:
    """Grant `role` on `org` to a staff account through orgs.services.role_grant (which enforces
    三员分立). Nobody grants roles to themselves; workers hold no roles."""
    _not_self(actor, user, _("You cannot change your own roles."))
    if user.kind != UserKind.STAFF:
        raise ValidationFailed(_("Only staff accounts can hold roles."), code=error_codes.NOT_STAFF)
    return role_grant(actor=actor, user=user, org=org, role=role, include_subtree=include_subtree)


def grant_remove(*, actor: Any, grant: Any) -> None:
    """Revoke `grant` (orgs.services.role_grant's counterpart); not on one's own account."""
    _not_self(actor, grant.user, _("You cannot change your own roles."))
    role_revoke(actor=actor, grant=grant)
