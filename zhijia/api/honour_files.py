"""/api/v1 files of honours, photos (re-encoded) or PDFs of at most 5 MB, only ever downloaded
(never inline), every read audited:

- `GET|POST /honours/nominations/<id>/materials`, `GET …/materials/<id>` — a nomination's
  materials (事迹材料 `deeds`, 推荐表 `form`, `certificate`, `other`): listed and downloaded by
  whoever may read the nomination (its union, the reviewing unions above), added as multipart
  form data (`file`, `kind`, `caption`) by the nominating union (honours.nominate) while the
  nomination is a draft or returned (409 `invalid_transition`). Never on the public notice.
- `GET|POST /star-ratings/assessments/<id>/evidence`, `GET …/evidence/<id>` — evidence files
  for the items Zhijia cannot compute: read by the assessed union and the scoring union, added
  (`file`, `item` = the item's or its criterion's id, `caption`) by the assessed union before it
  submits its self-assessment (409 `invalid_transition`; 400 on `item` for a computed one).

A refused file is 400 with the error under `file`. Errors are `{"code","message","fields"}`."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhijia.api.schemas import ERRORS
from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_text
from zhijia.honours import files
from zhijia.honours import selectors as sel
from zhijia.honours.permissions import access_assessment, access_nomination
from zhijia.orgs.capabilities import Cap

router = Router(tags=["honours"])


class FileOut(Schema):
    id: UUID
    kind: str
    item_id: UUID | None
    caption: str
    extension: str
    size: int
    uploaded_by: str
    at: datetime


def _out(f: Any) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": getattr(f, "kind", ""),
        "item_id": getattr(f, "item_id", None),
        "caption": mask_text(f.caption),
        "extension": f.extension,
        "size": f.size,
        "uploaded_by": str(f.uploaded_by) if f.uploaded_by is not None else "",
        "at": f.at,
    }


def _one(qs: Any, id: str) -> Any:
    pk = parse_uuid(id)
    found = qs.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(code="not_found")
    return found


M = "/honours/nominations/{hnomination_id}/materials"


@router.get(M, response={200: list[FileOut], **ERRORS})
def list_materials(request: HttpRequest, hnomination_id: str):
    nomination = access_nomination(actor=request.user, id=hnomination_id)
    return [_out(m) for m in sel.materials_of(nomination)]


@router.post(M, response={201: FileOut, **ERRORS})
def add_material(request: HttpRequest, hnomination_id: str):
    """Multipart form data: `file`, `kind` (deeds, form, certificate, other), `caption`."""
    nomination = access_nomination(actor=request.user, id=hnomination_id, cap=Cap.HONOURS_NOMINATE)
    made = files.material_add(
        actor=request.user,
        nomination=nomination,
        upload=request.FILES.get("file"),
        kind=request.POST.get("kind", "deeds"),
        caption=request.POST.get("caption", ""),
    )
    return Status(201, _out(made))


@router.get(M + "/{hmaterial_id}", response={200: None, **ERRORS})
def get_material(request: HttpRequest, hnomination_id: str, hmaterial_id: str):
    """The file, only ever as a download; every read is audited."""
    nomination = access_nomination(actor=request.user, id=hnomination_id)
    material = _one(sel.materials_of(nomination), hmaterial_id)
    return files.material_download(actor=request.user, nomination=nomination, material=material)


E = "/star-ratings/assessments/{sassessment_id}/evidence"


@router.get(E, response={200: list[FileOut], **ERRORS})
def list_evidence(request: HttpRequest, sassessment_id: str):
    assessment = access_assessment(actor=request.user, id=sassessment_id)
    return [_out(e) for e in sel.evidence_of(assessment)]


@router.post(E, response={201: FileOut, **ERRORS})
def add_evidence(request: HttpRequest, sassessment_id: str):
    """Multipart form data: `file`, `item` (the item's or its criterion's id), `caption`."""
    assessment = access_assessment(actor=request.user, id=sassessment_id, cap=Cap.HONOURS_NOMINATE)
    made = files.evidence_add(
        actor=request.user,
        assessment=assessment,
        item=request.POST.get("item", ""),
        upload=request.FILES.get("file"),
        caption=request.POST.get("caption", ""),
    )
    return Status(201, _out(made))


@router.get(E + "/{sevidence_id}", response={200: None, **ERRORS})
def get_evidence(request: HttpRequest, sassessment_id: str, sevidence_id: str):
    """The file, only ever as a download; every read is audited."""
    assessment = access_assessment(actor=request.user, id=sassessment_id)
    evidence = _one(sel.evidence_of(assessment), sevidence_id)
    return files.evidence_download(actor=request.user, assessment=assessment, evidence=evidence)
