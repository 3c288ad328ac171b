"""The quarterly cross-check (季度核查) lists: registry records whose status is older than a set
age (nobody has looked at them since), and records that other sources contradict — an active
union membership (the person works somewhere) or a job placement still running, while the
registry says "not employed" or "unable to work"."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.orgs.models import Org

from ..enums import EmploymentStatus
from ..models import Referral, RegistryPerson
from .people import people_list

NOT_WORKING = (EmploymentStatus.UNEMPLOYED, EmploymentStatus.INCAPABLE)


def stale(*, actor: Any, unit: Org, days: int = 90, today: dt.date | None = None) -> QuerySet[RegistryPerson]:
    """Records whose status and survey are both older than `days` (or missing)."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=max(days, 1))
    early = dt.date(1900, 1, 1)
    seen = Greatest(Coalesce("status_since", early), Coalesce("surveyed_on", early))
    return people_list(actor=actor, org=unit).annotate(seen=seen).filter(seen__lt=cutoff)


@dataclass
class Disagreement:
    entry: RegistryPerson
    reason: str


def disagreements(*, actor: Any, unit: Org, limit: int = 500) -> list[Disagreement]:
    member = Membership.objects.filter(person=OuterRef("person"), status__in=ACTIVE_STATUSES)
    placed = Referral.objects.filter(
        entry=OuterRef("pk"), hired_on__isnull=False, ended_on__isnull=True
    ).filter(hired_on__gte=OuterRef("status_since"))
    rows = (
        people_list(actor=actor, org=unit)
        .filter(status__in=NOT_WORKING)
        .annotate(is_member=Exists(member), is_placed=Exists(placed))
        .filter(Q(is_member=True) | Q(is_placed=True))[:limit]
    )
    out = []
    for entry in rows:
        reasons = []
        if entry.is_member:  # type: ignore[attr-defined]
            reasons.append(_("An active union member, so working somewhere"))
        if entry.is_placed:  # type: ignore[attr-defined]
            reasons.append(_("Placed in a job that has not ended"))
        out.append(Disagreement(entry, "; ".join(reasons)))
    return out
