"""The unit switcher: which of the user's granted units the console is looking at, and THE one
helper every console page uses for "my current unit with capability X" (`unit_with`)."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.orgs.access import check, grants_of
from zhijia.orgs.models import Org
from zhijia.orgs.permissions import access_org

SESSION_KEY = "zhijia_unit"


def granted_units(user) -> list[Org]:
    seen: dict[str, Org] = {}
    for g in grants_of(user):
        seen.setdefault(str(g.org_id), g.org)
    return list(seen.values())


def home_unit(user, units: list[Org]) -> Org | None:
    """Where the console opens before the user picks a unit: the user's own unit (User.org) when
    a grant names it, else the deepest unit granted with its subtree (a street clerk who also
    holds a narrow grant on the district opens in the street, where their work is), else the
    first granted unit."""
    if not units:
        return None
    home_id = getattr(user, "org_id", None)
    for unit in units:
        if unit.pk == home_id:
            return unit
    subtree = {str(g.org_id) for g in grants_of(user) if g.include_subtree}
    wide = [u for u in units if str(u.pk) in subtree]
    if wide:
        return max(wide, key=lambda u: len(u.path))
    return units[0]


def current_unit(request) -> Org | None:
    units = granted_units(request.user)
    wanted = request.session.get(SESSION_KEY)
    for unit in units:
        if str(unit.pk) == wanted:
            return unit
    return home_unit(request.user, units)


def unit_with(request, cap: str | None = None, *, org_id: Any = None) -> Org:
    """The unit a console page works in: the one named by `org_id` (a ?org= parameter), else
    the console's current unit; with `cap`, checked through the permission layer (404 outside
    every grant, 403 inside without `cap`). No unit at all is 404."""
    if org_id:
        return access_org(actor=request.user, id=org_id, cap=cap)
    unit = current_unit(request)
    if unit is None:
        raise NotFound(code="not_found")
    if cap:
        check(request.user, cap, unit)
    return unit
