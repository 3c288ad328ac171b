"""Small pieces every interface (console and H5) shares: HTMX detection, spreadsheet downloads,
and putting a service's ApplicationError onto a form."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from zhijia.core.errors import ApplicationError
from zhijia.core.imports import XLSX_CONTENT_TYPE


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def xlsx_response(content: bytes, filename: str, *, reveal: bool = False) -> HttpResponse:
    """A spreadsheet download, never cached; `reveal` marks an audited export of clear data."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    if reveal:
        response["X-Zhijia-Reveal"] = "1"
    return response


def apply_errors(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service error's field messages next to their fields, the rest on top of the form."""
    for field, messages in exc.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))
    form.error_code = exc.code  # type: ignore[attr-defined]  # read by browser tests via data-error-code


def run_step(request: HttpRequest, fn: Any, done: str, **kwargs: Any) -> Any:
    """Call a service for a console POST as `fn(actor=request.user, **kwargs)`. Scope and
    capability refusals propagate (404 / 403); any other ApplicationError becomes an error
    message with its field messages and the result is None; success adds `done` and returns the
    service's result (True when it returned nothing)."""
    from django.contrib import messages

    from zhijia.core.errors import NotFound, PermissionDenied

    try:
        result = fn(actor=request.user, **kwargs)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
        return None
    messages.success(request, done)
    return result if result is not None else True
