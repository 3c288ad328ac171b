"""Reading statistical reports: one report (access_report: 404 outside the reader's scope), the
reports of a unit and the units directly below it for a period (who is late), and what a
correction changed."""

from datetime import date
from typing import Any

from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..models import Report
from ..models import ReportStatus as S
from .forms import due_date, get_form, parse_period


def access_report(*, actor: Any, id: Any) -> Report:
    """A report its unit's staff (stats.report or records.view) or the reviewers above may read;
    404 for anyone else and for a malformed id."""
    report = (
        Report.objects.select_related("org", "submitted_by", "reviewed_by").filter(pk=id).first()
        if parse_uuid(id)
        else None
    )
    if report is None:
        raise NotFound(code="not_found")
    org = report.org
    if not any(
        scope_for(actor, cap).contains(org) for cap in (Cap.STATS_REPORT, Cap.RECORDS_VIEW, Cap.STATS_APPROVE)
    ):
        check(actor, Cap.STATS_REPORT, org)  # 404 outside every grant, 403 inside
    return report


def report_board(*, actor: Any, org: Org, form: str, period: str) -> dict[str, Any]:
    """The unit's own latest report for the period (or None) and one line per active unit
    directly below: its latest report, and whether it is late (past the due date and not
    submitted, approved or exempt). records.view or stats.report on `org` (404/403)."""
    spec = get_form(form)
    first, last = parse_period(spec, period)
    if not scope_for(actor, Cap.STATS_REPORT).contains(org):
        check(actor, Cap.RECORDS_VIEW, org)
    key = first.strftime("%Y-%m") if spec.period_kind == "month" else str(first.year)
    children = list(Org.objects.filter(parent=org, status="active").order_by("path"))
    latest: dict[Any, Report] = {}
    report: Report | None
    for report in Report.objects.filter(org__in=[org, *children], form=form, period=key).order_by("version"):
        latest[report.org_id] = report
    due = due_date(spec, last)
    late = timezone.localdate() > due
    lines = []
    for child in children:
        report = latest.get(child.pk)
        done = report is not None and report.status in (S.SUBMITTED, S.APPROVED, S.EXEMPT)
        lines.append({"org": child, "report": report, "late": late and not done})
    return {
        "form": spec,
        "period": key,
        "first": first,
        "last": last,
        "due": due,
        "own": latest.get(org.pk),
        "children": lines,
    }


def report_diff(report: Report) -> list[dict[str, Any]]:
    """What this version changes against the version it corrects: [{"key","label","before","after"}]."""
    if report.supersedes_id is None:
        return []
    before = Report.objects.get(pk=report.supersedes_id).figures
    spec = get_form(report.form)
    return [
        {"key": f.key, "label": f.label, "before": before.get(f.key), "after": report.figures.get(f.key)}
        for f in spec.fields
        if str(before.get(f.key)) != str(report.figures.get(f.key))
    ]


def report_rows(report: Report) -> list[dict[str, Any]]:
    """The report's figures in the form's order, with label, value, note and whether typed in."""
    spec = get_form(report.form)
    return [
        {
            "key": f.key,
            "label": f.label,
            "value": report.figures.get(f.key),
            "note": report.notes.get(f.key, ""),
            "manual": f.manual,
        }
        for f in spec.fields
    ]


def period_default(form: str, today: date | None = None) -> str:
    """The period a unit reports now: last month (monthly) or last year (yearly)."""
    today = today or timezone.localdate()
    if get_form(form).period_kind == "year":
        return str(today.year - 1)
    month = today.replace(day=1)
    previous = date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
    return previous.strftime("%Y-%m")


def reports_to_review(*, actor: Any) -> int:
    """For the dashboard's to-do: reports submitted to a unit where the actor approves
    (stats.approve on the report unit's parent), except their own submissions, which someone
    else must review."""
    waiting = Report.objects.filter(scope_for(actor, Cap.STATS_APPROVE).q("org__parent"), status=S.SUBMITTED)
    return waiting.exclude(submitted_by_id=getattr(actor, "pk", None)).count()
