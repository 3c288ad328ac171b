"""Background work of the positions domain: the spreadsheet import."""

from typing import Any

from celery import shared_task
from django.db import transaction

from zhijia.core.imports import import_job_run_batched, import_job_start
from zhijia.core.models import ImportJob
from zhijia.orgs.models import Org

from .permissions import POSITION_IMPORT_KIND
from .xlsx import COLUMNS, positions_import_batch


@shared_task(name="zhijia.positions.tasks.positions_import", ignore_result=True)
def positions_import(job_id: str) -> None:
    """Run a positions import job. Safe to retry: rows are matched by code or (union, name).
    Each row re-checks the creator's positions.manage scope. Writes `position.import`."""
    import_job_run_batched(
        job_id,
        columns=COLUMNS,
        handle_batch=positions_import_batch,
        audit_action="position.import",
        batch_size=50,
    )


@transaction.atomic
def positions_import_start(*, actor: Any, unit: Org, filename: str, source: bytes) -> ImportJob:
    """Queue an import of `source` (xlsx) into `unit`; runs when the transaction commits. The
    caller has checked positions.manage on `unit`. 400 (field "file") for a non-xlsx upload."""
    return import_job_start(
        actor=actor,
        kind=POSITION_IMPORT_KIND,
        org=unit,
        filename=filename,
        source=source,
        task=positions_import,
    )
