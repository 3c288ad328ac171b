"""Small pieces every interface (console and H5) shares: HTMX detection, spreadsheet downloads,
and putting a service's ApplicationError onto a form."""

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
