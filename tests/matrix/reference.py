"""An independent reference for who may do what: walks parent links in Python (never the
materialised path or orgs.access), so a bug in the permission layer cannot hide in both.

Each rule returns the status a request must get: 404 outside scope, 403 inside without the
capability, or None when this check passes."""

from functools import cache

from zhijia.orgs.models import Org, RoleGrant


def _below(org_id, include_subtree: bool) -> set:
    found = {org_id}
    frontier = [org_id] if include_subtree else []
    while frontier:
        frontier = list(Org.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        found.update(frontier)
    return found


@cache
def _units(user_id, cap: str | None) -> frozenset:
    units: set = set()
    for grant in RoleGrant.objects.filter(user_id=user_id).select_related("role"):
        if cap is None or cap in grant.role.capabilities:
            units |= _below(grant.org_id, grant.include_subtree)
    return frozenset(units)


def reset() -> None:
    _units.cache_clear()


def scoped(user, cap: str, org: Org) -> int | None:
    """access_<entity>: 404 outside every grant, 403 inside without `cap`."""
    if org.id not in _units(user.id, None):
        return 404
    if org.id not in _units(user.id, cap):
        return 403
    return None


def has(user, cap: str) -> int | None:
    """A capability needed somewhere, for pages not tied to one object."""
    return None if _units(user.id, cap) else 403


def cap_then_scoped(user, cap: str, org: Org) -> int | None:
    """Capability first (403), then the object must lie in that capability's scope (404)."""
    if not _units(user.id, cap):
        return 403
    return None if org.id in _units(user.id, cap) else 404


def holds_grant_on(user, org: Org) -> int | None:
    """The unit switcher offers only units the user holds a grant on."""
    return None if RoleGrant.objects.filter(user=user, org=org).exists() else 404


def staff_only_for_workers(user, org, objs) -> int | None:
    """Joining is for workers with a verified phone: staff accounts get 403."""
    return None if user.kind == "worker" else 403


def transfer_rule(user, org, objs, cap: str | None = "members.review") -> int | None:
    """A transfer is visible to anyone with a grant on its sending or receiving union (else 404);
    deciding it needs `cap` on the receiving union (else 403)."""
    transfer = objs["transfer"]
    visible = _units(user.id, None)
    if transfer.from_org_id not in visible and transfer.to_org_id not in visible:
        return 404
    if cap is not None and transfer.to_org_id not in _units(user.id, cap):
        return 403
    return None


def first(*results: int | None) -> int | None:
    return next((r for r in results if r is not None), None)
