import uuid

from django.middleware.gzip import GZipMiddleware

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


LOCAL_ADDRESSES = {"127.0.0.1", "::1"}
TECHNICAL_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'  # Django's debug pages


def is_local_development(request) -> bool:
    """DEBUG on and the client on this machine (or in INTERNAL_IPS): the only case in which a
    Django debug page (traceback, URL list) may reach a browser."""
    from django.conf import settings

    address = request.META.get("REMOTE_ADDR", "")
    return bool(settings.DEBUG) and (address in LOCAL_ADDRESSES or address in settings.INTERNAL_IPS)


class SafeErrorPagesMiddleware:
    """Outermost: whatever the settings, a client outside local development never gets Django's
    debug pages — a traceback on a 500, the URL list on a 404 — but the plain error page (JSON under
    /api/). With DEBUG off Django never makes them; this holds when a demo runs with DEBUG on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and not getattr(response, "streaming", False)
            and TECHNICAL_MARKER in response.content
            and not is_local_development(request)
        ):
            return plain_error(request, response.status_code)
        return response


def plain_error(request, status: int):
    """The error answer without details: JSON under /api/, the error page elsewhere."""
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    message = (
        _("Not found.") if status == 404 else _("Something went wrong on our side. Please try again later.")
    )
    code = "not_found" if status == 404 else "server_error"
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    try:
        return render(
            request, "error.html", {"status": status, "message": message, "code": code}, status=status
        )
    except Exception:  # the page itself failed: plain text, still without details
        from django.http import HttpResponse

        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _tile_source(url: str) -> str:
    """The CSP source of a tile URL template: https://webrd0{s}.is.autonavi.com/… → https://*.is.autonavi.com."""
    from urllib.parse import urlsplit

    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "x"))
    host = parts.netloc
    if "{s}" in url.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy() -> str:
    """The one policy of every page: scripts only from our own static files (no inline script,
    no event-handler attributes, no eval), nothing may frame us, forms post only to us. Styles
    allow inline `style` attributes (layout widths in templates; Leaflet and htmx set styles),
    which cannot run code. Map tiles come from POSITIONS_TILE_URL's host when one is set."""
    from django.conf import settings

    images = ["'self'", "data:", "blob:", _tile_source(getattr(settings, "POSITIONS_TILE_URL", ""))]
    images += list(getattr(settings, "CSP_EXTRA_IMG_SRC", []))
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": " ".join(s for s in images if s),
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every response (a view that sets its own, like user files with
    their sandbox, keeps it). The interactive API docs (Swagger UI) are left out: they load their
    own inline script."""

    EXEMPT_PREFIXES = ("/api/v1/docs",)

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and not request.path.startswith(self.EXEMPT_PREFIXES):
            response["Content-Security-Policy"] = self.policy
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """gzip for pages and JSON when the browser accepts it (static files are not here: whitenoise
    serves their precompressed copies before this runs). A list page full of icons shrinks to a
    fifth, which keeps a worker's next visit within 30 KB (tests/e2e/test_page_weight.py).

    BREACH (guessing a secret from the compressed size of responses that also reflect the
    attacker's input): Django masks the CSRF token anew in every response and this middleware
    pads each one with random bytes (Django's GZipMiddleware); a response that shows personal data
    in full (`X-Zhijia-Reveal`) is never compressed."""

    TYPES = ("text/html", "application/json")

    def process_response(self, request, response):
        if response.has_header("X-Zhijia-Reveal") or not response.get("Content-Type", "").startswith(
            self.TYPES
        ):
            return response
        return super().process_response(request, response)
