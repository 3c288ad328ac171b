"""The generated (auto) figures of a report: the unit's summary from the rollups, plus counts the
yearly report needs from the org tree, the service network and the member registry."""

from datetime import date
from decimal import Decimal
from typing import Any

from zhijia.members.enums import ACTIVE_STATUSES, NEW_EMPLOYMENT_FORMS
from zhijia.members.models import Membership
from zhijia.orgs.enums import OrgLevel, OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q
from zhijia.positions.models import Position

from .. import figures
from ..models import Dim


def _plain(value: Any) -> Any:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def generate(org: Org, first: date, last: date) -> dict[str, Any]:
    """Every auto figure of every form for `org`'s subtree and [first, last] (money as strings)."""
    data = figures.summary(org, first, last)
    by_type = figures.grouped([org.pk], first, last, Dim.WORKER_TYPE)
    units = Org.objects.filter(subtree_q(org.path), status=OrgStatus.ACTIVE)
    members = Membership.objects.filter(subtree_q(org.path, "org__path"), status__in=ACTIVE_STATUSES)
    data.update(
        {
            "new_form_visits": (by_type.get("new_form") or {}).get("service_visits", 0),
            "units": units.count(),
            "grassroots_units": units.filter(level=OrgLevel.GRASSROOTS).count(),
            "positions": Position.objects.filter(subtree_q(org.path, "org__path")).count(),
            "new_form_members": members.filter(person__occupation__in=NEW_EMPLOYMENT_FORMS).count(),
        }
    )
    return {key: _plain(value) for key, value in data.items()}
