"""/api/v1/orgs: the organisation tree.

Reads need orgs.view on the unit, writes orgs.manage (on the unit, and on the new parent for
create and move). A unit outside the caller's scope answers 404 whether or not it exists; inside
the scope without the capability, 403. Errors are `{"code", "message", "fields"}`.
"""

from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhijia.api.pagination import Pagination
from zhijia.core.masking import mask_phone
from zhijia.orgs import services
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgLevel, OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.permissions import access_org
from zhijia.orgs.selectors import org_get, org_list

router = Router(tags=["orgs"])
MAX_PAGE = 500  # a larger `limit` is cut to this


class OrgOut(Schema):
    id: UUID
    name: str
    short_name: str
    level: OrgLevel
    uscc: str
    division_code: str
    parent_id: UUID | None
    path: str
    depth: int
    status: OrgStatus
    contact_name: str
    contact_phone: str = Field(description="Masked (138****1234).")

    @staticmethod
    def resolve_contact_phone(obj: Org) -> str:
        return mask_phone(obj.contact_phone)


class OrgIn(Schema):
    parent_id: UUID
    name: str = Field(..., max_length=200)
    level: OrgLevel
    short_name: str = Field("", max_length=100)
    uscc: str = Field("", max_length=40)
    division_code: str = Field("", max_length=20)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=40)


class OrgPatch(Schema):
    """Only the fields sent change. Status, parent and path are not editable here."""

    name: str | None = Field(None, max_length=200)
    level: OrgLevel | None = None
    short_name: str | None = Field(None, max_length=100)
    uscc: str | None = Field(None, max_length=40)
    division_code: str | None = Field(None, max_length=20)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=40)


class MoveIn(Schema):
    parent_id: UUID


@router.get("", response=list[OrgOut])
@paginate(Pagination, max_limit=MAX_PAGE)
def list_orgs(request: HttpRequest, parent: UUID | None = None, q: str | None = None):
    """Units the caller may view, ordered by tree path: `{"items": [...], "count": n}`.

    `limit` (default 100, at most 500: more is a 400) and `offset` page the list. `parent`: only
    its direct children (404 outside your scope). `q`: name or short name contains, pinyin
    initials prefix, full pinyin, or the exact USCC. 403 without orgs.view anywhere."""
    require_cap(request.user, Cap.ORGS_VIEW)
    parent_org = access_org(actor=request.user, id=parent) if parent else None
    return org_list(actor=request.user, parent=parent_org, q=(q or "")[:100])


@router.get("/{org_id}", response=OrgOut)
def get_org(request: HttpRequest, org_id: UUID):
    """One unit (404 when missing or outside your scope)."""
    return org_get(actor=request.user, id=org_id)


@router.post("", response={201: OrgOut})
def create_org(request: HttpRequest, payload: OrgIn):
    """Create a unit under `parent_id` (orgs.manage on the parent). 409 `uscc_taken`,
    `parent_dissolved`; 400 `bad_level` and field errors."""
    parent = access_org(actor=request.user, id=payload.parent_id, write=True)
    data = payload.dict(exclude={"parent_id"})
    return Status(201, services.org_create(actor=request.user, parent=parent, **data))


@router.patch("/{org_id}", response=OrgOut)
def update_org(request: HttpRequest, org_id: UUID, payload: OrgPatch):
    """Change some fields. 409 `already_dissolved`, `uscc_taken`; 400 `bad_level`."""
    org = access_org(actor=request.user, id=org_id, write=True)
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    return services.org_update(actor=request.user, org=org, **changes)


@router.post("/{org_id}/move", response=OrgOut)
def move_org(request: HttpRequest, org_id: UUID, payload: MoveIn):
    """Move the unit and its subtree under `parent_id` (orgs.manage on both). 400
    `move_into_own_subtree`, `bad_level`; 409 `parent_dissolved`."""
    org = access_org(actor=request.user, id=org_id, write=True)
    new_parent = access_org(actor=request.user, id=payload.parent_id, write=True)
    return services.org_move(actor=request.user, org=org, new_parent=new_parent)


@router.post("/{org_id}/dissolve", response=OrgOut)
def dissolve_org(request: HttpRequest, org_id: UUID):
    """Dissolve the unit. 409 `has_active_children`, `already_dissolved`."""
    org = access_org(actor=request.user, id=org_id, write=True)
    return services.org_dissolve(actor=request.user, org=org)
