"""Access to member objects: 404 outside the actor's scope, 403 inside without the capability.
A membership, application or export request is placed by its union (`org`)."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import ExportRequest, JoinApplication, Membership


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
