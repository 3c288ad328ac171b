"""Writing audit entries. Sealing and verification live in core/audit_chain.py.

`audit_log` is called inside the service's transaction so the entry commits with the change;
for sensitive reads it runs before the data is returned, so a failed write fails the read.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from . import context
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
    """Append one entry. `data` is masked here, whatever the caller passed."""
    if org is None and obj is not None:
        org = getattr(obj, "org", None) if not _is_org(obj) else obj
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=mask_data(actor_label or (user.get_username() if user else "")),
        ip=context.current().ip,
        org=org,
        org_path=getattr(org, "path", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        outcome=outcome,
        data=mask_data(data or {}),
    )
    transaction.on_commit(_schedule_seal)
    return entry


def _is_org(obj: Any) -> bool:
    return obj._meta.label == "orgs.Org"


def _schedule_seal() -> None:
    from .tasks import audit_seal  # noqa: PLC0415  (tasks import Celery; keep audit importable)

    audit_seal.delay()


def audit_denial(request: Any, exc: Any, action: str = "") -> None:
    """Record a 403/404 from the access layer. Called by the interface error handlers, after the
    service's transaction has unwound, so the entry survives the rolled-back change."""
    user = getattr(request, "user", None)
    audit_log(
        actor=user,
        action=action or "access.denied",
        outcome=AuditOutcome.DENIED,
        data={"method": request.method, "path": request.path, "code": exc.code, "status": exc.status},
    )
