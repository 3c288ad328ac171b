from typing import Any

from django.utils.translation import gettext as _

from zhijia.core.errors import Conflict
from zhijia.core.validators.text import checked_text as text  # noqa: F401 (used by voice services)
from zhijia.orgs.access import check


def require(actor: Any, cap: str, org: Any) -> None:
    if actor is not None:
        check(actor, cap, org)


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def move(obj: Any, to: str, transitions: dict[str, tuple[str, ...]]) -> None:
    if to not in transitions.get(obj.status, ()):
        raise Conflict(
            _("This step is not possible in the current state (%(status)s).")
            % {"status": obj.get_status_display()},
            code="invalid_transition",
        )
    obj.status = to
