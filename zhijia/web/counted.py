"""A list for Django's Paginator (console) and ninja's paginate (API) whose length is known
already (counted by its own, cheaper query), each slice read from the rows' query (and turned
into items by `item`), so a page never loads the whole list.

The dated ledgers need it: their count is cheapest from the periods' status index, their pages
walk the ledger-order index and stop when full (labour.selectors.ledgers)."""

from collections.abc import Callable
from typing import Any


class Counted:
    def __init__(self, rows: Any, count: int, item: Callable[[Any], Any] | None = None):
        self.rows, self.total, self.item = rows, count, item

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        found = list(self.rows[window])
        return [self.item(r) for r in found] if self.item else found
