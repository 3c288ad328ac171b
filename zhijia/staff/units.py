"""The unit switcher: which of the user's granted units the console is looking at."""

from zhijia.orgs.access import grants_of
from zhijia.orgs.models import Org

SESSION_KEY = "zhijia_unit"


def granted_units(user) -> list[Org]:
    seen: dict[str, Org] = {}
    for g in grants_of(user):
        seen.setdefault(str(g.org_id), g.org)
    return list(seen.values())


def current_unit(request) -> Org | None:
    units = granted_units(request.user)
    wanted = request.session.get(SESSION_KEY)
    for unit in units:
        if str(unit.pk) == wanted:
            return unit
    return units[0] if units else None
