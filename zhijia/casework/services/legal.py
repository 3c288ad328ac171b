"""Legal consultation and labour-dispute mediation: intake (phone, desk, court referral),
sessions (each a ledger row), the agreement (调解协议书) or failure and referral to arbitration,
and the statutory clocks of the 劳动争议调解仲裁法 (Art. 14, 27, 48)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhijia.core.errors import field_error
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import deadlines
from ..enums import IntakeChannel
from ..models import Case, CaseSession, LegalDetail
from . import common as c

EARLIEST = dt.date(1990, 1, 1)


def _past_day(data: dict[str, Any], field: str) -> dt.date | None:
    found = c.day(data.get(field), field, required=False)
    if found is not None and not EARLIEST <= found <= c.today():
        raise field_error(field, _("Enter a date between 1990 and today."))
    return found


def detail_create(*, case: Case, data: dict[str, Any], staff: bool) -> LegalDetail:
    channel = c.choice(
        data.get("channel"),
        "channel",
        IntakeChannel,
        default=IntakeChannel.DESK if staff else IntakeChannel.PHONE,
    )
    if not staff:
        channel = IntakeChannel.PHONE
    court_case_no = c.text(data.get("court_case_no"), "court_case_no", max_length=60)
    if channel == IntakeChannel.COURT and not court_case_no:
        raise field_error("court_case_no", _("Enter the court's case number."), code="required")
    amount = data.get("claim_amount")
    claim = c.money(amount, "claim_amount") if amount not in (None, "") else None
    if claim is not None and claim > Decimal("9999999999.99"):
        raise field_error("claim_amount", _("Enter an amount in yuan."))
    detail = LegalDetail.objects.create(
        case=case,
        channel=channel,
        court_case_no=court_case_no,
        employer=c.text(data.get("employer"), "employer", max_length=200),
        claim_amount=claim,
        wage_arrears=c.flag(data.get("wage_arrears")),
        still_employed=c.flag(data.get("still_employed")),
        knew_on=_past_day(data, "knew_on"),
        employment_ended_on=_past_day(data, "employment_ended_on"),
        mediation_applied_on=_past_day(data, "mediation_applied_on")
        or (c.today() if c.flag(data.get("mediation")) else None),
    )
    refresh_clocks(case, detail)
    return detail


def refresh_clocks(case: Case, detail: LegalDetail) -> None:
    if detail.mediation_applied_on:
        c.set_clock(case, deadlines.mediation_clock(detail.mediation_applied_on))
    c.set_clock(
        case,
        deadlines.limitation_clock(
            knew_on=detail.knew_on,
            wage_arrears=detail.wage_arrears,
            still_employed=detail.still_employed,
            employment_ended_on=detail.employment_ended_on,
        ),
    )
    if detail.award_received_on:
        c.set_clock(case, deadlines.sue_clock(detail.award_received_on))


def session_code(ledger: str, both_parties: bool) -> str:
    """The ledger's service code of a session: legal:mediation, legal:consultation or
    counselling:session (statistics count them by it; no money is given)."""
    if ledger == RecordSource.LEGAL:
        return f"{ledger}:{'mediation' if both_parties else 'consultation'}"
    return f"{ledger}:session"


def session_record(
    actor: Any, case: Case, *, held_at: Any, both_parties: bool, minutes: Any, ledger: Any
) -> CaseSession:
    """A session and its one ledger row (source `ledger`), in the step's transaction."""
    when = c.moment(held_at, "held_at", required=False) or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5) or when.date() < c.today() - dt.timedelta(days=366):
        raise field_error("held_at", _("Enter a time within the last year, not in the future."))
    length = c.integer(minutes if minutes not in (None, "") else 50, "minutes", low=5, high=600) or 50
    session = case.sessions.create(
        held_at=when, handler=c.user_or_none(actor) or case.handler, both_parties=both_parties, minutes=length
    )
    record_add(
        org=case.org,
        source=ledger,
        source_id=session.pk,
        occurred_at=when,
        title=str(_("Mediation session") if both_parties else _("Consultation"))
        if ledger == RecordSource.LEGAL
        else str(_("Counselling session")),
        person=case.person,
        service_code=session_code(ledger, both_parties),
    )
    return session


def _session(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "session")
    if case.handler_id is None:
        from zhijia.core.errors import Conflict

        from ..error_codes import NO_HANDLER

        raise Conflict(_("Assign the case first."), code=NO_HANDLER)
    both = c.flag(data.get("both_parties"))
    session_record(
        actor,
        case,
        held_at=data.get("held_at"),
        both_parties=both,
        minutes=data.get("minutes"),
        ledger=RecordSource.LEGAL,
    )
    detail = case.legal
    detail.sessions = case.sessions.count()
    if both and detail.mediation_applied_on is None:
        detail.mediation_applied_on = c.today()
    detail.save(update_fields=["sessions", "mediation_applied_on", "updated_at"])
    refresh_clocks(case, detail)
    c.move(
        case,
        "session",
        target,
        actor,
        label=gettext_noop("Mediation session") if both else gettext_noop("Consultation"),
    )


def _agree(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "agree")
    detail = case.legal
    detail.agreement_terms = c.text(data.get("terms"), "terms", max_length=5000, required=True)
    detail.agreed_on = c.day(data.get("agreed_on"), "agreed_on", required=False) or c.today()
    if detail.agreed_on > c.today() or detail.agreed_on < c.today() - dt.timedelta(days=366):
        raise field_error("agreed_on", _("Enter a date within the last year, not in the future."))
    detail.save(update_fields=["agreement_terms", "agreed_on", "updated_at"])
    c.meet_clock(case, "mediation")
    c.move(case, "agree", target, actor, label=gettext_noop("Mediation agreement signed"))


def _fail(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "fail")
    reason = c.text(data.get("reason"), "reason", max_length=200, required=True)
    c.meet_clock(case, "mediation")
    c.move(case, "fail", target, actor, label=reason)


def _award(actor: Any, case: Case, data: dict[str, Any]) -> None:
    c.guard(case, "award")
    detail = case.legal
    received = c.day(data.get("received_on"), "received_on")
    if received is None or not EARLIEST <= received <= c.today():
        raise field_error("received_on", _("Enter a date between 1990 and today."))
    detail.award_received_on = received
    detail.save(update_fields=["award_received_on", "updated_at"])
    refresh_clocks(case, detail)
    c.move(case, "award", case.status, actor, label=gettext_noop("Arbitration award received"))


STEPS = {"session": _session, "agree": _agree, "fail": _fail, "award": _award}
