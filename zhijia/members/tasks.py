"""Background work of the members domain: ledger imports and large exports.

Tasks take ids, are enqueued on commit and are safe to retry (an import matches people by blind
index; an export rewrites its file)."""

from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhijia.accounts.models import User
from zhijia.core.errors import ValidationFailed
from zhijia.core.imports import import_job_run_batched, import_job_start
from zhijia.core.models import ImportJob
from zhijia.core.validators.text import has_control_chars
from zhijia.orgs.models import Org

from .enums import DECLARED_BASES
from .ledgers.columns import COLUMNS
from .ledgers.importer import member_import_batch
from .models import MemberImportDeclaration
from .selectors.ledgers import MEMBER_IMPORT_KIND
from .services.ledgers import exports_purge as purge
from .services.ledgers import full_export_build, member_export_store

IMPORT_BATCH = 500
IMPORT_MAX_ROWS = 200_000


@shared_task(name="zhijia.members.tasks.member_import", ignore_result=True)
def member_import(job_id: str) -> None:
    """Run a member ledger import job in batches of IMPORT_BATCH rows. Writes `member.import`
    with the counts (one entry per job, see members.ledgers.importer)."""
    declaration = MemberImportDeclaration.objects.filter(job__pk=job_id).first()
    import_job_run_batched(
        job_id,
        columns=COLUMNS,
        handle_batch=partial(member_import_batch, declaration=declaration),
        audit_action="member.import",
        batch_size=IMPORT_BATCH,
        max_rows=IMPORT_MAX_ROWS,
    )


@transaction.atomic
def member_import_start(
    *, actor: Any, unit: Org, filename: str, source: bytes, consent_basis: str, notice_version: str
) -> ImportJob:
    """Queue an import of a ledger (xlsx bytes) into `unit`'s subtree; the task starts when the
    transaction commits. The caller has checked members.import on `unit`. The union declares
    how the people in the ledger consented (`consent_basis`, one of DECLARED_BASES) and which
    notice version they were shown; each imported person without a consent gets one from it.
    Raises ValidationFailed (field "file") for an oversized or non-xlsx upload, and (fields
    "consent_basis", "notice_version") for a missing declaration."""
    errors: dict[str, list[str]] = {}
    if consent_basis not in DECLARED_BASES:
        errors["consent_basis"] = [_("Choose how the members in this ledger gave their consent.")]
    version = " ".join(str(notice_version or "").split())
    if not version or len(version) > 20 or has_control_chars(version):
        errors["notice_version"] = [_("Give the version of the privacy notice (up to 20 characters).")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    job = import_job_start(
        actor=actor,
        kind=MEMBER_IMPORT_KIND,
        org=unit,
        filename=filename,
        source=source,
        task=member_import,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    MemberImportDeclaration.objects.create(job=job, basis=consent_basis, notice_version=version)
    return job


@shared_task(name="zhijia.members.tasks.member_export_masked", ignore_result=True)
def member_export_masked(user_id: str, unit_id: str, token: str) -> None:
    """Write a large masked export for the user to private storage (re-checks members.export)."""
    user = User.objects.get(pk=user_id)
    member_export_store(actor=user, unit=Org.objects.get(pk=unit_id), token=token)


@shared_task(name="zhijia.members.tasks.member_export_full", ignore_result=True)
def member_export_full(request_id: str) -> None:
    """Write a large approved full export to private storage for its one download."""
    full_export_build(request_id=request_id)


@shared_task(name="zhijia.members.tasks.exports_purge", ignore_result=True)
def exports_purge() -> int:
    """Delete stored exports past their TTL, downloaded or not (beat: members-exports-purge)."""
    return purge()
