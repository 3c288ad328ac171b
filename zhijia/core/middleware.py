import uuid

from . import context


class RequestContextMiddleware:
    """Records the client address for audit entries. Behind a proxy, configure the proxy to
    set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips); we never trust X-Forwarded-For here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(
            context.RequestContext(ip=request.META.get("REMOTE_ADDR"), request_id=uuid.uuid4().hex[:16])
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class ApplicationErrorMiddleware:
    """Console and H5 pages: an ApplicationError raised by the access layer or a service becomes
    a translated error page with its status; denials are audited (after the transaction unwound)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError
        from django.shortcuts import render

        from .audit import audit_denial
        from .errors import ApplicationError, NotFound, PermissionDenied, busy_error

        if isinstance(exception, OperationalError):
            exception = busy_error(exception)  # a lock timeout: 409 "busy"; anything else stays a 500
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotFound | PermissionDenied):
            audit_denial(request, exception)
        context = {"status": exception.status, "message": exception.message, "code": exception.code}
        return render(request, "error.html", context, status=exception.status)


class NoStoreMiddleware:
    """Every response to a logged-in request (a console or phone-page session, or an API bearer
    token) is `Cache-Control: no-store`: such pages carry personal data (members, enrolments,
    vouchers…) that must stay out of browser and proxy caches. A view that serves something
    public to a logged-in user may opt out with `allow_cache(response)`. Anonymous responses are
    left to their views (public pages may be cached)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(response, "allow_cache", False):
            return response
        if (user is not None and user.is_authenticated) or getattr(request, "auth", None) is not None:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        return response


def allow_cache(response):
    """Let NoStoreMiddleware leave this response's caching to the view (public content only)."""
    response.allow_cache = True
    return response
