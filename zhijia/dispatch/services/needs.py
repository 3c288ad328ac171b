"""Needs surveys (需求调研): a union collects what its workers and grassroots unions need
(free text or a pick from its menu), and staff turn a need into an order.

A worker answers for themselves (their member record; the need's union is their active
membership's); a grassroots union's staff answer for their union (dispatch.order on it). Both
must lie in the survey union's subtree (404 otherwise). A closed survey, or one past its
closing day, refuses answers (409 survey_closed). Audited `need_survey.*` / `need.*`."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, busy_as_conflict, field_error
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.members.services.card import person_of
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .. import error_codes
from ..enums import NeedSource, NeedStatus, SurveyStatus
from ..models import Menu, MenuItem, Need, NeedSurvey, ServiceOrder
from .common import day, integer, require, user_or_none
from .common import text as clean_text
from .orders import create_order


def _menu(org: Org, menu: Menu | None) -> Menu | None:
    if menu is None:
        return None
    if not (org.path.startswith(menu.org.path) or menu.org.path.startswith(org.path)):
        raise field_error("menu", _("Choose a menu of this union, a union above it or one under it."))
    return menu


@busy_as_conflict
@transaction.atomic
def survey_create(
    *, actor: Any, org: Org, title: str, intro: str = "", menu: Menu | None = None, closes_on: Any = None
) -> NeedSurvey:
    """A needs survey of `org` (dispatch.menus), open at once; `menu` offers its items to pick."""
    require(actor, Cap.DISPATCH_MENUS, org)
    closes = day(closes_on, "closes_on", required=False)
    if closes is not None and closes < timezone.localdate():
        raise field_error("closes_on", _("The closing day cannot be in the past."))
    survey = NeedSurvey.objects.create(
        org=org,
        menu=_menu(org, menu),
        title=clean_text(title, "title", max_length=200, required=True),
        intro=clean_text(intro, "intro", max_length=5000),
        closes_on=closes,
    )
    audit_log(actor=actor, action="need_survey.create", obj=survey, data={"title": survey.title})
    return survey


@busy_as_conflict
@transaction.atomic
def survey_close(*, actor: Any, survey: NeedSurvey) -> NeedSurvey:
    """Stop collecting (idempotent)."""
    survey = NeedSurvey.objects.select_for_update().select_related("org").get(pk=survey.pk)
    require(actor, Cap.DISPATCH_MENUS, survey.org)
    if survey.status != SurveyStatus.CLOSED:
        survey.status = SurveyStatus.CLOSED
        survey.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action="need_survey.close", obj=survey)
    return survey


def survey_open(survey: NeedSurvey) -> bool:
    return survey.status == SurveyStatus.OPEN and (
        survey.closes_on is None or survey.closes_on >= timezone.localdate()
    )


def _item(survey: NeedSurvey, item: MenuItem | None) -> MenuItem | None:
    if item is None:
        return None
    if survey.menu is None or item.menu.family != survey.menu.family:
        raise field_error("item_id", _("Pick a service from this survey's menu."))
    return item


def _source(actor: Any, survey: NeedSurvey, org: Org | None) -> tuple[str, Org, Any]:
    """(source, union, person) of the answer; 404 when it comes from outside the survey's area."""
    if org is not None:
        require(actor, Cap.DISPATCH_ORDER, org)
        if not org.path.startswith(survey.org.path):
            raise NotFound(code="not_found")
        return NeedSource.UNION, org, None
    person = person_of(actor)
    if person is None:
        raise Conflict(_("Only union members can answer this survey."), code=error_codes.NOT_A_MEMBER)
    membership = (
        Membership.objects.select_related("org").filter(person=person, status__in=ACTIVE_STATUSES).first()
    )
    if membership is None:
        raise Conflict(_("Only union members can answer this survey."), code=error_codes.NOT_A_MEMBER)
    if not membership.org.path.startswith(survey.org.path):
        raise NotFound(code="not_found")
    return NeedSource.WORKER, membership.org, person


@busy_as_conflict
@transaction.atomic
def need_submit(
    *,
    actor: Any,
    survey: NeedSurvey,
    text: str = "",
    item: MenuItem | None = None,
    people: Any = None,
    org: Org | None = None,
) -> Need:
    """Answer a survey: a worker (`org` None) or a grassroots union's staff (`org` given). Text
    or an item of the survey's menu is needed (400 "text"); `people` how many would come."""
    survey = NeedSurvey.objects.select_related("org", "menu").get(pk=survey.pk)
    source, union, person = _source(actor, survey, org)
    if not survey_open(survey):
        raise Conflict(_("This survey no longer collects needs."), code=error_codes.SURVEY_CLOSED)
    what = clean_text(text, "text", max_length=2000)
    picked = _item(survey, item)
    if not what and picked is None:
        raise field_error("text", _("Describe the need or pick a service."), code="required")
    need = Need.objects.create(
        survey=survey,
        source=source,
        org=union,
        person=person,
        item=picked,
        text=what,
        people=integer(people, "people", low=1, high=100_000, required=False),
        created_by=user_or_none(actor),
    )
    audit_log(
        actor=actor,
        action="need.submit",
        obj=need,
        org=survey.org,
        data={"survey": str(survey.pk), "source": source, "item": picked.code if picked else ""},
    )
    return need


def _may_order(actor: Any, need: Need) -> None:
    if actor is None or scope_for(actor, Cap.DISPATCH_MENUS).contains(need.survey.org):
        return
    require(actor, Cap.DISPATCH_ORDER, need.org)


def need_to_order(
    *,
    actor: Any,
    need: Need,
    item: MenuItem,
    wanted_from: Any,
    wanted_to: Any,
    place: str,
    audience: Any,
    note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    submit: bool = True,
) -> ServiceOrder:
    """Turn an open need into an order placed for the need's union (dispatch.order on it, or
    dispatch.menus on the survey's union); the need becomes `ordered` and points at the order.
    As order_create otherwise. A need no longer open: 409 invalid_transition."""
    return _need_to_order(
        actor,
        need,
        dict(
            item=item,
            wanted_from=wanted_from,
            wanted_to=wanted_to,
            place=place,
            audience=audience,
            note=note,
            contact_name=contact_name,
            contact_phone=contact_phone,
            submit=submit,
        ),
    )


@busy_as_conflict
@transaction.atomic
def _need_to_order(actor: Any, need: Need, fields: dict[str, Any]) -> ServiceOrder:
    need = Need.objects.select_for_update(of=("self",)).select_related("survey__org", "org").get(pk=need.pk)
    _may_order(actor, need)
    if need.status != NeedStatus.OPEN:
        raise Conflict(_("This need is no longer open."), code=error_codes.INVALID_TRANSITION)
    order = create_order(actor=actor, org=need.org, **fields)
    need.status, need.order = NeedStatus.ORDERED, order
    need.save(update_fields=["status", "order", "updated_at"])
    audit_log(actor=actor, action="need.order", obj=need, org=need.survey.org, data={"order": order.number})
    return order


@busy_as_conflict
@transaction.atomic
def need_close(*, actor: Any, need: Need) -> Need:
    """Close an open need without an order (dispatch.menus on the survey's union)."""
    need = Need.objects.select_for_update(of=("self",)).select_related("survey__org").get(pk=need.pk)
    require(actor, Cap.DISPATCH_MENUS, need.survey.org)
    if need.status != NeedStatus.OPEN:
        raise Conflict(_("This need is no longer open."), code=error_codes.INVALID_TRANSITION)
    need.status = NeedStatus.CLOSED
    need.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="need.close", obj=need, org=need.survey.org)
    return need
