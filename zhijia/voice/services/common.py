from typing import Any

from django.utils.translation import gettext as _

from zhijia.core.errors import Conflict, field_error
from zhijia.core.validators.text import has_control_chars
from zhijia.orgs.access import check


def require(actor: Any, cap: str, org: Any) -> None:
    if actor is not None:
        check(actor, cap, org)


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def text(field: str, value: Any, limit: int, *, required: bool = True) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise field_error(field, _("This field is required."), "required")
    if len(out) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    if has_control_chars(out.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise field_error(field, _("Remove the control characters."))
    return out


def move(obj: Any, to: str, transitions: dict[str, tuple[str, ...]]) -> None:
    if to not in transitions.get(obj.status, ()):
        raise Conflict(
            _("This step is not possible in the current state (%(status)s).")
            % {"status": obj.get_status_display()},
            code="invalid_transition",
        )
    obj.status = to
