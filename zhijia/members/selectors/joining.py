"""Reads for joining and transfers. Staff lists are limited to the actor's members.review scope;
the union search is public (union names are public information)."""

import re
from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.models import CalendarDay
from zhijia.core.validators.text import normalize
from zhijia.core.workdays import is_working_day
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.tree import ancestor_paths, subtree_q

from ..enums import ACTIVE_STATUSES, ApplicationStatus, TransferStatus
from ..models import JoinApplication, Membership, Person, Transfer
from ..services.joining import AREA_LEVELS, JOINABLE_LEVELS, WORKPLACE_LEVELS, is_worker
from ..validation import id_index
from .letters import letters_q

UNION_SEARCH_LIMIT = 20
_LETTERS = re.compile(r"[a-z]+")
_RELATED = ("person", "org", "workplace_org", "forwarded_from", "membership")


def _person_q(q: str) -> Q:
    text = q.strip()[:100]
    cond = Q(person__name__icontains=text)
    compact = normalize(text, upper=False).lower()
    if _LETTERS.fullmatch(compact):
        cond |= letters_q(compact, "person__")
    if compact.isdigit() and len(compact) == 4:
        cond |= Q(person__phone_last4=compact)
    code = normalize(text)
    if len(code) in (15, 18) and code[:-1].isdigit():
        with suppress(ValueError):  # not a number the index accepts: no exact match
            cond |= Q(person__id_index=id_index("cn_resident", code))
    return cond


def application_list(
    *,
    actor: Any,
    status: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    within: Org | None = None,
) -> QuerySet[JoinApplication]:
    """Applications to unions in the actor's members.review scope, with person and unions
    fetched; open ones first, earliest deadline first (so overdue ones lead). `overdue=True`:
    submitted and due before today (False: everything else). `q`: applicant's name, pinyin,
    initials, phone's last four digits or exact ID number. `within`: only that unit's subtree."""
    qs = JoinApplication.objects.filter(scope_for(actor, Cap.MEMBERS_REVIEW).q("org")).select_related(
        *_RELATED
    )
    if within is not None:
        qs = qs.filter(subtree_q(within.path, "org__path"))
    if status:
        qs = qs.filter(status=status)
    overdue_q = Q(status=ApplicationStatus.SUBMITTED, due_on__lt=timezone.localdate())
    if overdue is True:
        qs = qs.filter(overdue_q)
    elif overdue is False:
        qs = qs.exclude(overdue_q)
    if q:
        qs = qs.filter(_person_q(q))
    open_first = Case(
        When(status=ApplicationStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(open_rank=open_first).order_by("open_rank", "due_on", "submitted_at")


def application_counts(*, actor: Any) -> dict[str, int]:
    """For the console badge: open applications in scope, and how many of them are overdue."""
    open_qs = JoinApplication.objects.filter(
        scope_for(actor, Cap.MEMBERS_REVIEW).q("org"), status=ApplicationStatus.SUBMITTED
    )
    return {
        "submitted": open_qs.count(),
        "overdue": open_qs.filter(due_on__lt=timezone.localdate()).count(),
    }


def _working_days(start: date, end: date, exceptions: dict[date, str]) -> int:
    """Working days after `start` up to and including `end` (as core.workdays, no query)."""
    return sum(
        is_working_day(start + timedelta(days=i), exceptions) for i in range(1, (end - start).days + 1)
    )


def with_days_left(apps: list[JoinApplication], today: date | None = None) -> list[JoinApplication]:
    """Sets `days_left` on each application: working days until the deadline, negative when
    that many over, None once decided. One query for the calendar of the whole page."""
    today = today or timezone.localdate()
    open_apps = [a for a in apps if a.status == ApplicationStatus.SUBMITTED]
    for app in apps:
        app.days_left = None  # type: ignore[attr-defined]
    if not open_apps:
        return apps
    low = min(today, *(a.due_on for a in open_apps))
    high = max(today, *(a.due_on for a in open_apps))
    exceptions = dict(CalendarDay.objects.filter(date__gte=low, date__lte=high).values_list("date", "kind"))
    for app in open_apps:
        if app.due_on >= today:
            app.days_left = _working_days(today, app.due_on, exceptions)  # type: ignore[attr-defined]
        else:
            app.days_left = -_working_days(app.due_on, today, exceptions)  # type: ignore[attr-defined]
    return apps


def working_days_left(application: JoinApplication, today: date | None = None) -> int | None:
    """Working days until the deadline (negative: that many over); None once decided."""
    return with_days_left([application], today)[0].days_left  # type: ignore[attr-defined]


def worker_person(*, actor: Any) -> Person | None:
    if not is_worker(actor):
        return None
    return Person.objects.filter(user=actor).first()


def application_get_for_applicant(*, actor: Any, id: Any) -> JoinApplication:
    """The applicant's own application (the worker linked to the person). Anyone else: 404."""
    pk = parse_uuid(id)
    app = JoinApplication.objects.select_related(*_RELATED).filter(pk=pk).first() if pk else None
    if app is None or not is_worker(actor) or app.person.user_id != actor.pk:
        raise NotFound()
    return app


def applications_of_applicant(*, actor: Any) -> list[JoinApplication]:
    """The worker's applications, newest first (at most 10); nobody else has any."""
    if not is_worker(actor):
        return []
    qs = JoinApplication.objects.select_related(*_RELATED).filter(person__user=actor)
    return list(qs.order_by("-submitted_at")[:10])


def joinable_unions(q: str = "", kind: str = "workplace", limit: int = UNION_SEARCH_LIMIT) -> list[Org]:
    """Active unions a worker can pick on the join form, by name, short name, pinyin initials
    ("fbjd") or full pinyin: kind "workplace" = grassroots unions, "area" = street/town and
    park/industry unions. Initials match anywhere, so "fbjd" finds 福田区福保街道总工会. Public
    data, no scope. At most `limit`, parents fetched."""
    levels = AREA_LEVELS if kind == "area" else WORKPLACE_LEVELS
    qs = Org.objects.filter(status=OrgStatus.ACTIVE, level__in=levels).select_related("parent")
    text = (q or "").strip()[:50]
    if text:
        cond = Q(name__icontains=text) | Q(short_name__icontains=text)
        compact = normalize(text, upper=False).lower()
        if _LETTERS.fullmatch(compact):
            cond |= Q(name_initials__contains=compact) | Q(name_pinyin__contains=compact)
        qs = qs.filter(cond)
    return list(qs.order_by("name_pinyin")[:limit])


def joinable_union_get(id: Any) -> Org | None:
    """An active union one can join (QR pre-selection), or None."""
    pk = parse_uuid(id)
    if pk is None:
        return None
    return Org.objects.filter(pk=pk, status=OrgStatus.ACTIVE, level__in=JOINABLE_LEVELS).first()


def active_membership_of_worker(*, actor: Any) -> Membership | None:
    if not is_worker(actor):
        return None
    return (
        Membership.objects.select_related("org", "person")
        .filter(person__user=actor, status__in=ACTIVE_STATUSES)
        .first()
    )


def transfer_list(
    *, actor: Any, direction: str | None = None, status: str | None = None
) -> QuerySet[Transfer]:
    """Transfers into or out of unions in the actor's members.review scope (direction "in" /
    "out" narrows), newest first, with membership, person and unions fetched."""
    scope = scope_for(actor, Cap.MEMBERS_REVIEW)
    cond = {"in": scope.q("to_org"), "out": scope.q("from_org")}.get(
        direction or "", scope.q("to_org") | scope.q("from_org")
    )
    qs = Transfer.objects.filter(cond).select_related(
        "membership__person", "from_org", "to_org", "new_membership", "requested_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def transfers_of_worker(*, actor: Any) -> list[Transfer]:
    if not is_worker(actor):
        return []
    return list(
        Transfer.objects.select_related("from_org", "to_org", "new_membership")
        .filter(membership__person__user=actor)
        .order_by("-created_at")[:10]
    )


def transfer_open_of(membership: Membership) -> Transfer | None:
    return Transfer.objects.filter(membership=membership, status=TransferStatus.REQUESTED).first()


def forward_targets(*, actor: Any, application: JoinApplication, q: str = "", limit: int = 50) -> list[Org]:
    """Unions the application may be forwarded to (services.joining.forward_allowed): the
    street/park unions above its union, then joinable unions in the reviewer's members.review
    scope matching `q` (name, short name, pinyin initials); at most `limit`."""
    above = [
        o
        for o in Org.objects.filter(
            path__in=ancestor_paths(application.org.path), level__in=AREA_LEVELS, status=OrgStatus.ACTIVE
        ).order_by("-path")
        if o.pk != application.org_id
    ]
    qs = (
        Org.objects.filter(
            scope_for(actor, Cap.MEMBERS_REVIEW).q(""), status=OrgStatus.ACTIVE, level__in=JOINABLE_LEVELS
        )
        .exclude(pk=application.org_id)
        .exclude(pk__in=[o.pk for o in above])
    )
    text = (q or "").strip()[:50]
    if text:
        cond = Q(name__icontains=text) | Q(short_name__icontains=text)
        compact = normalize(text, upper=False).lower()
        if _LETTERS.fullmatch(compact):
            cond |= Q(name_initials__startswith=compact)
        qs = qs.filter(cond)
    return above + list(qs.order_by("path")[: max(0, limit - len(above))])


def transfer_reloaded(transfer: Transfer) -> Transfer:
    """A transfer just changed by a service, read again with what its answer shows."""
    related = ("membership__person", "from_org", "to_org", "new_membership")
    return Transfer.objects.select_related(*related).get(pk=transfer.pk)


def people_by_ids(ids: list[Any]) -> dict[Any, Person]:
    """Live (not anonymised) people by id, for a staff action that names them (the action's
    own access check decides what may be done to them)."""
    return {p.pk: p for p in Person.objects.filter(pk__in=ids, anonymised_at__isnull=True)}
