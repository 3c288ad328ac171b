"""Writing audit entries. Sealing and verification live in core/audit_chain.py.

`audit_log` is called inside the service's transaction so the entry commits with the change;
for sensitive reads it runs before the data is returned, so a failed write fails the read.
Entries are append-only: on PostgreSQL a trigger (core migration 0002) refuses UPDATE, DELETE
and TRUNCATE. They are kept at least settings.AUDIT_RETENTION_DAYS (>= 183, 网络安全法 Art. 21);
there is deliberately no purge job: removing old entries is an operator procedure (as the
database owner: disable the trigger, delete entries and seals older than the retention, keep the
last removed seal's hash as the new anchor, re-enable the trigger).
"""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from . import context
from .audit_chain import VerifyResult, seal_pending, verify
from .masking import mask_data
from .models import AuditEntry, AuditOutcome


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    org: Any = None,
    outcome: str = AuditOutcome.SUCCESS,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it.

    `org` defaults to `obj.org` (or `obj` itself when it is an Org). `data` is made JSON-safe
    and masked here, whatever the caller passed. Raises if the row cannot be written, which
    rolls the caller's change back: nothing that must be audited happens unaudited.
    """
    if org is None and obj is not None:
        org = obj if _is_org(obj) else getattr(obj, "org", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=_text(actor_label or (user.get_username() if user else ""), 150),
        ip=context.current().ip,
        org=org,
        org_path=getattr(org, "path", "") or "",
        action=_text(action, 64),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk)[:64] if obj is not None else "",  # an id, never masked
        outcome=outcome,
        data=_storable(data or {}),
    )
    # robust: the change has committed; a failed seal run is retried by the next one.
    transaction.on_commit(_seal_after_commit, robust=True)
    return entry


def _is_org(obj: Any) -> bool:
    return obj._meta.label == "orgs.Org"


def _text(value: str, max_length: int) -> str:
    return _clean_str(mask_data(value))[:max_length]


def _clean_str(value: str) -> str:
    # PostgreSQL refuses NUL in text and jsonb; lone surrogates cannot be encoded at all.
    return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _storable(data: dict[str, Any]) -> dict[str, Any]:
    """Masked, JSON-native data (dates, UUIDs, Decimals become strings; NaN is refused by
    PostgreSQL, so non-finite floats become strings too) that reads back the same everywhere."""
    plain = json.loads(json.dumps(data, cls=_Encoder), parse_constant=str)
    return _clean(mask_data(plain))


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, dict):
        return {_clean_str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _seal_after_commit() -> None:
    """Embedded default (no broker): seal inline; one run seals every pending entry, so a
    request pays for a few small queries, not for the chain. With a broker the `audit-seal`
    beat entry (every 10 s) seals in batches and requests enqueue nothing. AUDIT_SEAL_INLINE
    (default: on when tasks run inline) lets a deployment without a broker seal from cron
    (`manage.py audit_seal`) instead, so busy requests do not queue on the chain's lock."""
    if getattr(settings, "AUDIT_SEAL_INLINE", getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)):
        seal_pending()


def audit_denial(request: Any, exc: Any, action: str = "") -> AuditEntry:
    """Record a 403/404 from the access layer as one `access.denied` entry (outcome denied).

    Called by the interface error handlers (api/errors.py, core.middleware) after the
    service's transaction has unwound, so the entry survives the rolled-back change.
    """
    return audit_log(
        actor=getattr(request, "user", None),
        action=action or "access.denied",
        outcome=AuditOutcome.DENIED,
        data={"method": request.method, "path": request.path, "code": exc.code, "status": exc.status},
    )


def audit_chain_check(*, actor: Any) -> VerifyResult:
    """Verify the whole chain (O(entries)) and record the check as `audit.verify`, outcome
    failure when problems were found. The caller has checked Cap.AUDIT_READ. (The operator's
    `manage.py audit_verify` stays read-only, so it also works on a restored backup or replica.)"""
    result = verify()
    audit_log(
        actor=actor,
        action="audit.verify",
        outcome=AuditOutcome.SUCCESS if result.ok else AuditOutcome.FAILURE,
        data={"checked": result.checked, "problems": len(result.problems), "head_seq": result.head_seq},
    )
    return result
