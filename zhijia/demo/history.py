"""A year of generated service-ledger history for the demo tree, so every dashboard has a shape.

Deterministic (a fixed random seed and uuid5 source ids): seeding again adds nothing. The rows
are written through records.services like any domain's, then folded into the statistics."""

import random
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org
from zhijia.positions.models import Position
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add_many, record_build
from zhijia.stats.fold import fold_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
NAMESPACE = uuid.UUID("5b7e0c55-5a1d-4c57-9d0e-7a11e0de0001")
# (source, weight, service codes, money: (face value, bill range) or None)
KINDS = (
    (RecordSource.VISIT, 6, ("water", "rest", "charging", "toilet"), None),
    (RecordSource.ACTIVITY, 3, ("lecture", "training", "event"), None),
    (RecordSource.EXPERT, 1, ("expert:psychology", "expert:legal"), None),
    (RecordSource.VOUCHER, 1, ("voucher:discount",), (Decimal(20), (40, 300))),
)
LEVELS = (OrgLevel.DISTRICT, OrgLevel.STREET, OrgLevel.FEDERATION, OrgLevel.GRASSROOTS)


def seed_history(days: int | None = None) -> int:
    """Ledger rows for the last `days` days (settings.DEMO_HISTORY_DAYS, default 365) at the demo's
    districts, streets and grassroots unions, busier on weekdays and in spring and autumn; about a
    third name a demo member. Returns how many rows are new."""
    days = settings.DEMO_HISTORY_DAYS if days is None else days
    rng = random.Random(2026)
    units = list(Org.objects.filter(level__in=LEVELS).order_by("path"))
    people = list(
        Membership.objects.filter(status__in=ACTIVE_STATUSES).select_related("person").order_by("pk")[:400]
    )
    stations: dict = {}
    for position in Position.objects.order_by("pk"):
        stations.setdefault(position.org_id, []).append(position.pk)
    today = timezone.localdate()
    weights = [k[1] for k in KINDS]
    rows = []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        season = 1.4 if day.month in (3, 4, 5, 9, 10, 11) else 1.0
        busy = (1.0 if day.weekday() < 5 else 0.5) * season
        for unit in units:
            for n in range(rng.choices((0, 1, 2, 3), (3, 3, 2, 1))[0] if rng.random() < busy else 0):
                source, _w, codes, money = rng.choices(KINDS, weights)[0]
                member = rng.choice(people) if people and rng.random() < 0.35 else None
                when = datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59)), SHANGHAI)
                face, bill = (money[0], Decimal(rng.randint(*money[1]))) if money else (None, None)
                rows.append(
                    record_build(
                        org=unit,
                        source=source,
                        source_id=uuid.uuid5(NAMESPACE, f"{unit.pk}:{day}:{n}"),
                        occurred_at=when,
                        title=unit.display_name,
                        person=member.person if member else None,
                        facts=member.person.ledger_facts(member_org_id=member.org_id) if member else None,
                        visitor_group=""
                        if member
                        else rng.choice(("delivery_rider", "courier", "sanitation")),
                        service_code=rng.choice(codes),
                        position_id=rng.choice(stations[unit.pk])
                        if source == "visit" and unit.pk in stations
                        else None,
                        amount=face,
                        driven=bill,
                    )
                )
    created = 0
    for start in range(0, len(rows), 2000):
        created += record_add_many(rows[start : start + 2000])
    fold_all()
    return created
