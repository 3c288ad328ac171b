"""Attachments on a case: checked by content (never by name or the browser's type), at most
5 MB, audited; the interface has checked who may add them (permissions.access_attachments:
the notes' readers, or the worker on their own case). Photos go through the shared upload
re-encoding (core.uploads.read_photo: decoded in full, stored as a fresh encoding without EXIF,
GPS or appended bytes); a PDF must start and end like one and is only ever downloaded."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import field_error
from zhijia.core.uploads import download_response, read_document

from ..enums import AttachmentKind
from ..models import Case, CaseAttachment
from . import common as c

KINDS = tuple(AttachmentKind.values)
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


@transaction.atomic
def attachment_add(
    *, actor: Any, case: Case, upload: Any, kind: Any = "other", caption: Any = ""
) -> CaseAttachment:
    content, extension = read_document(upload)
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


CONTENT_DISPOSITION = "{number}-{pk}.{extension}"


def attachment_download(*, actor: Any, case: Case, attachment: CaseAttachment) -> Any:
    """The attachment as a download (never inline, nosniff, sandboxed), its read audited; the
    interface has checked who may read it."""
    audit_log(
        actor=actor,
        action="case.attachment_read",
        obj=case,
        org=case.org,
        data={"number": case.number, "attachment": str(attachment.pk)},
    )
    name = CONTENT_DISPOSITION.format(number=case.number, pk=attachment.pk, extension=attachment.extension)
    return download_response(attachment.content, name)
