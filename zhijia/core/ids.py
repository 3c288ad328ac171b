import uuid
from typing import Any


def parse_uuid(value: Any) -> uuid.UUID | None:
    """The UUID in `value`, or None when it is not one (ids in URLs are never trusted)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
