"""Writes of the accounts domain: users, passwords, phone accounts."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from uuid6 import uuid7

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.core.validators.text import clean_name, has_control_chars

from .models import User, UserKind
from .phones import is_mobile, normalize_phone, phone_index


def clean_phone(raw: str, field: str = "phone") -> str:
    phone = normalize_phone(raw)
    if not is_mobile(phone):
        raise ValidationFailed(_("Enter an 11-digit mainland mobile number."), code="bad_phone",
                               fields={field: [_("Enter an 11-digit mainland mobile number.")]})
    return phone


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, org: Any = None, display_name: str = "",
    phone: str = "", kind: str = UserKind.STAFF,
) -> User:
    """Create an account. Staff need a password that passes the configured policy."""
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
        raise Conflict(_("This phone belongs to a staff account; log in with username and password."), code="staff_phone")
    return user
