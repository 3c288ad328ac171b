"""Reads that may be a moment stale go to a streaming replica; everything else to the primary.

Active only when DATABASE_REPLICA_URL is set (settings.base adds the `replica` alias, this router
and ReplicaPinMiddleware). The rules, in order — a read goes to the PRIMARY when:

1. it is not inside a web request (Celery tasks, the scheduler, management commands): jobs
   decide and then write, so they read what they write against;
2. it is inside a transaction on the primary (every service: its reads are the ones it locks
   and checks, and a replica refuses SELECT … FOR UPDATE anyway);
3. the request is not a safe method (POST and friends read what they are about to change);
4. the user wrote in the last DATABASE_REPLICA_PIN_SECONDS (read-your-writes): a write in a
   request sets a short cookie, and while it lives their reads stay on the primary, so a worker
   who just enrolled sees the enrolment on the next page, whatever the replica's lag;
5. the model is scarce or session-bound (NEVER_REPLICA): vouchers and campaigns, activity places,
   enrolments and check-ins, login and session state, the audit chain's counters.

Everything else a GET reads — the station finder, lists, dashboards and the statistics over the
service ledger — comes from the replica. Writes always go to the primary; migrations run only
there (the replica follows by streaming).
"""

import contextvars
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "zhijia_primary"

# app_label or app_label.model_name (lower case): never read from the replica.
NEVER_REPLICA = frozenset(
    {
        "sessions",
        "axes",
        "otp_totp",
        "otp_static",
        "django_otp",
        "auth",
        "accounts",
        "core",
        "benefits",
        "activities.slot",
        "activities.enrolment",
        "activities.attendance",
    }
)
# Writes to these do not pin the user: every request saves its session (SESSION_SAVE_EVERY_REQUEST),
# and reading personal data writes an audit entry; neither is read back from the replica.
NOT_A_USER_WRITE = frozenset({"sessions", "axes", "core.auditentry"})


@dataclass
class _RequestState:
    pinned: bool
    wrote: bool = False


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar("zhijia_db_route", default=None)


def _label(model) -> tuple[str, str]:
    meta = model._meta
    return meta.app_label, f"{meta.app_label}.{meta.model_name}"


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or state.pinned or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        app, name = _label(model)
        if app in NEVER_REPLICA or name in NEVER_REPLICA:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _state.get()
        app, name = _label(model)
        if state is not None and app not in NOT_A_USER_WRITE and name not in NOT_A_USER_WRITE:
            state.wrote = True
            state.pinned = True  # the rest of this request reads its own write too
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaPinMiddleware:
    """Marks the request for the router: pinned to the primary for unsafe methods and for a user
    who wrote within DATABASE_REPLICA_PIN_SECONDS (the `zhijia_primary` cookie holds when); a
    request that writes sets the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.pin_seconds = int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))

    def _pinned_by_cookie(self, request) -> bool:
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            return False
        return time.time() < until

    def __call__(self, request):
        unsafe = request.method not in {"GET", "HEAD", "OPTIONS"}
        state = _RequestState(pinned=unsafe or self._pinned_by_cookie(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + self.pin_seconds:.3f}",
                max_age=self.pin_seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def routed_for(model) -> str:
    """Where a read of `model` would go now (for tests and the topology check)."""
    return PrimaryReplicaRouter().db_for_read(model) or PRIMARY
