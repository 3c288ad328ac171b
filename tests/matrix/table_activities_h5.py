"""Permission-matrix entries for the activities_h5 routes (merged into tests/matrix/table.ROUTES)."""

from .table import Check  # noqa: F401

ROUTES: dict = {}


def extend(unit: dict, demo) -> None:
    """Add this domain's objects for one unit of the matrix world: `unit["org"]` is the unit,
    `unit["user"]` a viewer there. Put objects under keys that Check.target names, and any
    extra URL parameter values in `unit["url_values"]`."""


def snapshot() -> list:
    """Rows a denied request must not change."""
    return []
