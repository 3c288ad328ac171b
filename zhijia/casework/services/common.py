"""Shared building blocks of the case services: the row lock, the transition guard, the
timeline event and audit entry, deadlines, numbers, and input parsing."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.crypto import blind_index
from zhijia.core.errors import Conflict, field_error
from zhijia.core.validators.identity import MESSAGES, IdentityError, identity_index_value, validate_identity
from zhijia.core.workdays import next_value
from zhijia.dispatch.services.common import (  # noqa: F401  (re-exported for the kinds' modules)
    day,
    day_start,
    integer,
    mobile,
    moment,
    text,
)
from zhijia.members.notices import notify  # noqa: F401  (re-exported for the kinds' modules)

from .. import error_codes
from ..deadlines import Clock
from ..enums import CaseKind
from ..kinds import KINDS, allowed, step_target
from ..models import Case, CaseDeadline

PREFIX: dict[str, str] = {CaseKind.HARDSHIP: "KN", CaseKind.LEGAL: "FL", CaseKind.COUNSELLING: "XL"}


def money(value: Any, field: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals, below 10^10."""
    try:
        amount = (
            Decimal(str(value).strip())
            if value not in (None, "") and not isinstance(value, bool | list | dict)
            else None
        )
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= Decimal("10") ** 10:
        raise field_error(field, _("Enter an amount in yuan."))
    if amount < 0:
        raise field_error(field, _("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise field_error(field, _("Enter an amount in yuan."))
    return amount.quantize(Decimal("0.01"))


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def new_number(kind: str) -> str:
    year = timezone.localdate().year
    return f"{PREFIX[kind]}{year}{next_value(f'casework.case.{kind}.{year}'):06d}"


def lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "person", "handler")
        .get(pk=case.pk)
    )


def invalid() -> Conflict:
    return Conflict(
        _("This case cannot take that step in its current state."), code=error_codes.INVALID_TRANSITION
    )


def guard(case: Case, step: str) -> str:
    """The target state of `step` from the case's state, or 409 invalid_transition."""
    has_handler = case.handler_id is not None
    if step not in KINDS[case.kind].steps or not allowed(case.kind, step, case.status, has_handler):
        raise invalid()
    return step_target(case.kind, step, case.status, has_handler)


def fixed(wording: Any) -> str:
    """Fixed wording for a timeline label (a gettext_noop msgid or a choice's lazy label) in the
    source language, so that every reader sees it in theirs (CaseEvent.shown_label)."""
    with translation.override(None):
        return str(wording)


def move(
    case: Case,
    step: str,
    target: str,
    actor: Any,
    *,
    label: str = "",
    label_args: dict[str, str] | None = None,
    **audit_data: Any,
) -> None:
    """Save the new state, append the timeline event (`label`: free text, or fixed wording via
    `fixed` with its `label_args`) and the audit entry."""
    before = case.status
    case.status = target
    case.save(update_fields=["status", "handler", "handler_expert", "closed_at", "outcome", "updated_at"])
    case.events.create(
        step=step,
        from_status=before,
        to_status=target,
        actor=user_or_none(actor),
        label=label[:200],
        label_args=label_args or {},
        at=timezone.now(),
    )
    audit_log(
        actor=actor,
        action=f"case.{step}",
        obj=case,
        org=case.org,
        data={"number": case.number, "kind": case.kind, "from": before, "to": target, **audit_data},
    )


def set_clock(case: Case, clock: Clock | None) -> None:
    if clock is None:
        return
    CaseDeadline.objects.update_or_create(
        case=case,
        code=clock.code,
        defaults={
            "due_on": clock.due_on,
            "working_days": clock.working_days,
            "met_at": None,
            "reminded_at": None,
        },
    )


def meet_clock(case: Case, code: str) -> None:
    CaseDeadline.objects.filter(case=case, code=code, met_at__isnull=True).update(met_at=timezone.now())


def identity(value: Any, field: str, *, required: bool = True) -> tuple[str, str]:
    """A resident ID number (validated) → (normalised number, blind index); ("", "") if blank."""
    raw = str(value or "").strip()
    if not raw:
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return "", ""
    try:
        result = validate_identity("cn_resident", raw)
    except IdentityError as exc:
        raise field_error(field, MESSAGES.get(exc.code, _("Enter a valid ID number."))) from None
    return result.normalized, blind_index(identity_index_value(result.id_type, result.normalized), "identity")


def choice(value: Any, field: str, choices: Any, *, required: bool = False, default: str = "") -> str:
    found = str(value if value is not None else "").strip()
    if not found:
        if required:
            raise field_error(field, _("This field is required."), code="required")
        return default
    if found not in choices.values:
        raise field_error(field, _("Choose a valid option."))
    return found


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "on", "yes"}


def today() -> dt.date:
    return timezone.localdate()
