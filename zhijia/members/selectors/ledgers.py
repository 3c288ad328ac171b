"""Reads for member ledgers: the memberships an export may contain, export requests, import
jobs. Every function limits its answer to the actor's scope."""

from typing import Any

from django.db.models import QuerySet

from zhijia.core.errors import NotFound
from zhijia.core.models import ImportJob
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import ACTIVE_STATUSES
from ..models import ExportRequest, Membership
from ..permissions import _uuid_or_404

MEMBER_IMPORT_KIND = "members"


def ledger_memberships(*, actor: Any, unit: Org, cap: str = Cap.MEMBERS_EXPORT) -> QuerySet[Membership]:
    """Active memberships (会员, 保留会籍) of unions in `unit`'s subtree where the actor holds
    `cap`, with person and union, in ledger order (union, then pinyin)."""
    return (
        Membership.objects.filter(
            subtree_q(unit.path, "org__path"), scope_for(actor, cap).q("org"), status__in=ACTIVE_STATUSES
        )
        .select_related("person", "org")
        .order_by("org__path", "person__name_pinyin", "pk")
    )


def export_request_list(*, actor: Any) -> QuerySet[ExportRequest]:
    """Export requests of units where the actor may export or approve exports, newest first."""
    q = scope_for(actor, Cap.MEMBERS_EXPORT).q("org") | scope_for(actor, Cap.MEMBERS_EXPORT_APPROVE).q("org")
    return ExportRequest.objects.filter(q).select_related("org", "requested_by", "decided_by")


def access_export_request_any(*, actor: Any, id: Any) -> ExportRequest:
    """An export request for someone who may export (the requester's side) or approve there:
    404 outside scope, 403 inside with neither capability."""
    request = (
        ExportRequest.objects.select_related("org", "requested_by", "decided_by")
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if request is None:
        raise NotFound(code="not_found")
    if not scope_for(actor, Cap.MEMBERS_EXPORT_APPROVE).contains(request.org):
        check(actor, Cap.MEMBERS_EXPORT, request.org)
    return request


def access_member_import(*, actor: Any, id: Any) -> ImportJob:
    """A member import job, for someone holding members.import on the unit it was started in
    (its errors quote the file); 404 for other kinds of job and outside scope."""
    job = ImportJob.objects.filter(pk=_uuid_or_404(id), kind=MEMBER_IMPORT_KIND).select_related("org").first()
    if job is None:
        raise NotFound(code="not_found")
    check(actor, Cap.MEMBERS_IMPORT, job.org)
    return job
