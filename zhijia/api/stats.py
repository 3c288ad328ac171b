"""/api/v1/stats: figures of a unit's subtree for a period, read from the statistics rollups.

Staff with records.view on the unit: 404 outside the caller's scope, 403 inside without it; 400
naming `from`, `to` or `by` for bad values. Counts are integers, money a decimal string in yuan;
small counts of sensitive sources are the string "<5" outside the viewer's own unit."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from zhijia.core.errors import NotFound
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.stats.access import access_stats_org
from zhijia.stats.models import Report
from zhijia.stats.reports.selectors import access_report, period_default, report_board, report_diff
from zhijia.stats.reports.services import (
    report_approve,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from zhijia.stats.selectors import stats_breakdown, stats_summary

router = Router(tags=["statistics"])
# `from` is a Python keyword: it is read from the query string directly.


def _plain(value: Any) -> Any:
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def _head(data: dict[str, Any]) -> dict[str, Any]:
    org = data["org"]
    return {
        "org": {"id": str(org.pk), "name": org.name},
        "from": data["from"].isoformat(),
        "to": data["to"].isoformat(),
    }


@router.get("/stats/summary")
def summary(request: HttpRequest, org: str = "", to: str = "") -> dict[str, Any]:
    """Key figures: service_visits (服务人次), people_served (服务人数, exact), activities_held,
    activity_participants, members_end, members_joined, vouchers_redeemed, consumption_driven
    (yuan), orders_delivered, and more."""
    data = stats_summary(actor=request.user, org_id=org, first=request.GET.get("from", ""), last=to)
    as_of = data.pop("as_of")
    figures = {k: _plain(v) for k, v in data.items() if k not in {"org", "from", "to"}}
    return {**_head(data), "as_of": as_of.isoformat() if as_of else None, **figures}


@router.get("/stats/breakdown")
def breakdown(request: HttpRequest, org: str = "", to: str = "", by: str = "") -> dict[str, Any]:
    """Items by child (each direct child's subtree, plus "self": what is credited to the unit
    itself — the items add up to the summary), month, source, service, worker_type, sex,
    age_band or position (station)."""
    data = stats_breakdown(actor=request.user, org_id=org, first=request.GET.get("from", ""), last=to, by=by)
    items = [{k: _plain(v) for k, v in item.items()} for item in data["items"]]
    return {**_head(data), "by": data["by"], "items": items}


# --- reports (逐级上报) --------------------------------------------------------------------------


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "id": str(report.pk),
        "org": {"id": str(report.org_id), "name": report.org.name},
        "form": report.form,
        "period": report.period,
        "version": report.version,
        "status": report.status,
        "figures": report.figures,
        "notes": report.notes,
        "checks": report.checks,
        "return_reason": report.return_reason,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "reviewed_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
        "supersedes": str(report.supersedes_id) if report.supersedes_id else None,
        "changes": [{**c, "label": str(c["label"])} for c in report_diff(report)],
    }


class OpenIn(Schema):
    org: str
    form: str = "monthly"
    period: str = ""


class FiguresIn(Schema):
    values: dict[str, Any] = {}
    notes: dict[str, str] = {}


class ReasonIn(Schema):
    reason: str = ""


@router.get("/stats/reports")
def reports(request: HttpRequest, org: str = "", period: str = "", form: str = "monthly") -> dict[str, Any]:
    """The unit's own report for the period and one item per unit directly below (its report's
    id and status, or none; `late` when past the due date without a submitted report)."""
    unit = access_stats_org(actor=request.user, id=org, cap=Cap.STATS_REPORT)
    board = report_board(actor=request.user, org=unit, form=form, period=period or period_default(form))

    def line(org_: Any, report: Report | None, late: bool) -> dict[str, Any]:
        short = {"id": str(report.pk), "status": report.status, "version": report.version} if report else None
        return {"org": {"id": str(org_.pk), "name": org_.name}, "report": short, "late": late}

    items = [line(unit, board["own"], False)] + [
        line(c["org"], c["report"], c["late"]) for c in board["children"]
    ]
    return {"form": form, "period": board["period"], "due": board["due"].isoformat(), "items": items}


@router.post("/stats/reports")
def report_open_api(request: HttpRequest, body: OpenIn) -> dict[str, Any]:
    """Open (or regenerate) the unit's report for a form and period: a draft on first call."""
    unit = access_stats_org(actor=request.user, id=body.org, cap=Cap.STATS_REPORT)
    return report_dict(
        report_open(
            actor=request.user, org=unit, form=body.form, period=body.period or period_default(body.form)
        )
    )


@router.get("/stats/reports/{report_id}")
def report_detail(request: HttpRequest, report_id: str) -> dict[str, Any]:
    return report_dict(access_report(actor=request.user, id=report_id))


@router.post("/stats/reports/{report_id}/figures")
def report_figures(request: HttpRequest, report_id: str, body: FiguresIn) -> dict[str, Any]:
    report = access_report(actor=request.user, id=report_id)
    check(request.user, Cap.STATS_REPORT, report.org)
    return report_dict(report_save(actor=request.user, report=report, values=body.values, notes=body.notes))


@router.post("/stats/reports/{report_id}/{report_step}")
def report_step(
    request: HttpRequest, report_id: str, report_step: str, body: ReasonIn | None = None
) -> dict[str, Any]:
    """submit (stats.report on the unit; 409 logic_check_failed naming the failing checks),
    approve / return {"reason"} (stats.approve on the unit above; 409 invalid_transition,
    children_pending), correct (a new version of an approved report)."""
    report = access_report(actor=request.user, id=report_id)
    actor = request.user
    step = report_step
    if step == "submit":
        check(actor, Cap.STATS_REPORT, report.org)
        report = report_submit(actor=actor, report=report)
    elif step == "approve":
        report = report_approve(actor=actor, report=report)
    elif step == "return":
        report = report_return(actor=actor, report=report, reason=body.reason if body else "")
    elif step == "correct":
        report = report_correct(actor=actor, report=report)
    else:
        raise NotFound(code="not_found")
    return report_dict(report)
