"""Materialised-path helpers usable by every domain (no access rules here)."""

from django.db import connection
from django.db.models import Q

from .models import SEGMENT_SEP, SEGMENT_WIDTH

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def segment(number: int) -> str:
    out = ""
    while number:
        number, rem = divmod(number, 36)
        out = _ALPHABET[rem] + out
    return out.rjust(SEGMENT_WIDTH, "0") + SEGMENT_SEP


def subtree_q(path: str, field: str = "path") -> Q:
    """Q for rows whose `field` (a path, e.g. "org__path") lies in the subtree rooted at `path`.

    PostgreSQL: LIKE 'p%' uses the varchar_pattern_ops index Django creates for the column.
    SQLite: a range on the binary-collated column uses its index (LIKE would not).
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": path})
    upper = path[:-1] + chr(ord(SEGMENT_SEP) + 1)
    return Q(**{f"{field}__gte": path, f"{field}__lt": upper})


def ancestor_paths(path: str) -> list[str]:
    """Paths of the node and all its ancestors, root first."""
    step = SEGMENT_WIDTH + len(SEGMENT_SEP)
    return [path[: i + step] for i in range(0, len(path), step)]


def is_within(path: str, root_path: str) -> bool:
    return path.startswith(root_path)
