"""Per-request context (client IP, request id) for audit entries written deep in services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""


_current: ContextVar[RequestContext] = ContextVar("zhijia_request", default=RequestContext())  # noqa: B039


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
