"""Access to member objects: 404 outside the actor's scope, 403 inside without the capability.
A membership, application or export request is placed by its union (`org`)."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from .models import ExportRequest, JoinApplication, Membership, Transfer


def _uuid_or_404(value: Any) -> uuid.UUID:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def access_membership(*, actor: Any, id: Any, cap: str = Cap.MEMBERS_VIEW) -> Membership:
    membership = Membership.objects.select_related("person", "org").filter(pk=_uuid_or_404(id)).first()
    if membership is None:
        raise NotFound(code="not_found")
    check(actor, cap, membership.org)
    return membership


def access_application(*, actor: Any, id: Any, cap: str = Cap.MEMBERS_REVIEW) -> JoinApplication:
    application = (
        JoinApplication.objects.select_related("person", "org", "workplace_org")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if application is None:
        raise NotFound(code="not_found")
    check(actor, cap, application.org)
    return application


def access_export_request(*, actor: Any, id: Any, cap: str = Cap.MEMBERS_EXPORT) -> ExportRequest:
    request = ExportRequest.objects.select_related("org").filter(pk=_uuid_or_404(id)).first()
    if request is None:
        raise NotFound(code="not_found")
    check(actor, cap, request.org)
    return request


def access_transfer(*, actor: Any, id: Any, cap: str | None = None, side: str = "to") -> Transfer:
    """A transfer visible to staff holding any role on either union (else 404). With `cap`,
    also that capability on the `side` union ("to": receiving, "from": sending), else 403."""
    pk = parse_uuid(id)
    tr = (
        Transfer.objects.select_related("membership__person", "from_org", "to_org", "new_membership")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    anywhere = scope_for(actor)
    if tr is None or not (anywhere.contains(tr.from_org) or anywhere.contains(tr.to_org)):
        raise NotFound()
    org = tr.to_org if side == "to" else tr.from_org
    if cap and not scope_for(actor, cap).contains(org):
        raise PermissionDenied()
    return tr


def access_own_transfer(*, actor: Any, id: Any) -> Transfer:
    """A worker's own transfer (of their membership); 404 for anything else."""
    pk = parse_uuid(id)
    tr = Transfer.objects.filter(pk=pk, membership__person__user=actor).first() if pk else None
    if tr is None:
        raise NotFound(code="not_found")
    return tr
