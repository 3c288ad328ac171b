"""Figures that are not services given to a worker, so not ledger rows: activities held (from
the activities domain) and expert orders delivered and budget spent (dispatch). Both tables are
small beside the ledger (thousands of rows a year per city), read with the subtree's indexed
path prefix."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum

from zhijia.activities.enums import ActivityKind, ActivityStatus
from zhijia.activities.models import Activity
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import ServiceOrder
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

SHANGHAI = ZoneInfo("Asia/Shanghai")
HELD = (ActivityStatus.PUBLISHED, ActivityStatus.FINISHED)
DELIVERED = (OrderStatus.DELIVERED, OrderStatus.CONFIRMED, OrderStatus.SETTLED, OrderStatus.DISPUTED)


def _between(field: str, first: date, last: date) -> Q:
    return Q(
        **{
            f"{field}__gte": datetime.combine(first, time.min, SHANGHAI),
            f"{field}__lt": datetime.combine(last + timedelta(days=1), time.min, SHANGHAI),
        }
    )


def activities_held(org: Org, first: date, last: date) -> dict[str, int]:
    """Activities of the subtree that started in [first, last] and were not cancelled (drafts
    never happened); trainings and courses counted apart too (培训)."""
    qs = Activity.objects.filter(subtree_q(org.path, "org__path"), _between("starts_at", first, last))
    counts = qs.filter(status__in=HELD).aggregate(
        all=Count("pk"),
        trainings=Count("pk", filter=Q(kind__in=(ActivityKind.TRAINING, ActivityKind.COURSE))),
    )
    return {"activities": counts["all"], "trainings": counts["trainings"]}


def orders_delivered(org: Org, first: date, last: date) -> dict[str, Any]:
    """Expert orders of the subtree's unions delivered in [first, last], and what was settled
    (spent) in it."""
    mine = ServiceOrder.objects.filter(subtree_q(org.path, "org__path"))
    delivered = mine.filter(_between("delivered_at", first, last), status__in=DELIVERED).count()
    spent = mine.filter(_between("settled_at", first, last), status=OrderStatus.SETTLED).aggregate(
        s=Sum("cost")
    )
    return {"delivered": delivered, "spent": spent["s"] or Decimal(0)}
