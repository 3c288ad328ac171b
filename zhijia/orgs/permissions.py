"""Object access for the orgs domain: each helper answers 404 for missing or out-of-scope
objects and 403 inside scope without the capability (see orgs.access.check)."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.models import ImportJob

from .access import check
from .capabilities import Cap
from .models import Org

ORG_IMPORT_KIND = "orgs"


def access_org(*, actor: Any, id: Any, write: bool = False, cap: str | None = None) -> Org:
    """The org if `actor` may see it (orgs.view) or change it (write: orgs.manage), or holds the
    explicit `cap` on it (e.g. members.review for its scan-to-join QR); else 404/403."""
    org = Org.objects.select_related("parent").filter(pk=id).first() if parse_uuid(id) else None
    if org is None:
        raise NotFound(code="not_found")
    check(actor, cap or (Cap.ORGS_MANAGE if write else Cap.ORGS_VIEW), org)
    return org


def access_org_import(*, actor: Any, id: Any) -> ImportJob:
    """An organisation import job, for someone holding orgs.manage on the unit it was started
    in (its row errors may quote the file's contents); 404 for other kinds of job."""
    job = (
        ImportJob.objects.filter(pk=id, kind=ORG_IMPORT_KIND).select_related("org").first()
        if parse_uuid(id)
        else None
    )
    if job is None:
        raise NotFound(code="not_found")
    check(actor, Cap.ORGS_MANAGE, job.org)
    return job
