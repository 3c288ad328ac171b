"""The one place ApplicationError and validation failures become `{"code", "message", "fields"}`."""

import logging

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhijia.core.audit import audit_denial
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied, busy_error

logger = logging.getLogger("django.request")


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        if isinstance(exc, NotFound | PermissionDenied):
            audit_denial(request, exc)
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "data")
            ]
            fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
        return api.create_response(
            request, _body("invalid", _("Some fields are not valid."), fields), status=400
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(request, _body("not_authenticated", _("Please log in.")), status=401)

    @api.exception_handler(OperationalError)
    def database_busy(request, exc: OperationalError):
        busy = busy_error(exc)
        if busy is None:
            raise exc
        return api.create_response(request, busy.as_dict(), status=busy.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, _body("not_found", _("Not found.")), status=404)

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        """Anything unexpected: logged with its traceback, answered 500 `server_error` without
        details — never ninja's DEBUG traceback in the body."""
        logger.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500})
        got_request_exception.send(sender=None, request=request)  # as Django does (the test client re-raises)
        return api.create_response(
            request,
            _body("server_error", _("Something went wrong on our side. Please try again later.")),
            status=500,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, _body("error", str(exc)), status=exc.status_code)
