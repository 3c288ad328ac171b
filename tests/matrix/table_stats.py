"""Permission-matrix entries for the statistics routes (merged into tests/matrix/table.ROUTES).

Figures of a unit: records.view on it (404 outside scope, 403 inside without it). The query
names the unit, so the API GET checks send their body as the query string."""

from datetime import date

from zhijia.orgs.capabilities import Cap
from zhijia.stats.models import Report, StatCell

from .reference import has, scoped
from .table import Check


def _figures(by=None, api=True):
    def body(org, o):
        query = {"org": str(org.pk), "from": "2026-01-01", "to": "2026-12-31"}
        return {**query, "by": by} if by else query

    return Check("rule", api=api, rule=lambda u, org, o: scoped(u, Cap.RECORDS_VIEW, org), body=body)


READERS = (Cap.STATS_REPORT, Cap.RECORDS_VIEW, Cap.STATS_APPROVE)


def _read(u, org, o):
    """access_report: 404 outside every grant, readable with any of READERS, else 403."""
    results = [scoped(u, cap, org) for cap in READERS]
    return 404 if 404 in results else None if None in results else 403


def _then(cap, unit_of=lambda org: org):
    def rule(u, org, o):
        return _read(u, org, o) or scoped(u, cap, unit_of(org))

    return rule


def _read_figures(u, org):
    return scoped(u, Cap.RECORDS_VIEW, org)


def _report(method, rule, body=lambda org, o: {}):
    return Check("rule", method, api=True, target="stat_report", rule=rule, body=body)


def _board(method):
    return Check(
        "rule",
        method,
        api=True,
        rule=lambda u, org, o: scoped(u, Cap.STATS_REPORT, org),
        body=lambda org, o: {"org": str(org.pk), "form": "monthly", "period": "2026-03"},
    )


ROUTES: dict = {
    "/api/v1/stats/reports": [_board("get"), _board("post")],
    "/api/v1/stats/reports/<report_id>": [_report("get", _read)],
    "/api/v1/stats/reports/<report_id>/figures": [
        _report("post", _then(Cap.STATS_REPORT), body=lambda org, o: {"values": {"volunteers": 1}})
    ],
    "/api/v1/stats/reports/<report_id>/<report_step>": [
        _report("post", _then(Cap.STATS_APPROVE, lambda org: org.parent or org))
    ],
    "/api/v1/stats/summary": [_figures()],
    "/api/v1/stats/breakdown": [_figures("child"), _figures("source")],
    "/console/stats/table.xlsx": [_figures("child", api=False)],
    # the board of the current unit (the first granted): records.view or stats.report there
    "/console/stats/reports/": [
        Check("rule", rule=lambda u, org, o: None if has(u, Cap.RECORDS_VIEW) is None else 403)
    ],
    "/console/stats/reports/open/": [
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: scoped(u, Cap.STATS_REPORT, org),
            body=lambda org, o: {"org": str(org.pk), "form": "monthly", "period": "2026-03"},
        )
    ],
    "/console/stats/reports/exempt/": [
        Check(
            "rule",
            "post",
            rule=lambda u, org, o: _read_figures(u, org) or scoped(u, Cap.STATS_APPROVE, org.parent or org),
            body=lambda org, o: {"org": str(org.pk), "form": "monthly", "period": "2026-03", "reason": "x"},
        )
    ],
    "/console/stats/reports/<uuid:pk>/": [Check("rule", target="stat_report", rule=_read)],
    "/console/stats/reports/<uuid:pk>/report.<str:report_format>": [
        Check("rule", target="stat_report", rule=_read)
    ],
    "/console/stats/reports/<uuid:pk>/<str:report_step>/": [
        Check(
            "rule", "post", target="stat_report", rule=_then(Cap.STATS_APPROVE, lambda org: org.parent or org)
        )
    ],
}


def extend(unit: dict, demo) -> None:
    """A draft monthly report of each unit (its step URL asks to approve it)."""
    org = unit["org"]
    unit["stat_report"] = Report.objects.create(
        org=org, form="monthly", period="2026-03", period_start=date(2026, 3, 1), period_end=date(2026, 3, 31)
    )
    unit["url_values"]["report_id"] = unit["stat_report"].pk
    unit["url_values"]["report_step"] = "approve"  # names of their own: other domains set "step"
    unit["url_values"]["report_format"] = "pdf"


def snapshot() -> list:
    return [
        StatCell.objects.count(),
        list(Report.objects.order_by("pk").values_list("pk", "status", "version", "figures", "updated_at")),
    ]
