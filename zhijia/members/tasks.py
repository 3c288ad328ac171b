"""Background work of the members domain: ledger imports and large exports.

Tasks take ids, are enqueued on commit and are safe to retry (an import matches people by blind
index; an export rewrites its file)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from zhijia.accounts.models import User
from zhijia.core.imports import import_job_run_batched, import_job_start
from zhijia.core.models import ImportJob
from zhijia.orgs.models import Org

from .ledgers.columns import COLUMNS
from .ledgers.importer import member_import_batch
from .selectors.ledgers import MEMBER_IMPORT_KIND
from .services.ledgers import full_export_build, member_export_store

IMPORT_BATCH = 500
IMPORT_MAX_ROWS = 200_000


@shared_task(name="zhijia.members.tasks.member_import", ignore_result=True)
def member_import(job_id: str) -> None:
    """Run a member ledger import job in batches of IMPORT_BATCH rows. Writes `member.import`
    with the counts (one entry per job, see members.ledgers.importer)."""
    import_job_run_batched(
        job_id,
        columns=COLUMNS,
        handle_batch=member_import_batch,
        audit_action="member.import",
        batch_size=IMPORT_BATCH,
        max_rows=IMPORT_MAX_ROWS,
    )


@transaction.atomic
def member_import_start(*, actor: Any, unit: Org, filename: str, source: bytes) -> ImportJob:
    """Queue an import of a ledger (xlsx bytes) into `unit`'s subtree; the task starts when the
    transaction commits. The caller has checked members.import on `unit`. Raises
    ValidationFailed (field "file") for an oversized or non-xlsx upload."""
    return import_job_start(
        actor=actor,
        kind=MEMBER_IMPORT_KIND,
        org=unit,
        filename=filename,
        source=source,
        task=member_import,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )


@shared_task(name="zhijia.members.tasks.member_export_masked", ignore_result=True)
def member_export_masked(user_id: str, unit_id: str, token: str) -> None:
    """Write a large masked export for the user to private storage (re-checks members.export)."""
    user = User.objects.get(pk=user_id)
    member_export_store(actor=user, unit=Org.objects.get(pk=unit_id), token=token)


@shared_task(name="zhijia.members.tasks.member_export_full", ignore_result=True)
def member_export_full(request_id: str) -> None:
    """Write a large approved full export to private storage for its one download."""
    full_export_build(request_id=request_id)
