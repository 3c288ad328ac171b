"""An independent reference for who may do what: walks parent links in Python (never the
materialised path or orgs.access), so a bug in the permission layer cannot hide in both."""

from zhijia.orgs.models import Org, RoleGrant


def _below(org_id, include_subtree: bool) -> set:
    found = {org_id}
    if not include_subtree:
        return found
    frontier = [org_id]
    while frontier:
        frontier = list(Org.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        found.update(frontier)
    return found


def expected_status(user, cap: str | None, org: Org, ok: int) -> int:
    """404 outside every grant, 403 inside without `cap`, else `ok`."""
    visible, capable = set(), set()
    for grant in RoleGrant.objects.filter(user=user).select_related("role"):
        units = _below(grant.org_id, grant.include_subtree)
        visible |= units
        if cap is None or cap in grant.role.capabilities:
            capable |= units
    if org.id not in visible:
        return 404
    if org.id not in capable:
        return 403
    return ok
