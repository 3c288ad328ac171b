from django.http import JsonResponse
from django.shortcuts import redirect

from .policy import PasswordChangeRequired, password_change_due

__all__ = ["SecurityPolicyMiddleware", "password_change_due"]


class SecurityPolicyMiddleware:
    """A logged-in staff session must change its password before going on when an administrator
    set it or it is older than PASSWORD_MAX_AGE_DAYS (accounts.policy), on EVERY path: the API
    answers 403 `password_change_required` (JSON), the pages redirect to the change page. Bearer
    tokens are held to the same rule in api.security."""

    ALLOWED_PREFIXES = (
        "/console/password/",
        "/console/logout/",
        "/console/login/",
        "/api/v1/auth/logout",
        "/static/",
        "/i18n/",
        "/jsi18n/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and password_change_due(user)
        ):
            if request.path.startswith("/api/"):
                from zhijia.core.audit import audit_denial

                error = PasswordChangeRequired()
                audit_denial(request, error)
                return JsonResponse(error.as_dict(), status=error.status)
            return redirect("staff:password_change")
        return self.get_response(request)
