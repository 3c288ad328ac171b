"""Permission-matrix entries for dispatch_api (merged into tests/matrix/table.ROUTES)."""

from .table import Check  # noqa: F401

ROUTES: dict = {}


def extend(unit: dict, demo) -> None:
    """Objects of the unit the routes name."""


def snapshot() -> list:
    """Rows a denied request must not change."""
    return []
