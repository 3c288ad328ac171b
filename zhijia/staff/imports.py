"""The console's view of an ImportJob, shared by every domain that imports spreadsheets."""

from django.shortcuts import render
from django.urls import reverse

from zhijia.core.models import ImportJob, ImportStatus
from zhijia.web.responses import is_htmx

SHOWN_ERRORS = 500  # more are in the downloadable report


def import_status(request, job: ImportJob, columns, *, page: str, status_url: str, report_url: str):
    """Counts and per-row errors; the page polls (HTMX) while the job is waiting or running.
    `page` is the full status page; an HTMX poll gets only the shared progress fragment."""
    headers = {c.key: c.header for c in columns}
    errors = [{**e, "column": headers.get(e["field"], e["field"])} for e in job.errors[:SHOWN_ERRORS]]
    unchanged = job.processed_rows - job.created_count - job.updated_count - job.error_count
    context = {
        "job": job,
        "errors": errors,
        "more_errors": max(len(job.errors) - len(errors), 0),
        "unchanged": max(unchanged, 0),
        "running": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
        "status_url": reverse(status_url, args=[job.pk]),
        "report_url": reverse(report_url, args=[job.pk]),
    }
    template = "staff/_import_progress.html" if is_htmx(request) else page
    return render(request, template, context)
