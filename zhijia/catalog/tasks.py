"""Background work of the catalog domain: the activity-plan import."""

from typing import Any

from celery import shared_task
from django.db import transaction

from zhijia.core.imports import import_job_run, import_job_start
from zhijia.core.models import ImportJob

from .models import ActivityPlan
from .permissions import PLAN_IMPORT_KIND, access_plan
from .xlsx import PLAN_COLUMNS, plan_import_row


def _row_handler(plan_id: str):
    def handle(*, actor: Any, row: dict[str, str]):
        # Each row re-enters the importer's current scope: a revoked grant stops the import.
        plan = access_plan(actor=actor, id=plan_id)
        return plan_import_row(actor=actor, plan=plan, row=row)

    return handle


@shared_task(name="zhijia.catalog.tasks.plan_import", ignore_result=True)
def plan_import(job_id: str, plan_id: str) -> None:
    """Run a plan import job into the plan `plan_id`. Safe to retry: rows are keyed on plan +
    month + title. Writes `activity_plan.import` with the counts."""
    import_job_run(
        job_id, columns=PLAN_COLUMNS, handle_row=_row_handler(plan_id), audit_action="activity_plan.import"
    )


class _PlanTask:
    """Adapts `plan_import` to import_job_start, which enqueues `task.delay(job_id)`."""

    def __init__(self, plan_id: str):
        self.plan_id = plan_id

    def delay(self, job_id: str) -> None:
        plan_import.delay(job_id, self.plan_id)


@transaction.atomic
def plan_import_start(*, actor: Any, plan: ActivityPlan, filename: str, source: bytes) -> ImportJob:
    """Queue an import of `source` (xlsx bytes) into `plan`; it runs when the transaction
    commits. The caller has checked catalog.manage on the plan. Raises ValidationFailed
    (field "file") for an oversized or non-xlsx upload."""
    return import_job_start(
        actor=actor,
        kind=PLAN_IMPORT_KIND,
        org=plan.org,
        filename=filename,
        source=source,
        task=_PlanTask(str(plan.pk)),
    )
