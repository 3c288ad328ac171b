"""Files of honours, through the shared upload check (core.uploads.read_document: a photo
re-encoded, or a PDF; at most 5 MB; a refusal named under `file`), kept in the database and
only ever served as an audited download:

- a nomination's materials (事迹材料, 推荐表, certificates), added by the nominating union while
  the nomination is a draft or returned, read by whoever may read the nomination (the union and
  the reviewing unions above it) — never by the public 公示 page;
- a star-rating assessment's evidence for an item Zhijia cannot compute (the rest uploaded),
  added by the assessed union before it submits, read by it and the scoring union.

The interface has checked access (permissions.access_nomination / access_assessment)."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.core.ids import parse_uuid
from zhijia.core.uploads import download_response, read_document
from zhijia.core.validators.text import checked_text
from zhijia.orgs.capabilities import Cap

from . import error_codes as E
from .enums import MaterialKind, NominationStatus
from .models import Assessment, AssessmentItem, Evidence, Material, Nomination
from .services import _require, _user

MAX_FILES = 30  # per nomination, per assessment item


def _caption(value: Any) -> str:
    return checked_text("caption", value if isinstance(value, str) else "", 100, required=False)


def _store(actor: Any, related: Any, upload: Any, caption: Any, **fields: Any) -> Any:
    """Check the caption and the file (core.uploads.read_document), keep at most MAX_FILES, and
    create the file row on `related` (a nomination's materials, an item's evidence)."""
    text = _caption(caption)
    content, extension = read_document(upload)
    if related.count() >= MAX_FILES:
        raise field_error("file", _("At most %(n)s files can be attached.") % {"n": MAX_FILES})
    return related.create(
        caption=text,
        extension=extension,
        size=len(content),
        content=content,
        uploaded_by=_user(actor),
        at=timezone.now(),
        **fields,
    )


@transaction.atomic
def material_add(
    *, actor: Any, nomination: Nomination, upload: Any, kind: Any = "deeds", caption: Any = ""
) -> Material:
    _require(actor, Cap.HONOURS_NOMINATE, nomination.org)
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.RETURNED):
        raise Conflict(
            _("Materials are added while the nomination is a draft or returned."), code=E.INVALID_TRANSITION
        )
    chosen = str(kind or "")
    if chosen not in MaterialKind.values:
        raise field_error("kind", _("Choose a valid option."))
    material = _store(actor, nomination.materials, upload, caption, kind=chosen)
    audit_log(
        actor=actor,
        action="honours.material_add",
        obj=nomination,
        org=nomination.org,
        data={"material": str(material.pk), "kind": chosen, "size": material.size},
    )
    return material


def material_download(*, actor: Any, nomination: Nomination, material: Material) -> Any:
    audit_log(
        actor=actor,
        action="honours.material_read",
        obj=nomination,
        org=nomination.org,
        data={"material": str(material.pk)},
    )
    return download_response(material.content, f"nomination-{material.pk}.{material.extension}")


def _item(assessment: Assessment, item: Any) -> AssessmentItem:
    """The assessment's line by its id or its criterion's id, one whose evidence is uploaded."""
    pk = item.pk if isinstance(item, AssessmentItem) else parse_uuid(item)
    lines = AssessmentItem.objects.filter(assessment=assessment).select_related("criterion")
    found = lines.filter(Q(pk=pk) | Q(criterion_id=pk)).first() if pk else None
    if found is None:
        raise field_error("item", _("Choose an item of this assessment."))
    if found.criterion.evidence:
        raise field_error("item", _("Zhijia computes this item's evidence; no file is needed."))
    return found


@transaction.atomic
def evidence_add(
    *, actor: Any, assessment: Assessment, item: Any, upload: Any, caption: Any = ""
) -> Evidence:
    _require(actor, Cap.HONOURS_NOMINATE, assessment.org)
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if assessment.status != "draft":
        raise Conflict(
            _("Evidence is added before the self-assessment is submitted."), code=E.INVALID_TRANSITION
        )
    line = _item(assessment, item)
    evidence = _store(actor, line.files, upload, caption)
    audit_log(
        actor=actor,
        action="honours.evidence_add",
        obj=assessment,
        org=assessment.org,
        data={"evidence": str(evidence.pk), "item": str(line.pk), "size": evidence.size},
    )
    return evidence


def evidence_download(*, actor: Any, assessment: Assessment, evidence: Evidence) -> Any:
    audit_log(
        actor=actor,
        action="honours.evidence_read",
        obj=assessment,
        org=assessment.org,
        data={"evidence": str(evidence.pk)},
    )
    return download_response(evidence.content, f"evidence-{evidence.pk}.{evidence.extension}")
