"""The one pagination of every API list: `limit` and `offset`, both bounded.

An unbounded `offset` (ninja's default is only `ge=0`) let `?offset=9223372036854775808` reach the
database, which cannot hold it (PostgreSQL bigint, SQLite INTEGER): a 500. Every list pages through
`Pagination` (set as NINJA_PAGINATION_CLASS, and passed explicitly where a router gives its own
`max_limit`), or through `OFFSET` / `page_of` when it builds its own page. A larger offset, a
negative one or a non-number is a 400 naming `offset`.
"""

from typing import Any

from django.conf import settings
from ninja import Field, Query, Schema
from ninja.pagination import LimitOffsetPagination

# Far beyond any list we hold, far below the database's 64-bit limit.
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def offset_query() -> Any:
    """`offset: int = offset_query()` for a handler that slices its own page."""
    return Query(0, ge=0, le=MAX_OFFSET)


def page_of(items: Any, *, offset: int, limit: int) -> Any:
    """items[offset:offset + limit], for a list that builds its own `{"items", "count"}`."""
    return items[offset : offset + limit]
