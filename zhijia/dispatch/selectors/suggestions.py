"""Dispatch suggestions: the experts of the dispatcher's pool ranked for one order, each with
the reasons shown to the dispatcher and, when the dispatch rules would refuse them, the error
code they would get (`blocked`). The dispatcher may still pick anyone (the rules decide).

Score (higher first; blocked experts last whatever their score): specialty match 40, service
area 20, free share of the wanted days × 20, spare monthly capacity share × 10, rating × 2.
Queries: the pool with its qualifications, unavailable periods and areas (prefetched), one
count of this month's load and one list of booked times on the wanted days, whatever the pool's
size."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import error_codes
from ..enums import BOOKED
from ..models import Expert, ServiceOrder
from .experts import LOADED, expert_pool, free_days, month_q


@dataclass
class Suggestion:
    expert: Expert
    score: float
    reasons: list[str] = field(default_factory=list)
    blocked: str = ""  # "" or an error code: certificate_expired, expert_unavailable


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def _busy_days(order: ServiceOrder, experts: list[Expert]) -> dict[object, list[tuple[dt.date, dt.date]]]:
    """Per expert, the (local) days of their booked orders within the wanted dates."""
    start = _day_start(order.wanted_from)
    end = _day_start(order.wanted_to + dt.timedelta(days=1))
    rows = (
        ServiceOrder.objects.filter(
            expert__in=experts, status__in=BOOKED, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk=order.pk)
        .values_list("expert_id", "starts_at", "ends_at")
    )
    busy: dict[object, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for expert_id, starts_at, ends_at in rows:
        busy[expert_id].append((timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()))
    return busy


def _qualified(expert: Expert, name: str, on: dt.date) -> bool:
    return not name or any(
        q.name == name and (q.expires_on is None or q.expires_on >= on) for q in expert.qualifications.all()
    )


def _in_area(expert: Expert, order: ServiceOrder) -> bool:
    areas = list(expert.service_areas.all())
    roots = areas or [expert.org]
    return any(order.org.path.startswith(a.path) for a in roots)


def _judge(expert: Expert, order: ServiceOrder, load: int, busy: list[tuple[dt.date, dt.date]]) -> Suggestion:
    item = order.item
    found = Suggestion(expert=expert, score=0.0)
    if item.code in expert.specialties:
        found.score += 40
        found.reasons.append(_("Specialty match"))
    if _in_area(expert, order):
        found.score += 20
        found.reasons.append(_("In the service area"))
    else:
        found.reasons.append(_("Outside the service area"))
    blocked = []
    if item.qualification:
        if _qualified(expert, item.qualification, order.wanted_to):
            found.reasons.append(_("Holds “%(name)s”") % {"name": item.qualification})
        else:
            found.reasons.append(_("No valid “%(name)s” certificate") % {"name": item.qualification})
            blocked.append(error_codes.CERTIFICATE_EXPIRED)
    periods = [(u.starts_on, u.ends_on) for u in expert.unavailable.all()] + busy
    total = (order.wanted_to - order.wanted_from).days + 1
    free = free_days(periods, order.wanted_from, order.wanted_to)
    if free == 0:
        found.reasons.append(_("Not available on the wanted dates"))
        blocked.append(error_codes.EXPERT_UNAVAILABLE)
    elif free == total:
        found.reasons.append(_("Available on the wanted dates"))
    else:
        found.reasons.append(
            _("Available on %(free)d of %(total)d wanted days") % {"free": free, "total": total}
        )
    found.score += 20 * free / total
    capacity = expert.monthly_capacity
    found.reasons.append(_("%(n)d/%(cap)d orders this month") % {"n": load, "cap": capacity})
    if load >= capacity:
        blocked.append(error_codes.EXPERT_UNAVAILABLE)
    elif capacity:
        found.score += 10 * (1 - load / capacity)
    if expert.rating is not None:
        found.score += 2 * expert.rating
        found.reasons.append(_("Rated %(rating)s") % {"rating": expert.rating})
    found.score = round(found.score, 1)
    found.blocked = blocked[0] if blocked else ""
    return found


def expert_suggestions(*, order: ServiceOrder, limit: int = 10) -> list[Suggestion]:
    """The pool's active experts for `order`, best first, blocked ones last, at most `limit`.
    The caller has checked that the actor dispatches the order."""
    experts = list(expert_pool(dispatcher=order.dispatcher))
    if not experts:
        return []
    start = order.wanted_from
    loads = Counter(
        dict(
            ServiceOrder.objects.filter(
                month_q(start.year, start.month), expert__in=experts, status__in=LOADED
            )
            .exclude(pk=order.pk)
            .values("expert_id")
            .annotate(n=Count("pk"))
            .values_list("expert_id", "n")
        )
    )
    busy = _busy_days(order, experts)
    ranked = [_judge(e, order, loads[e.pk], busy.get(e.pk, [])) for e in experts]
    ranked.sort(key=lambda s: (bool(s.blocked), -s.score, s.expert.name))
    return ranked[:limit]
