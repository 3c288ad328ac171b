"""Permission-matrix entries for the statistics routes (merged into tests/matrix/table.ROUTES).

Figures of a unit: records.view on it (404 outside scope, 403 inside without it). The query
names the unit, so the API GET checks send their body as the query string."""

from zhijia.orgs.capabilities import Cap
from zhijia.stats.models import StatCell

from .reference import scoped
from .table import Check


def _figures(by=None, api=True):
    def body(org, o):
        query = {"org": str(org.pk), "from": "2026-01-01", "to": "2026-12-31"}
        return {**query, "by": by} if by else query

    return Check("rule", api=api, rule=lambda u, org, o: scoped(u, Cap.RECORDS_VIEW, org), body=body)


ROUTES: dict = {
    "/api/v1/stats/summary": [_figures()],
    "/api/v1/stats/breakdown": [_figures("child"), _figures("source")],
    "/console/stats/table.xlsx": [_figures("child", api=False)],
}


def extend(unit: dict, demo) -> None:
    """Nothing to add: every unit has (empty) figures."""


def snapshot() -> list:
    return [StatCell.objects.count()]
