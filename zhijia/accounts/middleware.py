from django.conf import settings
from django.shortcuts import redirect
from django.utils import timezone

from .models import UserKind


class SecurityPolicyMiddleware:
    """Staff whose password is older than PASSWORD_MAX_AGE_DAYS must change it before going on."""

    ALLOWED_PREFIXES = ("/console/password/", "/console/logout/", "/console/login/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if (
            max_age
            and user is not None
            and user.is_authenticated
            and user.kind == UserKind.STAFF
            and request.path.startswith("/console/")
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and (timezone.now() - user.password_changed_at).days >= max_age
        ):
            return redirect("staff:password_change")
        return self.get_response(request)
