"""Reads of needs surveys: staff lists (dispatch.menus on the survey's union), the open surveys a
worker or a grassroots union may answer, and a survey's needs."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import ancestor_paths

from ..enums import NeedStatus, SurveyStatus
from ..models import Need, NeedSurvey


def survey_list(*, actor: Any, status: str | None = None) -> QuerySet[NeedSurvey]:
    """Surveys of the unions where the actor holds dispatch.menus, newest first, with counts
    `need_count` and `open_count`."""
    qs = NeedSurvey.objects.filter(scope_for(actor, Cap.DISPATCH_MENUS).q("org")).select_related(
        "org", "menu"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        need_count=Count("needs"), open_count=Count("needs", filter=Q(needs__status=NeedStatus.OPEN))
    ).order_by("-created_at")


def survey_get(*, actor: Any, id: Any) -> NeedSurvey:
    pk = parse_uuid(id)
    found = survey_list(actor=actor).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(code="not_found")
    return found


def survey_needs(survey: NeedSurvey, status: str | None = None) -> QuerySet[Need]:
    qs = survey.needs.select_related("org", "person", "item", "order")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def _open(qs: QuerySet[NeedSurvey]) -> QuerySet[NeedSurvey]:
    today = timezone.localdate()
    return qs.filter(status=SurveyStatus.OPEN).filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))


def open_surveys(*, user: Any) -> QuerySet[NeedSurvey]:
    """Open surveys the user may answer: as a worker, those of their membership's union and its
    ancestors; as grassroots staff (dispatch.order), those above or at the unions they order for."""
    if not getattr(user, "is_authenticated", False):
        return NeedSurvey.objects.none()
    paths: set[str] = set()
    membership = (
        Membership.objects.select_related("org")
        .filter(person__user=user, person__anonymised_at__isnull=True, status__in=ACTIVE_STATUSES)
        .first()
    )
    if membership is not None:
        paths.update(ancestor_paths(membership.org.path))
    scope = scope_for(user, Cap.DISPATCH_ORDER)
    for path in (*scope.subtree_paths, *scope.exact_paths):
        paths.update(ancestor_paths(path))
    q = Q(org__path__in=sorted(paths)) | scope.q("org")
    return _open(NeedSurvey.objects.filter(q)).select_related("org", "menu").order_by("-created_at")


def open_survey_get(*, user: Any, id: Any) -> NeedSurvey:
    """One survey of open_surveys(user), menu items reachable through survey.menu; else 404."""
    pk = parse_uuid(id)
    found = open_surveys(user=user).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(code="not_found")
    return found


def my_needs(*, user: Any) -> QuerySet[Need]:
    """Needs the user submitted, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Need.objects.none()
    return Need.objects.filter(created_by=user).select_related("survey", "item").order_by("-created_at")
