"""What a logged-in staff account must settle before it may do anything: a password an
administrator chose (`password_must_change`) or one older than PASSWORD_MAX_AGE_DAYS.

One rule for every way in: the console session (SecurityPolicyMiddleware redirects to the change
page), the same session cookie on /api/v1/ and on the phone pages (middleware: 403
`password_change_required` as JSON, or the redirect), a bearer token (api.security.BearerAuth) and
the token endpoint itself (api.auth: the password is right, but no token is issued).
"""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhijia.core.errors import PermissionDenied

from . import error_codes
from .models import UserKind


class PasswordChangeRequired(PermissionDenied):
    default_code = error_codes.PASSWORD_CHANGE_REQUIRED
    default_message = _("Change your password in the console before you go on.")


def password_change_due(user: Any) -> bool:
    """A staff account whose password an administrator set, or older than the maximum age
    (PASSWORD_MAX_AGE_DAYS; 0: no maximum). Workers log in by SMS and have no password."""
    if getattr(user, "kind", None) != UserKind.STAFF:
        return False
    if user.password_must_change:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return bool(max_age) and (timezone.now() - user.password_changed_at).days >= max_age


def require_current_password(user: Any) -> None:
    """Raise PasswordChangeRequired (403 `password_change_required`) when the password is due."""
    if password_change_due(user):
        raise PasswordChangeRequired()
