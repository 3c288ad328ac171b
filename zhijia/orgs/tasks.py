"""Background work of the orgs domain: the organisation import."""

from typing import Any

from celery import shared_task
from django.db import transaction

from zhijia.core.imports import import_job_run, import_job_start
from zhijia.core.models import ImportJob

from .models import Org
from .permissions import ORG_IMPORT_KIND
from .xlsx import COLUMNS, org_import_row


@shared_task(name="zhijia.orgs.tasks.org_import", ignore_result=True)
def org_import(job_id: str) -> None:
    """Run an organisation import job. Safe to retry: rows are matched, not duplicated. Each row
    re-checks the job creator's current orgs.manage scope. Writes `org.import` with the counts."""
    import_job_run(job_id, columns=COLUMNS, handle_row=org_import_row, audit_action="org.import")


@transaction.atomic
def org_import_start(*, actor: Any, unit: Org, filename: str, source: bytes) -> ImportJob:
    """Queue an import of `source` (xlsx bytes) into the tree below `unit`; the task starts when
    the transaction commits. The caller has checked orgs.manage on `unit`. Raises
    ValidationFailed (field "file") for an oversized or non-xlsx upload."""
    return import_job_start(
        actor=actor, kind=ORG_IMPORT_KIND, org=unit, filename=filename, source=source, task=org_import
    )
