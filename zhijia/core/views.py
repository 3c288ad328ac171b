from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def root_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("staff:home")


# Never served by URL: large exports wait here for their one download (members.services.ledgers).
PRIVATE_MEDIA_PREFIXES = ("exports/",)


@require_GET
def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files for `make run` (ZHIJIA_SERVE_MEDIA), as nginx serves them in production:
    `nosniff`, as attachments (an <img> still shows them; a browser never renders an upload as
    a page), private exports refused."""
    from django.views.static import serve

    if path.lstrip("/").startswith(PRIVATE_MEDIA_PREFIXES) or ".." in path.split("/"):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
