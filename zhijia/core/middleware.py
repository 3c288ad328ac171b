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
