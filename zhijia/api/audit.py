"""/api/v1/audit: the audit trail for auditors (Cap.AUDIT_READ), limited to their scope."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zhijia.core.models import AuditEntry
from zhijia.core.selectors import audit_get, audit_list, parse_audit_filters
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap

router = Router(tags=["audit"])


class AuditQuery(Schema):
    action: str = ""
    outcome: str = ""
    actor: str = ""
    since: str = ""
    until: str = ""
    q: str = ""


class AuditEntryOut(Schema):
    id: str  # the opaque key (AuditEntry.key), never the sequential number
    at: datetime
    actor: str
    actor_id: str | None
    ip: str | None
    org_id: str | None
    org_name: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    data: dict[str, Any]
    seal_seq: int | None

    @staticmethod
    def resolve_id(obj: AuditEntry) -> str:
        return obj.key

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_actor_id(obj: AuditEntry) -> str | None:
        return str(obj.actor_id) if obj.actor_id else None

    @staticmethod
    def resolve_org_id(obj: AuditEntry) -> str | None:
        return str(obj.org_id) if obj.org_id else None

    @staticmethod
    def resolve_org_name(obj: AuditEntry) -> str:
        return obj.org.name if obj.org else ""


@router.get("", response=list[AuditEntryOut], summary="List audit entries")
@paginate
def entry_list(request: HttpRequest, filters: Query[AuditQuery]):
    """Newest first. `action=role` matches every `role.*` action; `since`/`until` take a date
    (local day, `until` inclusive) or an ISO datetime; `q` searches object ids."""
    require_cap(request.user, Cap.AUDIT_READ)
    return audit_list(actor=request.user, filters=parse_audit_filters(filters.dict()))


@router.get("/{entry_key}", response=AuditEntryOut, summary="Get one audit entry")
def entry_get(request: HttpRequest, entry_key: str):
    """By the `id` a list gave (an opaque key). 404 outside the caller's grants or audit scope,
    403 inside a grant without audit.read."""
    return audit_get(actor=request.user, key=entry_key)
