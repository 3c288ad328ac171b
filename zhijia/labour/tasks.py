"""Background work of the labour domain: registry imports (core.imports jobs, kind "labour")."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from zhijia.core.imports import import_job_run_batched, import_job_start
from zhijia.core.models import ImportJob
from zhijia.orgs.models import Org

from .xlsx import COLUMNS, labour_import_batch

LABOUR_IMPORT_KIND = "labour"
IMPORT_BATCH = 200
IMPORT_MAX_ROWS = 200_000


@shared_task(name="zhijia.labour.tasks.labour_import", ignore_result=True)
def labour_import(job_id: str) -> None:
    """Run a registry import job; writes `labour.import` with the counts (one entry per job)."""
    import_job_run_batched(
        job_id,
        columns=COLUMNS,
        handle_batch=labour_import_batch,
        audit_action="labour.import",
        batch_size=IMPORT_BATCH,
        max_rows=IMPORT_MAX_ROWS,
    )


@transaction.atomic
def labour_import_start(*, actor: Any, unit: Org, filename: str, source: bytes) -> ImportJob:
    """Queue an import of registry sheet (xlsx bytes) into `unit`'s subtree. The caller has
    checked labour.manage on `unit`."""
    return import_job_start(
        actor=actor,
        kind=LABOUR_IMPORT_KIND,
        org=unit,
        filename=filename,
        source=source,
        task=labour_import,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
