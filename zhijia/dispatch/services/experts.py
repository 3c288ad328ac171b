"""The expert pool (专家库): experts and teams, their qualifications (with certificate expiry),
unavailable dates and logins. The caller has checked dispatch.menus on the pool's union
(permissions.access_expert); the services check it again for the acting user. Audited
`expert.*`."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, busy_as_conflict, field_error
from zhijia.core.masking import mask_name
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org, Role, RoleGrant
from zhijia.orgs.services import role_grant

from .. import error_codes
from ..enums import ExpertKind
from ..models import Expert, Qualification, Unavailability
from .common import day, integer, mobile, require, text

EXPERT_ROLE = "expert"


def _specialties(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    out: list[str] = []
    for raw in value or ():
        code = text(raw, "specialties", max_length=40)
        if code and code not in out:
            out.append(code)
    if len(out) > 200:
        raise field_error("specialties", _("At most %(n)d specialties.") % {"n": 200})
    return out


def _areas(org: Org, ids: Any) -> list[Org]:
    ids = [i for i in (ids or ()) if i]
    if not ids:
        return []
    try:
        found = list(Org.objects.filter(pk__in=ids))
    except (ValueError, DjangoValidationError):
        found = []
    if len(found) != len(set(map(str, ids))) or any(not o.path.startswith(org.path) for o in found):
        raise field_error("service_area_ids", _("Choose the pool's union or unions under it."))
    return found


def _members(org: Org, expert: Expert | None, kind: str, ids: Any) -> list[Expert]:
    ids = [i for i in (ids or ()) if i]
    if not ids:
        return []
    if kind != ExpertKind.TEAM:
        raise field_error("member_ids", _("Only a team has members."))
    try:
        found = list(Expert.objects.filter(pk__in=ids, org=org, kind=ExpertKind.PERSON))
    except (ValueError, DjangoValidationError):
        found = []
    if len(found) != len(set(map(str, ids))) or (expert is not None and expert in found):
        raise field_error("member_ids", _("Team members are experts of the same pool."))
    return found


@busy_as_conflict
@transaction.atomic
def expert_save(
    *,
    actor: Any,
    org: Org,
    expert: Expert | None = None,
    name: str,
    kind: str = ExpertKind.PERSON,
    title: str = "",
    bio: str = "",
    phone: str = "",
    specialties: Any = (),
    service_area_ids: Any = (),
    monthly_capacity: Any = 8,
    active: bool = True,
    member_ids: Any = (),
) -> Expert:
    """Create (`expert` None) or update an expert or team of `org`'s pool. `specialties` are
    menu item codes (a list or a comma-separated string); service areas are unions in the
    pool's subtree (empty: the whole subtree); members (teams only) are experts of the pool.
    Field-named 400 errors. Audited `expert.create` / `expert.update`."""
    require(actor, Cap.DISPATCH_MENUS, org)
    if expert is not None:
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        if expert.org_id != org.pk:
            raise NotFound(code="not_found")
    if kind not in ExpertKind.values:
        raise field_error("kind", _("Select a valid choice."))
    values = {
        "name": text(name, "name", max_length=100, required=True),
        "kind": kind,
        "title": text(title, "title", max_length=100),
        "bio": text(bio, "bio", max_length=5000),
        "phone": mobile(phone, "phone"),
        "specialties": _specialties(specialties),
        "monthly_capacity": integer(monthly_capacity, "monthly_capacity", low=0, high=1000),
        "active": bool(active),
    }
    areas = _areas(org, service_area_ids)
    members = _members(org, expert, kind, member_ids)
    if expert is None:
        expert = Expert.objects.create(org=org, **values)
        action = "expert.create"
    else:
        for key, value in values.items():
            setattr(expert, key, value)
        expert.save()
        action = "expert.update"
    expert.service_areas.set(areas)
    expert.members.set(members)
    audit_log(
        actor=actor,
        action=action,
        obj=expert,
        data={"name": mask_name(expert.name), "kind": kind, "active": expert.active},
    )
    return expert


@busy_as_conflict
@transaction.atomic
def expert_link_user(*, actor: Any, expert: Expert, user: Any) -> Expert:
    """Link `user` as the expert's login (None unlinks). The user gets the "expert" role on the
    pool's union when they hold no grant of it there yet. An account linked to another expert:
    409 expert_user_taken. Audited `expert.link_user`."""
    expert = Expert.objects.select_for_update().select_related("org").get(pk=expert.pk)
    require(actor, Cap.DISPATCH_MENUS, expert.org)
    if user is not None:
        other = Expert.objects.filter(user=user).exclude(pk=expert.pk).first()
        if other is not None:
            raise Conflict(
                _("This account is already linked to another expert."), code=error_codes.EXPERT_USER_TAKEN
            )
        role = Role.objects.get(code=EXPERT_ROLE)
        if not RoleGrant.objects.filter(user=user, org=expert.org, role=role).exists():
            role_grant(actor=actor, user=user, org=expert.org, role=role, include_subtree=True)
    expert.user = user
    expert.save(update_fields=["user", "updated_at"])
    audit_log(
        actor=actor,
        action="expert.link_user",
        obj=expert,
        data={"user": user.get_username() if user is not None else ""},
    )
    return expert


@busy_as_conflict
@transaction.atomic
def qualification_save(
    *,
    actor: Any,
    expert: Expert,
    qualification: Qualification | None = None,
    name: str,
    certificate_no: str = "",
    expires_on: Any = None,
) -> Qualification:
    """Add or change a qualification (an empty expiry: it does not expire)."""
    require(actor, Cap.DISPATCH_MENUS, expert.org)
    values = {
        "name": text(name, "name", max_length=100, required=True),
        "certificate_no": text(certificate_no, "certificate_no", max_length=64),
        "expires_on": day(expires_on, "expires_on", required=False),
    }
    if qualification is None:
        qualification = Qualification.objects.create(expert=expert, **values)
    else:
        if qualification.expert_id != expert.pk:
            raise NotFound(code="not_found")
        for key, value in values.items():
            setattr(qualification, key, value)
        qualification.save()
    audit_log(
        actor=actor,
        action="expert.qualification",
        obj=expert,
        data={"name": qualification.name, "expires_on": qualification.expires_on},
    )
    return qualification


@busy_as_conflict
@transaction.atomic
def qualification_delete(*, actor: Any, qualification: Qualification) -> None:
    expert = qualification.expert
    require(actor, Cap.DISPATCH_MENUS, expert.org)
    audit_log(
        actor=actor, action="expert.qualification_delete", obj=expert, data={"name": qualification.name}
    )
    qualification.delete()


@busy_as_conflict
@transaction.atomic
def unavailability_add(
    *, actor: Any, expert: Expert, starts_on: Any, ends_on: Any, note: str = ""
) -> Unavailability:
    """The expert is not available from `starts_on` to `ends_on` (inclusive). Orders already
    accepted are not touched; new dispatches and acceptances on those days are refused."""
    require(actor, Cap.DISPATCH_MENUS, expert.org)
    first = day(starts_on, "starts_on")
    last = day(ends_on, "ends_on")
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    if last < first:
        raise field_error("ends_on", _("The end cannot be before the start."))
    found = Unavailability.objects.create(
        expert=expert, starts_on=first, ends_on=last, note=text(note, "note", max_length=200)
    )
    audit_log(actor=actor, action="expert.unavailable", obj=expert, data={"from": first, "until": last})
    return found


@busy_as_conflict
@transaction.atomic
def unavailability_delete(*, actor: Any, unavailability: Unavailability) -> None:
    expert = unavailability.expert
    require(actor, Cap.DISPATCH_MENUS, expert.org)
    audit_log(
        actor=actor,
        action="expert.unavailable_delete",
        obj=expert,
        data={"from": unavailability.starts_on, "until": unavailability.ends_on},
    )
    unavailability.delete()
