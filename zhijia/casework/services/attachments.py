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
from zhijia.core.uploads import MAX_PHOTO_BYTES, image_extension, read_photo

from ..enums import AttachmentKind
from ..models import Case, CaseAttachment
from . import common as c

KINDS = tuple(AttachmentKind.values)
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


def _read(upload: Any) -> tuple[bytes, str]:
    """(content, extension) of a photo or PDF, by its content alone: the file's name and the
    browser's type are ignored (a real PNG called scan.pdf is kept as the PNG it is; a text file
    called photo.jpg is refused). Each refusal names the `file` field and says what was wrong."""
    if upload is None or not hasattr(upload, "read"):
        raise field_error("file", _("Choose a file to upload."))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise field_error("file", _("The file is larger than 5 MB."))
    if hasattr(upload, "seek"):
        upload.seek(0)
    head = upload.read(16)
    if not head:
        raise field_error("file", _("The file is empty."))
    message = _("Choose a photo (JPEG, PNG, WebP) or a PDF of at most 5 MB.")
    if image_extension(head):
        photo = read_photo(upload)
        if photo is None:
            raise field_error("file", message)
        return photo
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_PHOTO_BYTES + 1)
    if len(content) > MAX_PHOTO_BYTES:
        raise field_error("file", _("The file is larger than 5 MB."))
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise field_error("file", message)
    return content, "pdf"


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


CONTENT_DISPOSITION = 'attachment; filename="{number}-{pk}.{extension}"'


def attachment_download(*, actor: Any, case: Case, attachment: CaseAttachment) -> Any:
    """The attachment as a download (never inline, nosniff, sandboxed), its read audited; the
    interface has checked who may read it."""
    from django.http import HttpResponse

    from zhijia.core.uploads import USER_FILE_HEADERS

    audit_log(
        actor=actor,
        action="case.attachment_read",
        obj=case,
        org=case.org,
        data={"number": case.number, "attachment": str(attachment.pk)},
    )
    response = HttpResponse(bytes(attachment.content), content_type="application/octet-stream")
    for name, value in USER_FILE_HEADERS.items():
        response[name] = value
    response["Content-Disposition"] = CONTENT_DISPOSITION.format(
        number=case.number, pk=attachment.pk, extension=attachment.extension
    )
    return response
