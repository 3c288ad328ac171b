"""Member ledger exports: the masked export, and the full export behind an approved request.

Masking (SECURITY.md: exports are masked by default): the masked export keeps names, because
union staff work with the ledger by name (calling a meeting, checking a list against a
workshop), but masks the ID number (4403**********123X) and the phone (138****1234), and shows
only the birth YEAR: a full birth date next to the masked number would leave two unknown
digits of a resident ID, which is no masking at all. Everything else is as stored.

Size: an export of up to EXPORT_INLINE_LIMIT rows is written inside the request (write-only
openpyxl, well under a second); a larger one is written by a Celery task into the private
storage under MEDIA_ROOT (never served by URL) and fetched once from there, then deleted.

At rest: a stored export is encrypted with the field keys (core.crypto.encrypt_bytes, AES-GCM,
bound to its storage name), so the disk never holds a readable ledger. It is deleted when its
one download commits, and in any case EXPORT_FILE_TTL seconds after it was written
(`exports_purge`: the `members-exports-purge` beat entry or `manage.py exports_purge`); an
expired file is never handed out even before the purge runs.
"""

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.crypto import decrypt_bytes, encrypt_bytes
from zhijia.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhijia.core.masking import mask_phone
from zhijia.core.validators.identity import mask_identity
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from .. import error_codes
from ..ledgers.columns import STATUS_LABELS, iso, ledger_xlsx, person_cells
from ..models import ExportRequest, ExportStatus
from ..selectors.ledgers import ledger_memberships
from .joining import clean_reason

EXPORT_INLINE_LIMIT = 5_000
EXPORT_DIR = "exports"
EXPORT_FILE_TTL = 900  # seconds a stored export waits for its download (MEMBERS_EXPORT_FILE_TTL)


def _ttl() -> int:
    return int(getattr(settings, "MEMBERS_EXPORT_FILE_TTL", EXPORT_FILE_TTL))


def _store(name: str, content: bytes) -> str:
    """Write `content` encrypted to private storage under exactly `name`."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(encrypt_bytes(content, context=name)))
    if saved != name:  # a concurrent writer took the name: ours would not decrypt under it
        default_storage.delete(saved)
        raise Conflict(_("This export is already being written."), code="export_busy")
    return saved


def _expired(name: str, now: datetime | None = None) -> bool:
    written = default_storage.get_modified_time(name)
    return (now or timezone.now()) - written > timedelta(seconds=_ttl())


def ledger_rows(memberships: Any, *, masked: bool) -> Iterator[list[Any]]:
    """Export rows (EXPORT_COLUMNS order) for memberships, streamed from the database."""
    for m in memberships.iterator(chunk_size=2000):
        p = m.person
        if masked:
            cells = person_cells(
                p,
                id_number=mask_identity(p.id_type, p.id_number),
                phone=mask_phone(p.phone),
                birth=str(p.birth_date.year) if p.birth_date else "",
            )
        else:
            cells = person_cells(p, id_number=p.id_number, phone=p.phone, birth=iso(p.birth_date))
        org_ref = m.org.uscc or m.org.name
        yield [*cells, iso(m.joined_on), org_ref, m.member_no or "", STATUS_LABELS.get(m.status, m.status)]


def export_size(*, actor: Any, unit: Org) -> int:
    """Rows a masked export of `unit` would have (decides inline vs background)."""
    return ledger_memberships(actor=actor, unit=unit).count()


@transaction.atomic
def member_export_xlsx(*, actor: Any, unit: Org) -> tuple[bytes, int]:
    """The masked ledger of `unit`'s subtree (what the actor may export there) and its row
    count. Checks members.export on `unit`. Writes `member.export` with the row count."""
    check(actor, Cap.MEMBERS_EXPORT, unit)
    memberships = ledger_memberships(actor=actor, unit=unit)
    count = memberships.count()
    content = ledger_xlsx(ledger_rows(memberships, masked=True))
    audit_log(actor=actor, action="member.export", obj=unit, data={"rows": count, "masked": True})
    return content, count


def member_export_store(*, actor: Any, unit: Org, token: str) -> str:
    """Write the masked export to private storage as `exports/masked-<token>.xlsx` (the Celery
    path for large exports); returns the storage name. Audited like member_export_xlsx."""
    content, _count = member_export_xlsx(actor=actor, unit=unit)
    return _store(masked_export_name(token), content)


def masked_export_name(token: str) -> str:
    return f"{EXPORT_DIR}/masked-{token}.xlsx.enc"


def new_export_token() -> str:
    return secrets.token_hex(16)


def stored_export_ready(name: str) -> bool:
    return default_storage.exists(name) and not _expired(name)


def stored_export_take(name: str) -> bytes | None:
    """The stored file's decrypted bytes, deleted from storage when the caller's transaction
    commits (downloaded once); None while it is not ready, or once it has expired (then it is
    deleted at once)."""
    if not default_storage.exists(name):
        return None
    if _expired(name):
        default_storage.delete(name)
        return None
    with default_storage.open(name, "rb") as handle:
        blob = handle.read()
    transaction.on_commit(lambda: default_storage.delete(name))
    return decrypt_bytes(blob, context=name)


def exports_purge(*, now: datetime | None = None) -> int:
    """Delete every stored export older than the file TTL, fetched or not; returns how many.
    Run by the `members-exports-purge` beat entry and `manage.py exports_purge`."""
    try:
        _dirs, files = default_storage.listdir(EXPORT_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for filename in files:
        name = f"{EXPORT_DIR}/{filename}"
        try:
            if _expired(name, now):
                default_storage.delete(name)
                removed += 1
        except FileNotFoundError:  # taken by its download meanwhile
            continue
    return removed


@transaction.atomic
def export_request_create(*, actor: Any, unit: Org, purpose: str) -> ExportRequest:
    """Ask for a full (unmasked) export of `unit`'s subtree. Checks members.export on `unit`;
    the purpose is required. Writes `export_request.create`."""
    check(actor, Cap.MEMBERS_EXPORT, unit)
    purpose = " ".join(purpose.split())
    if not purpose:
        msg = _("State the purpose of the export.")
        raise ValidationFailed(msg, code="required", fields={"purpose": [msg]})
    request = ExportRequest.objects.create(org=unit, requested_by=actor, purpose=purpose[:500])
    audit_log(actor=actor, action="export_request.create", obj=request, data={"purpose": request.purpose})
    return request


@transaction.atomic
def export_request_decide(
    *, actor: Any, request: ExportRequest, approve: bool, reason: str = ""
) -> ExportRequest:
    """Approve or reject a pending request. Checks members.export_approve on its unit; the
    requester may not decide their own request (403 self_approval); a decided request answers
    409 invalid_transition. A rejection needs a reason (400 `reason_required`, field "reason"),
    kept in `rejection_reason` and shown to the requester. Writes `export_request.approve` /
    `.reject`."""
    check(actor, Cap.MEMBERS_EXPORT_APPROVE, request.org)
    text = "" if approve else clean_reason(reason)
    request = ExportRequest.objects.select_for_update().select_related("org").get(pk=request.pk)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("A full export must be approved by someone else."), code=error_codes.SELF_APPROVAL
        )
    if request.status != ExportStatus.PENDING:
        raise Conflict(_("This request has already been decided."), code=error_codes.INVALID_TRANSITION)
    request.status = ExportStatus.APPROVED if approve else ExportStatus.REJECTED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.rejection_reason = text
    request.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason", "updated_at"])
    action = "export_request.approve" if approve else "export_request.reject"
    data = {"purpose": request.purpose, **({"reason": text} if text else {})}
    audit_log(actor=actor, action=action, obj=request, data=data)
    return request


def full_export_name(request: ExportRequest) -> str:
    return f"{EXPORT_DIR}/full-{request.pk}.xlsx.enc"


def _check_downloadable(actor: Any, request: ExportRequest) -> None:
    check(actor, Cap.MEMBERS_EXPORT, request.org)
    if request.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the requester may download this export."))
    if request.status != ExportStatus.APPROVED:
        raise Conflict(
            _("This export is not approved, or it has already been downloaded."),
            code=error_codes.EXPORT_NOT_APPROVED,
        )


def full_export_build(*, request_id: Any) -> str:
    """Celery side of a large full export: write the unmasked file to private storage. Only
    for an approved, not yet downloaded request; re-checks the requester's scope."""
    request = ExportRequest.objects.select_related("org", "requested_by").get(pk=request_id)
    _check_downloadable(request.requested_by, request)
    memberships = ledger_memberships(actor=request.requested_by, unit=request.org)
    content = ledger_xlsx(ledger_rows(memberships, masked=False))
    return _store(full_export_name(request), content)


@transaction.atomic
def export_request_download(*, actor: Any, request: ExportRequest) -> tuple[bytes, int] | None:
    """The full export, once, for its requester after approval (else 403 / 409
    export_not_approved). Small exports are written here; a large one must have been built
    by full_export_build (None while it is not ready). Marks the request downloaded and writes
    `member.export_full` with the row count and purpose, in the same transaction."""
    request = ExportRequest.objects.select_for_update().select_related("org").get(pk=request.pk)
    _check_downloadable(actor, request)
    memberships = ledger_memberships(actor=actor, unit=request.org)
    count = memberships.count()
    if count > EXPORT_INLINE_LIMIT:
        content = stored_export_take(full_export_name(request))
        if content is None:
            return None
    else:
        content = ledger_xlsx(ledger_rows(memberships, masked=False))
    request.status, request.row_count, request.downloaded_at = ExportStatus.DONE, count, timezone.now()
    request.save(update_fields=["status", "row_count", "downloaded_at", "updated_at"])
    audit_log(
        actor=actor,
        action="member.export_full",
        obj=request,
        data={"rows": count, "purpose": request.purpose, "unit": request.org.name},
    )
    return content, count
