"""A list for Django's Paginator (console) and ninja's paginate (API) whose length comes from
its own, cheaper query, each slice read from the rows' query (and turned into items by `item`).

The dated ledgers need it: their pages walk the ledger-order index and stop when full, while
their count is cheapest driven from the periods' status index (labour.selectors.ledgers)."""

from collections.abc import Callable
from typing import Any


class Counted:
    def __init__(self, rows: Any, count: Callable[[], int], item: Callable[[Any], Any] | None = None):
        self.rows, self._count, self.item = rows, count, item
        self._known: int | None = None

    def count(self) -> int:
        if self._known is None:
            self._known = self._count()
        return self._known

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        found = list(self.rows[window])
        return [self.item(r) for r in found] if self.item else found
