"""Schemas the API modules share: the body of every error answer (made in zhijia.api.errors),
the error statuses a route documents, and a reference to a named object."""

from uuid import UUID

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ERRORS_LIMITED = {**ERRORS, 429: ErrorOut}  # routes with a rate limit


class Ref(Schema):
    id: UUID
    name: str
