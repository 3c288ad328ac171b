"""Who may read a unit's figures: staff holding records.view on it (404 outside every grant,
403 inside without the capability). `exact` says whether small sensitive counts are shown as
they are: only to someone holding a grant on the unit itself."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, grants_of
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org


def access_stats_org(*, actor: Any, id: Any, cap: str = Cap.RECORDS_VIEW) -> Org:
    """The unit `id` if `actor` holds `cap` (records.view for figures, stats.report for
    reports) on it; 404 for a missing or malformed id or outside every grant, 403 inside."""
    org = Org.objects.filter(pk=id).first() if parse_uuid(id) else None
    if org is None:
        raise NotFound(code="not_found")
    check(actor, cap, org)
    return org


def owns(actor: Any, org: Org) -> bool:
    """The viewer holds a grant on this very unit (its own union)."""
    return any(grant.org_id == org.pk for grant in grants_of(actor))
