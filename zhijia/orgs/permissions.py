from typing import Any

from zhijia.core.errors import NotFound

from .access import check
from .capabilities import Cap
from .models import Org


def access_org(*, actor: Any, id: Any, write: bool = False) -> Org:
    """The org if `actor` may see it (orgs.view) or change it (write: orgs.manage); else 404/403."""
    org = Org.objects.select_related("parent").filter(pk=id).first() if _is_uuid(id) else None
    if org is None:
        raise NotFound(code="not_found")
    check(actor, Cap.ORGS_MANAGE if write else Cap.ORGS_VIEW, org)
    return org


def _is_uuid(value: Any) -> bool:
    import uuid  # noqa: PLC0415

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
