from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone

from .models import UserKind


class SecurityPolicyMiddleware:
    """Staff must change their password before going on when an administrator set it
    (password_must_change) or it is older than PASSWORD_MAX_AGE_DAYS (0: no maximum age)."""

    ALLOWED_PREFIXES = ("/console/password/", "/console/logout/", "/console/login/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.kind == UserKind.STAFF
            and request.path.startswith("/console/")
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and password_change_due(user)
        ):
            return redirect("staff:password_change")
        return self.get_response(request)


def password_change_due(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if user.password_must_change:
        return True
    return bool(max_age) and (timezone.now() - user.password_changed_at).days >= max_age
