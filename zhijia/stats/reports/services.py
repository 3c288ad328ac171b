"""Writing statistical reports (逐级上报). Every step locks the report row, checks the state
table, writes the audit entry in the same transaction. Who: a unit's report is filled in and
submitted by staff holding stats.report on the unit; it is reviewed (approved or returned) by
staff holding stats.approve on the unit above (on the unit itself for the root), never by the
person who submitted it. Callers resolve the report with stats.reports.access first."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, PermissionDenied, field_error
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..models import Report
from ..models import ReportStatus as S
from .checks import failing, number, run_checks
from .forms import get_form, parse_period
from .generate import generate

EDITABLE = (S.DRAFT, S.RETURNED)
MAX_VALUE = Decimal("1e12")


def _invalid(message: str) -> Conflict:
    return Conflict(message, code="invalid_transition")


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("org").get(pk=report.pk)


def reviewer_unit(org: Org) -> Org:
    return org.parent or org


def _refresh(report: Report) -> None:
    """Regenerate the auto figures of an editable report (typed-in ones stay) and its checks."""
    form = get_form(report.form)
    auto = generate(report.org, report.period_start, report.period_end)
    values = {f.key: report.figures.get(f.key) if f.manual else auto.get(f.key, 0) for f in form.fields}
    report.figures = values
    report.checks = run_checks(form, report.org, report.period_start, report.period_end, values)
    report.generated_at = timezone.now()


@transaction.atomic
def report_open(*, actor: Any, org: Org, form: str, period: str) -> Report:
    """The unit's current version of the report for `form` and `period`, created as a draft with
    its figures generated when there is none; an editable one is regenerated. stats.report on
    `org` (404/403). 400 naming `form` / `period` for bad values."""
    spec = get_form(form)
    first, last = parse_period(spec, period)
    check(actor, Cap.STATS_REPORT, org)
    period = first.strftime("%Y-%m") if spec.period_kind == "month" else str(first.year)
    report = Report.objects.filter(org=org, form=form, period=period).order_by("-version").first()
    if report is None:
        report = Report(org=org, form=form, period=period, period_start=first, period_end=last)
        _refresh(report)
        report.save()
        audit_log(
            actor=actor, action="report.open", obj=report, org=org, data={"form": form, "period": period}
        )
    elif report.status in EDITABLE:
        report = _locked(report)
        _refresh(report)
        report.save(update_fields=["figures", "checks", "generated_at", "updated_at"])
    return report


@transaction.atomic
def report_save(*, actor: Any, report: Report, values: dict[str, Any], notes: dict[str, Any]) -> Report:
    """Type in the figures Zhijia cannot know (the form's manual fields), each with an optional
    note. Non-negative numbers up to 10^12; 400 naming the field otherwise. Only while editable."""
    report = _locked(report)
    if report.status not in EDITABLE:
        raise _invalid(_("This report can no longer be changed."))
    form = get_form(report.form)
    for field in (f for f in form.fields if f.manual):
        if field.key in values and str(values[field.key]).strip() != "":
            value = number(str(values[field.key]).strip())
            if value is None or value < 0 or value >= MAX_VALUE or (not field.money and value != int(value)):
                raise field_error(
                    field.key,
                    _("Enter a whole number of 0 or more.")
                    if not field.money
                    else _("Enter an amount of 0 or more."),
                )
            report.figures[field.key] = f"{value:.2f}" if field.money else int(value)
        if field.key in notes:
            report.notes[field.key] = str(notes[field.key] or "").strip()[:300]
    _refresh(report)
    report.save(update_fields=["figures", "notes", "checks", "generated_at", "updated_at"])
    audit_log(actor=actor, action="report.save", obj=report, org=report.org, data={"fields": sorted(values)})
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: Report) -> Report:
    """Draft or returned → submitted, after regenerating and re-running the logic checks: 409
    logic_check_failed naming the failing checks (in `fields`, by check code)."""
    report = _locked(report)
    if report.status not in EDITABLE:
        raise _invalid(_("Only a draft or returned report can be submitted."))
    _refresh(report)
    bad = failing(report.checks)
    if bad:
        raise Conflict(
            _("The report does not pass its logic checks."),
            code="logic_check_failed",
            fields={c["code"]: [c["message"]] for c in bad},
        )
    report.status, report.submitted_by, report.submitted_at = S.SUBMITTED, _user(actor), timezone.now()
    report.save()
    audit_log(
        actor=actor, action="report.submit", obj=report, org=report.org, data={"version": report.version}
    )
    return report


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _review(actor: Any, report: Report) -> Report:
    report = _locked(report)
    check(actor, Cap.STATS_APPROVE, reviewer_unit(report.org))
    if report.status != S.SUBMITTED:
        raise _invalid(_("Only a submitted report can be reviewed."))
    if report.submitted_by_id and report.submitted_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("A report cannot be reviewed by the person who submitted it."))
    return report


def children_pending(report: Report) -> list[Org]:
    """Active units directly below whose report of the same form and period is neither approved
    nor exempt (a unit can be approved only when every child is)."""
    done = set(
        Report.objects.filter(
            org__parent=report.org, form=report.form, period=report.period, status__in=(S.APPROVED, S.EXEMPT)
        ).values_list("org_id", flat=True)
    )
    return [
        c for c in Org.objects.filter(parent=report.org, status="active").order_by("path") if c.pk not in done
    ]


@transaction.atomic
def report_approve(*, actor: Any, report: Report) -> Report:
    """Submitted → approved: the figures are locked as an immutable snapshot; a version it
    corrects is marked superseded in the audit trail. 409 children_pending naming the units below
    not yet approved or exempt."""
    report = _review(actor, report)
    pending = children_pending(report)
    if pending:
        names = "、".join(c.display_name for c in pending[:10])
        raise Conflict(
            _("The units below must be approved or exempt first: %s.") % names,
            code="children_pending",
            fields={"children": [c.display_name for c in pending]},
        )
    report.status, report.reviewed_by, report.reviewed_at = S.APPROVED, _user(actor), timezone.now()
    report.save()
    audit_log(
        actor=actor, action="report.approve", obj=report, org=report.org, data={"version": report.version}
    )
    return report


@transaction.atomic
def report_return(*, actor: Any, report: Report, reason: str) -> Report:
    """Submitted → returned with a reason the unit sees (400 naming `reason` when empty)."""
    reason = " ".join(str(reason or "").split())[:500]
    if not reason:
        raise field_error("reason", _("Say why the report is returned."), "required")
    report = _review(actor, report)
    report.status, report.return_reason = S.RETURNED, reason
    report.reviewed_by, report.reviewed_at = _user(actor), timezone.now()
    report.save()
    audit_log(actor=actor, action="report.return", obj=report, org=report.org, data={"reason": reason})
    return report


@transaction.atomic
def report_correct(*, actor: Any, report: Report) -> Report:
    """A correction of an approved report: a new draft version with the same typed-in figures;
    the approved version stays as it is (its snapshot never changes). stats.report on the unit."""
    check(actor, Cap.STATS_REPORT, report.org)
    report = _locked(report)
    if report.status != S.APPROVED:
        raise _invalid(_("Only an approved report can be corrected."))
    latest = (
        Report.objects.filter(org=report.org, form=report.form, period=report.period)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.pk != report.pk:
        raise _invalid(_("A newer version of this report already exists."))
    new = Report(
        org=report.org,
        form=report.form,
        period=report.period,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version + 1,
        figures=dict(report.figures),
        notes=dict(report.notes),
        supersedes=report,
    )
    _refresh(new)
    new.save()
    audit_log(actor=actor, action="report.correct", obj=new, org=report.org, data={"version": new.version})
    return new


@transaction.atomic
def report_exempt(*, actor: Any, org: Org, form: str, period: str, reason: str) -> Report:
    """The upper unit marks a unit below exempt from a period's report (dormant, merged…), with a
    reason; stats.approve on the unit above."""
    spec = get_form(form)
    first, last = parse_period(spec, period)
    check(actor, Cap.STATS_APPROVE, reviewer_unit(org))
    reason = " ".join(str(reason or "").split())[:500]
    if not reason:
        raise field_error("reason", _("Say why the unit is exempt."), "required")
    period = first.strftime("%Y-%m") if spec.period_kind == "month" else str(first.year)
    latest = Report.objects.filter(org=org, form=form, period=period).order_by("-version").first()
    if latest is not None and latest.status != S.DRAFT:
        raise _invalid(_("This unit has already reported for the period."))
    if latest is None:
        latest = Report(org=org, form=form, period=period, period_start=first, period_end=last)
    latest.status, latest.return_reason = S.EXEMPT, reason
    latest.reviewed_by, latest.reviewed_at = _user(actor), timezone.now()
    latest.save()
    audit_log(actor=actor, action="report.exempt", obj=latest, org=org, data={"reason": reason})
    return latest
