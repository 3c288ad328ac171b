"""/api/v1/me/children: a member's own children (the minor's data rules of SECURITY.md).

`GET /me/children`, `POST /me/children` (201 created; 200 with the same child when it is
already registered: same identity number, or same name and birth date), `PATCH` and `DELETE
/me/children/<id>`. The phone page "My children" calls the same services
(members.services.children). Names are masked (张*) and identity numbers masked
(4403**********123X) in every answer, as for enrolments. The first child needs
`"guardian_consent": true` (the guardian's separate consent, recorded with the notice version);
again after a withdrawal. Someone else's child, or no member record, is 404. Errors are
`{"code","message","fields"}`: 400 naming the field (`birth_date` in the future, impossible, or
18 or more years ago; `id_number`; `name`; `guardian_consent`), 409 `child_exists`,
`child_enrolled`."""

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS
from zhijia.core.errors import NotFound
from zhijia.core.masking import mask_name
from zhijia.core.validators.identity import mask_identity
from zhijia.members.selectors.children import my_children
from zhijia.members.services import card
from zhijia.members.services.children import child_add, child_remove, child_update, own_child

router = Router(tags=["members"])


class ChildIn(Schema):
    name: str = Field(..., max_length=200)
    birth_date: str = Field(..., max_length=20, description="YYYY-MM-DD; under 18.")
    gender: str = Field("", max_length=10, description="male | female | empty")
    id_type: str = Field("", max_length=30)
    id_number: str = Field("", max_length=64, description="Optional.")
    guardian_consent: bool = Field(False, description="Needed while no consent to MINOR is live.")


class ChildPatch(Schema):
    name: str | None = Field(None, max_length=200)
    birth_date: str | None = Field(None, max_length=20)
    gender: str | None = Field(None, max_length=10)
    id_type: str | None = Field(None, max_length=30)
    id_number: str | None = Field(None, max_length=64)
    clear_id_number: bool = False
    guardian_consent: bool = False


class ChildOut(Schema):
    id: UUID
    name: str = Field(description="Masked (张*).")
    birth_date: date | None
    gender: str
    id_type: str
    id_number: str = Field(description="Masked; empty when none was given.")


def _out(child: Any) -> dict:
    return {
        "id": child.pk,
        "name": mask_name(child.name),
        "birth_date": child.birth_date,
        "gender": child.gender,
        "id_type": child.id_type,
        "id_number": mask_identity(child.id_type, child.id_number) if child.id_number else "",
    }


def _person(request: HttpRequest):
    person = card.person_of(request.user)
    if person is None:
        raise NotFound(code="not_found")
    return person


@router.get("/me/children", response=list[ChildOut])
def list_children(request: HttpRequest):
    """The caller's children (empty without a member record)."""
    return [_out(c) for c in my_children(person=card.person_of(request.user))]


@router.post("/me/children", response={200: ChildOut, 201: ChildOut, **ERRORS})
def add_child(request: HttpRequest, payload: ChildIn):
    """Register a child: 201, or 200 with the child already registered."""
    child, created = child_add(actor=request.user, person=_person(request), data=payload.model_dump())
    return Status(201 if created else 200, _out(child))


@router.patch("/me/children/{child_id}", response={200: ChildOut, **ERRORS})
def update_child(request: HttpRequest, child_id: str, payload: ChildPatch):
    """Change what is sent; an identity number is removed only with `clear_id_number`."""
    person = _person(request)
    child = own_child(person=person, id=child_id)
    data = payload.model_dump(exclude_unset=True)
    child = child_update(actor=request.user, person=person, child=child, data=data)
    return _out(child)


@router.delete("/me/children/{child_id}", response={204: None, **ERRORS})
def remove_child(request: HttpRequest, child_id: str):
    """Remove a child; 409 `child_enrolled` while enrolments point at them."""
    person = _person(request)
    child_remove(actor=request.user, person=person, child=own_child(person=person, id=child_id))
    return Status(204, None)
