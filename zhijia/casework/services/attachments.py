"""Attachments on a case: checked by content (never by name or the browser's type), at most
5 MB, audited; the interface has checked who may add them (access_notes, or the owner)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.core.uploads import MAX_PHOTO_BYTES, image_extension

from ..models import Case, CaseAttachment
from . import common as c

KINDS = ("visit_photo", "authorisation", "evidence", "other")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


def _read(upload: Any) -> tuple[bytes, str]:
    size = getattr(upload, "size", None)
    if upload is None or (size is not None and size > MAX_PHOTO_BYTES):
        raise field_error("file", _("Choose a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB."))
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_PHOTO_BYTES + 1)
    extension = image_extension(content[:16]) or ("pdf" if content.startswith(b"%PDF-") else None)
    if not content or len(content) > MAX_PHOTO_BYTES or extension is None:
        raise field_error("file", _("Choose a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB."))
    return content, extension


@transaction.atomic
def attachment_add(
    *, actor: Any, case: Case, upload: Any, kind: Any = "other", caption: Any = ""
) -> CaseAttachment:
    content, extension = _read(upload)
    chosen = str(kind or "other")
    if chosen not in KINDS:
        raise field_error("kind", _("Choose a valid option."))
    attachment = case.attachments.create(
        kind=chosen,
        caption=c.text(caption, "caption", max_length=100),
        extension=extension,
        size=len(content),
        content=content,
        uploaded_by=c.user_or_none(actor),
        at=timezone.now(),
    )
    audit_log(
        actor=actor,
        action="case.attachment_add",
        obj=case,
        org=case.org,
        data={"number": case.number, "kind": chosen, "size": len(content)},
    )
    return attachment
