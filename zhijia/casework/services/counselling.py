"""Confidential counselling: booking (from the phone, or anonymously with a case number only),
PHQ-9 / GAD-7 screening with its own consent (a self-harm answer above 0 alerts the counsellor
and the unit's crisis contact at once, on commit), sessions (each a ledger row), cancelling."""

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, field_error
from zhijia.records.enums import RecordSource

from .. import deadlines, error_codes
from ..enums import INSTRUMENT_ITEMS, Instrument
from ..models import Case, Screening
from . import common as c

SELF_HARM_ITEM = (
    8  # PHQ-9 item 9 (0-based): thoughts that you would be better off dead or of hurting yourself
)


def booking_create(*, case: Case, data: dict[str, Any]) -> None:
    c.set_clock(case, deadlines.first_contact(case.opened_on))


def _answers(value: Any, field: str, n: int) -> list[int]:
    if not isinstance(value, list) or len(value) != n:
        raise field_error(field, _("Answer all %(n)d questions.") % {"n": n})
    out = []
    for item in value:
        if (
            isinstance(item, bool)
            or not isinstance(item, int | str)
            or str(item).strip() not in {"0", "1", "2", "3"}
        ):
            raise field_error(field, _("Each answer is 0, 1, 2 or 3."))
        out.append(int(str(item).strip()))
    return out


def screening_record(*, actor: Any, case: Case, data: dict[str, Any]) -> list[Screening]:
    """PHQ-9 and/or GAD-7 answers with their own consent. Returns the screenings; when the
    self-harm item is above 0 the counsellor (if assigned) and the crisis contact are told."""
    if not c.flag(data.get("consent")):
        raise field_error(
            "consent", _("Screening needs your separate consent."), code=error_codes.CONSENT_REQUIRED
        )
    now = timezone.now()
    made = []
    for instrument in (Instrument.PHQ9, Instrument.GAD7):
        if data.get(instrument.value) in (None, ""):
            continue
        answers = _answers(data.get(instrument.value), instrument.value, INSTRUMENT_ITEMS[instrument])
        self_harm = instrument == Instrument.PHQ9 and answers[SELF_HARM_ITEM] > 0
        made.append(
            case.screenings.create(
                instrument=instrument,
                answers=json.dumps(answers),
                score=sum(answers),
                self_harm=self_harm,
                consent_at=now,
                at=now,
            )
        )
    if not made:
        raise field_error("phq9", _("Answer the PHQ-9 or the GAD-7."), code="required")
    audit_log(
        actor=actor,
        action="case.screening",
        obj=case,
        org=case.org,
        data={"number": case.number, "instruments": [s.instrument for s in made]},
    )
    if any(s.self_harm for s in made):
        crisis_alert(case)
    return made


def crisis_alert(case: Case) -> None:
    """SMS (on commit) to the assigned counsellor and the unit's crisis contact; audited. The
    message carries the case number only."""
    from ..selectors import settings_for

    settings = settings_for(case.org)
    told = []
    if case.handler is not None and case.handler.phone:
        c.notify(case.handler.phone, "case_crisis_alert", {"number": case.number})
        told.append("handler")
    if settings.crisis_contact_phone:
        c.notify(settings.crisis_contact_phone, "case_crisis_alert", {"number": case.number})
        told.append("crisis_contact")
    case.events.create(
        step="alert",
        from_status=case.status,
        to_status=case.status,
        label=gettext_noop("Crisis alert sent"),
        at=timezone.now(),
    )
    audit_log(
        actor=None,
        action="case.crisis_alert",
        obj=case,
        org=case.org,
        data={"number": case.number, "told": told},
    )


def _screening(actor: Any, case: Case, data: dict[str, Any]) -> None:
    c.guard(case, "screening")
    screening_record(actor=actor, case=case, data=data)


def _session(actor: Any, case: Case, data: dict[str, Any]) -> None:
    from .legal import session_record

    target = c.guard(case, "session")
    if case.handler_id is None:
        raise Conflict(_("Assign the case first."), code=error_codes.NO_HANDLER)
    session_record(
        actor,
        case,
        held_at=data.get("held_at"),
        both_parties=False,
        minutes=data.get("minutes"),
        ledger=RecordSource.COUNSELLING,
    )
    c.meet_clock(case, "first_contact")
    c.move(case, "session", target, actor, label=gettext_noop("Counselling session"))


def _cancel(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "cancel")
    case.closed_at = timezone.now()
    case.outcome = str(_("Cancelled by the worker"))
    c.move(case, "cancel", target, actor, label=case.outcome)


STEPS = {"screening": _screening, "session": _session, "cancel": _cancel}

__all__ = ["STEPS", "ValidationFailed", "booking_create", "crisis_alert", "screening_record"]
