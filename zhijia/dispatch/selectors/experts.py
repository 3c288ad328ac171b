"""Reads of the expert pool: lists for staff, and the availability facts the dispatch rules
and the suggestions share (pool membership, certificates, unavailable days, bookings, load)."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths

from ..enums import BOOKED, OrderStatus
from ..models import Expert, Qualification, ServiceOrder, Unavailability

LOADED = (OrderStatus.DISPATCHED, *BOOKED)  # orders that count against the monthly capacity


def expert_in_pool(expert: Expert, dispatcher: Org) -> bool:
    """The dispatcher may send experts of its own pool or of an ancestor's pool."""
    return dispatcher.path.startswith(expert.org.path)


def pool_q(dispatcher: Org) -> Q:
    return Q(org__path__in=ancestor_paths(dispatcher.path))


def qualification_valid(expert: Expert, name: str, on: dt.date) -> bool:
    """`name` empty (nothing required), or the expert holds a qualification of that name that
    does not expire before `on`."""
    if not name:
        return True
    return (
        Qualification.objects.filter(expert=expert, name=name)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .exists()
    )


def _month(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(after, dt.time.min), tz),
    )


def month_q(year: int, month: int) -> Q:
    """Orders whose service falls in that month: by start time once fixed, else by the first
    wanted day."""
    start, end = _month(year, month)
    first, after = start.date(), end.date()
    return Q(starts_at__gte=start, starts_at__lt=end) | Q(
        starts_at__isnull=True, wanted_from__gte=first, wanted_from__lt=after
    )


def expert_month_load(expert: Expert, year: int, month: int, *, exclude: Any = None) -> int:
    """Dispatched and booked orders of the expert in that month (`exclude`: an order id)."""
    qs = ServiceOrder.objects.filter(month_q(year, month), expert=expert, status__in=LOADED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.count()


def unavailable_on(expert: Expert, first: dt.date, last: dt.date | None = None) -> bool:
    """Whether an unavailable period of the expert touches any day from `first` to `last`."""
    return Unavailability.objects.filter(
        expert=expert, starts_on__lte=last or first, ends_on__gte=first
    ).exists()


def free_days(periods: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date) -> int:
    """How many days from `first` to `last` no period covers."""
    covered: set[dt.date] = set()
    for start, end in periods:
        day = max(start, first)
        while day <= min(end, last):
            covered.add(day)
            day += dt.timedelta(days=1)
    return (last - first).days + 1 - len(covered)


def unavailable_all_days(expert: Expert, first: dt.date, last: dt.date) -> bool:
    periods = list(
        Unavailability.objects.filter(expert=expert, starts_on__lte=last, ends_on__gte=first).values_list(
            "starts_on", "ends_on"
        )
    )
    return bool(periods) and free_days(periods, first, last) == 0


def booked_overlap(expert: Expert, start: dt.datetime, end: dt.datetime, *, exclude: Any = None) -> bool:
    """Whether the expert holds a booked order overlapping [start, end)."""
    qs = ServiceOrder.objects.filter(expert=expert, status__in=BOOKED, starts_at__lt=end, ends_at__gt=start)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _with_related(qs: QuerySet[Expert]) -> QuerySet[Expert]:
    return qs.select_related("org", "user").prefetch_related(
        Prefetch("qualifications", queryset=Qualification.objects.order_by("name")),
        Prefetch("unavailable", queryset=Unavailability.objects.order_by("starts_on")),
        "service_areas",
        "members",
    )


def expert_list(
    *, actor: Any, org: Org | None = None, q: str = "", active: bool | None = None
) -> QuerySet[Expert]:
    """Experts of the pools the actor manages (dispatch.menus) or dispatches from (dispatch.assign:
    the pools of its units and their ancestors). `org`: that pool only; `q`: name contains."""
    managed = scope_for(actor, Cap.DISPATCH_MENUS).q("org")
    assign = scope_for(actor, Cap.DISPATCH_ASSIGN)
    paths = {p for path in (*assign.subtree_paths, *assign.exact_paths) for p in ancestor_paths(path)}
    qs = Expert.objects.filter(managed | assign.q("org") | Q(org__path__in=sorted(paths)))
    if org is not None:
        qs = qs.filter(org=org)
    if q:
        qs = qs.filter(name__icontains=str(q)[:100])
    if active is not None:
        qs = qs.filter(active=active)
    return _with_related(qs).order_by("name")


def expert_get(*, actor: Any, id: Any) -> Expert:
    """One expert of expert_list(actor), else 404."""
    pk = parse_uuid(id)
    found = expert_list(actor=actor).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(code="not_found")
    return found


def expert_pool(*, dispatcher: Org, active: bool | None = True) -> QuerySet[Expert]:
    """The experts the dispatcher may send (its pool and its ancestors' pools)."""
    qs = Expert.objects.filter(pool_q(dispatcher))
    if active is not None:
        qs = qs.filter(active=active)
    return _with_related(qs).order_by("name")
