"""Hardship files (困难职工档案, 一户一档): the file and its family, the household rules, the
steps 初审 → 入户核查 → 公示 (5 working days, objections answered) → 建档 (approved by the
upper union) → help against a yearly fund → 复核 → 脱困退档 / 返困."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, busy_as_conflict, field_error
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import deadlines, error_codes
from ..enums import (
    AreaBand,
    Cause,
    Disability,
    FamilyRelation,
    Grade,
    HardshipCategory,
    Health,
    HelpKind,
    Housing,
    Hukou,
    Marital,
    ModelWorker,
    ObjectionStatus,
    WorkStatus,
)
from ..models import Case, HardshipFile, HardshipMember, HelpFund, HelpRecord, Objection
from . import common as c

CHOICE_FIELDS = {
    "category": HardshipCategory,
    "health": Health,
    "disability": Disability,
    "work_status": WorkStatus,
    "model_worker": ModelWorker,
    "housing": Housing,
    "area_band": AreaBand,
    "marital": Marital,
    "hukou": Hukou,
    "cause_main": Cause,
    "grade": Grade,
}
DEFAULTS = {
    "category": HardshipCategory.LOW_INCOME,
    "health": Health.HEALTHY,
    "work_status": WorkStatus.EMPLOYED,
    "housing": Housing.OWN,
    "area_band": AreaBand.FROM_15,
    "marital": Marital.MARRIED,
    "hukou": Hukou.URBAN,
    "cause_main": Cause.OTHER,
    "grade": Grade.RELATIVE,
}
KEY_GROUPS = ("model_worker", "disabled", "single_parent", "serious_illness", "migrant")  # 五类重点群体
FOUR_BATCHES = ("employment", "insurance", "assistance", "special")  # 四个一批
MAX_MONEY = Decimal("99999999.99")


def _money(value: Any, field: str) -> Decimal:
    amount = c.money(value if value not in (None, "") else "0", field)
    if amount > MAX_MONEY:
        raise field_error(field, _("Enter an amount in yuan."))
    return amount


def _codes(value: Any, field: str, allowed: Any, most: int) -> list[str]:
    items = value if isinstance(value, list) else [v for v in str(value or "").split(",") if v.strip()]
    out = []
    for item in items:
        code = str(item).strip()
        if code not in allowed:
            raise field_error(field, _("Choose a valid option."))
        if code not in out:
            out.append(code)
    if len(out) > most:
        raise field_error(field, _("Choose at most %(n)d.") % {"n": most})
    return out


def clean_file(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The file's fields from loosely typed input (form, JSON); every bad field named at once."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def run(field: str, fn: Any) -> None:
        if partial and field not in data:
            return
        try:
            out[field] = fn()
        except ValidationFailed as exc:
            errors.update(exc.fields)

    for field, choices in CHOICE_FIELDS.items():
        run(
            field,
            lambda f=field, ch=choices: c.choice(
                data.get(f),
                f,
                ch,
                default=DEFAULTS.get(f, "") if f not in ("disability", "model_worker") else "",
            ),
        )
    run("address", lambda: c.text(data.get("address"), "address", max_length=200))
    run("single_parent", lambda: c.flag(data.get("single_parent")))
    run("own_income", lambda: _money(data.get("own_income"), "own_income"))
    run("other_income", lambda: _money(data.get("other_income"), "other_income"))
    run(
        "household_size", lambda: c.integer(data.get("household_size") or 1, "household_size", low=1, high=30)
    )
    run("causes_other", lambda: _codes(data.get("causes_other"), "causes_other", Cause.values, 3))
    run("key_groups", lambda: _codes(data.get("key_groups"), "key_groups", KEY_GROUPS, 5))
    run("four_batches", lambda: _codes(data.get("four_batches"), "four_batches", FOUR_BATCHES, 4))
    run("bank_account", lambda: _account(data.get("bank_account")))
    if "cause_main" in out and out["cause_main"] in out.get("causes_other", []):
        errors["causes_other"] = [_("The main cause cannot also be a secondary one.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return out


def _account(value: Any) -> str:
    raw = "".join(str(value or "").split())
    if raw and (not raw.isdigit() or not 12 <= len(raw) <= 30):
        raise field_error("bank_account", _("Enter the bank card number (12 to 30 digits)."))
    return raw


def clean_members(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > 20:
        raise field_error("members", _("List at most 20 family members."))
    out = []
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            raise field_error("members", _("Each family member needs a name and a relation."))
        try:
            number, index = c.identity(row.get("id_number"), f"members.{i}.id_number", required=False)
            out.append(
                {
                    "name": c.text(row.get("name"), f"members.{i}.name", max_length=100, required=True),
                    "relation": c.choice(
                        row.get("relation"), f"members.{i}.relation", FamilyRelation, required=True
                    ),
                    "id_number": number,
                    "id_index": index,
                    "health": c.choice(
                        row.get("health"), f"members.{i}.health", Health, default=Health.HEALTHY
                    ),
                    "income": _money(row.get("income"), f"members.{i}.income"),
                    "school_or_employer": c.text(
                        row.get("school_or_employer"), f"members.{i}.school_or_employer", max_length=200
                    ),
                }
            )
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=exc.code, fields=exc.fields) from None
    return out


def _refuse_other_files(actor: Any, case: Case, indexes: list[str], household: str) -> None:
    """One open file per household, and no ID of this household in another unit's open file:
    refused naming the owning unit to staff who may know (cases.view on it)."""
    same = (
        HardshipFile.objects.select_related("case__org")
        .filter(is_open=True, household_index=household)
        .exclude(case=case)
        .first()
    )
    if same is not None:
        raise Conflict(
            _("This household already has an open hardship file (%(where)s).")
            % {"where": _owner(actor, same)},
            code=error_codes.HOUSEHOLD_HAS_FILE,
        )
    other = (
        HardshipFile.objects.select_related("case__org")
        .filter(is_open=True)
        .exclude(case=case)
        .filter(models_q(indexes))
        .first()
    )
    if other is not None:
        raise Conflict(
            _("An ID number of this household is already in an open hardship file (%(where)s).")
            % {"where": _owner(actor, other)},
            code=error_codes.ID_IN_OTHER_FILE,
        )


def models_q(indexes: list[str]):
    from django.db.models import Q

    return Q(household_index__in=indexes) | Q(members__id_index__in=indexes)


def _owner(actor: Any, file: HardshipFile) -> str:
    org = file.case.org
    if actor is None or scope_for(actor, Cap.CASES_VIEW).contains(org):
        return org.name
    return _("another unit")


def file_create(*, actor: Any, case: Case, data: dict[str, Any]) -> HardshipFile:
    number, household = c.identity(data.get("id_number"), "id_number")
    fields = clean_file(data, partial=False)
    members = clean_members(data.get("members"))
    indexes = [household, *[m["id_index"] for m in members if m["id_index"]]]
    if len(set(indexes)) != len(indexes):
        raise field_error("members", _("The same ID number is listed twice."))
    _refuse_other_files(actor, case, indexes, household)
    file = HardshipFile.objects.create(case=case, id_number=number, household_index=household, **fields)
    for m in members:
        HardshipMember.objects.create(file=file, **m)
    c.set_clock(case, deadlines.screen_by(case.opened_on))
    return file


def below_line(file: HardshipFile, org: Any) -> bool | None:
    from ..selectors import settings_for

    line = settings_for(org).dibao_line
    return None if line is None else file.per_capita < line


# --- steps ------------------------------------------------------------------------------


def _screen(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "screen")
    file = case.hardship
    fields = clean_file(data, partial=True)
    for k, v in fields.items():
        setattr(file, k, v)
    file.save()
    c.meet_clock(case, "screen_by")
    c.move(case, "screen", target, actor, label=gettext_noop("First check passed"))


def _visit(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "visit")
    record = c.text(data.get("visit_record"), "visit_record", max_length=5000, required=True)
    if not c.flag(data.get("income_check_signed")):
        raise field_error(
            "income_check_signed",
            _("The signed authorisation for income checks is required."),
            code="required",
        )
    file = case.hardship
    file.visit_record = record
    file.visited_on = c.day(data.get("visited_on"), "visited_on", required=False) or c.today()
    if file.visited_on > c.today():
        raise field_error("visited_on", _("The date cannot be in the future."))
    file.income_check_signed = True
    for k, v in clean_file(data, partial=True).items():
        setattr(file, k, v)
    file.save()
    c.move(case, "visit", target, actor, label=gettext_noop("Home visit done"))


def _publicise(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "publicise")
    start = c.day(data.get("starts_on"), "starts_on", required=False) or c.today()
    if start < c.today() or start > c.today() + dt.timedelta(days=60):
        raise field_error("starts_on", _("Start the public notice today or within 60 days."))
    file = case.hardship
    file.publicity_from = start
    file.publicity_until = deadlines.publicity_until(start)
    file.save(update_fields=["publicity_from", "publicity_until", "updated_at"])
    c.set_clock(case, deadlines.Clock("publicity", file.publicity_until, True))
    case.approvals.create(kind="file", requested_by=c.user_or_none(actor), requested_at=timezone.now())
    c.move(
        case,
        "publicise",
        target,
        actor,
        label=gettext_noop("Public notice until %(day)s"),
        label_args={"day": str(file.publicity_until)},
    )


def _answer(actor: Any, case: Case, data: dict[str, Any]) -> None:
    c.guard(case, "answer")
    pk = parse_uuid(data.get("objection_id"))
    objection = case.objections.filter(pk=pk, status=ObjectionStatus.OPEN).first() if pk else None
    if objection is None:
        raise field_error("objection_id", _("Choose an objection waiting for an answer."))
    objection.answer = c.text(data.get("answer"), "answer", max_length=2000, required=True)
    objection.status = ObjectionStatus.ANSWERED
    objection.answered_by, objection.answered_at = c.user_or_none(actor), timezone.now()
    objection.save()
    case.events.create(
        step="answer",
        from_status=case.status,
        to_status=case.status,
        actor=c.user_or_none(actor),
        label=gettext_noop("Objection answered"),
        at=timezone.now(),
    )
    audit_log(actor=actor, action="case.answer", obj=case, org=case.org, data={"number": case.number})


def _approve(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "approve")
    file = case.hardship
    if file.publicity_until is None or c.today() <= file.publicity_until:
        raise Conflict(
            _("The public notice runs until %(day)s.") % {"day": file.publicity_until},
            code=error_codes.PUBLICITY_RUNNING,
        )
    if case.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("Answer the objections first."), code=error_codes.OBJECTION_OPEN)
    reason = c.text(data.get("reason"), "reason", max_length=300)
    case.approvals.filter(kind="file", decision="pending").update(
        decision="approved", decided_by=c.user_or_none(actor), decided_at=timezone.now(), reason=reason
    )
    c.meet_clock(case, "publicity")
    c.set_clock(case, deadlines.Clock("review_by", deadlines.add_year(c.today()), False))
    c.move(case, "approve", target, actor, label=gettext_noop("Filed"))


def _reject(actor: Any, case: Case, data: dict[str, Any]) -> None:
    target = c.guard(case, "reject")
    reason = c.text(data.get("reason"), "reason", max_length=300, required=True)
    case.approvals.filter(kind="file", decision="pending").update(
        decision="rejected", decided_by=c.user_or_none(actor), decided_at=timezone.now(), reason=reason
    )
    case.hardship.is_open = False
    case.hardship.save(update_fields=["is_open", "updated_at"])
    case.outcome, case.closed_at = reason[:200], timezone.now()
    c.move(case, "reject", target, actor, label=reason)


def reopen_file(*, actor: Any, case: Case) -> None:
    """返困 or a fresh check: the file is open again (the household rules apply again)."""
    file = case.hardship
    indexes = [file.household_index, *file.members.exclude(id_index="").values_list("id_index", flat=True)]
    _refuse_other_files(actor, case, list(indexes), file.household_index)
    file.is_open, file.exit_reason = True, ""
    file.save(update_fields=["is_open", "exit_reason", "updated_at"])


def _review(actor: Any, case: Case, data: dict[str, Any]) -> None:
    c.guard(case, "review")
    file = case.hardship
    for k, v in clean_file(data, partial=True).items():
        setattr(file, k, v)
    file.reviewed_on = c.today()
    file.save()
    c.meet_clock(case, "review_by")
    CaseDeadline = case.deadlines.model
    CaseDeadline.objects.filter(case=case, code="review_by").update(
        due_on=deadlines.add_year(c.today()), met_at=None, reminded_at=None
    )
    case.events.create(
        step="review",
        from_status=case.status,
        to_status=case.status,
        actor=c.user_or_none(actor),
        label=gettext_noop("Yearly review"),
        at=timezone.now(),
    )
    audit_log(actor=actor, action="case.review", obj=case, org=case.org, data={"number": case.number})


def _help(actor: Any, case: Case, data: dict[str, Any]) -> None:
    c.guard(case, "help")
    kind = c.choice(data.get("kind"), "kind", HelpKind, required=True)
    amount = _money(data.get("amount"), "amount")
    if amount <= 0:
        raise field_error("amount", _("Enter an amount above zero."))
    given_on = c.day(data.get("given_on"), "given_on", required=False) or c.today()
    if given_on > c.today() or given_on < c.today() - dt.timedelta(days=366):
        raise field_error("given_on", _("Enter a date within the last year."))
    fund = None
    if data.get("fund_id"):
        pk = parse_uuid(data.get("fund_id"))
        fund = HelpFund.objects.select_related("org").filter(pk=pk).first() if pk else None
        if fund is None or not fund.org.path or not case.org.path.startswith(fund.org.path):
            raise field_error("fund_id", _("Choose a fund of this unit or a unit above it."))
        spend(fund=fund, amount=amount)
    help = HelpRecord.objects.create(
        case=case,
        kind=kind,
        amount=amount,
        given_on=given_on,
        fund=fund,
        given_by=c.user_or_none(actor),
        note=c.text(data.get("note"), "note", max_length=200),
    )
    record_add(
        org=case.org,
        source=RecordSource.HARDSHIP,
        source_id=help.pk,
        occurred_at=c.day_start(given_on),
        title=str(HelpKind(kind).label),
        person=case.person,
        service_code=f"{RecordSource.HARDSHIP}:{kind}",
        amount=amount,
    )
    case.events.create(
        step="help",
        from_status=case.status,
        to_status=case.status,
        actor=c.user_or_none(actor),
        label=c.fixed(HelpKind(kind).label),
        at=timezone.now(),
    )
    audit_log(
        actor=actor,
        action="case.help",
        obj=case,
        org=case.org,
        data={
            "number": case.number,
            "kind": kind,
            "amount": str(amount),
            "fund": str(fund.pk) if fund else "",
        },
    )


def spend(*, fund: HelpFund, amount: Decimal) -> None:
    """The guarded UPDATE: spend `amount` only while the balance holds it (409 fund_exhausted)."""
    done = HelpFund.objects.filter(pk=fund.pk, spent__lte=F("amount") - amount).update(
        spent=F("spent") + amount
    )
    if not done:
        fund.refresh_from_db()
        raise Conflict(
            _("The fund has %(balance)s yuan left.") % {"balance": fund.balance},
            code=error_codes.FUND_EXHAUSTED,
        )


STEPS = {
    "screen": _screen,
    "visit": _visit,
    "publicise": _publicise,
    "answer": _answer,
    "approve": _approve,
    "reject": _reject,
    "review": _review,
    "help": _help,
}


# --- objections and funds -------------------------------------------------------------------


@transaction.atomic
def objection_add(*, case: Case, text: Any) -> Objection:
    """Anyone may object to a 公示 while it runs (the public page); recorded, answered by staff."""
    case = c.lock(case)
    file = case.hardship
    if case.status != "publicised" or file.publicity_until is None or c.today() > file.publicity_until:
        raise c.invalid()
    body = c.text(text, "text", max_length=2000, required=True)
    objection = case.objections.create(text=body, at=timezone.now())
    case.events.create(
        step="objection",
        from_status=case.status,
        to_status=case.status,
        label=gettext_noop("Objection received"),
        at=timezone.now(),
    )
    audit_log(actor=None, action="case.objection", obj=case, org=case.org, data={"number": case.number})
    return objection


@busy_as_conflict
@transaction.atomic
def fund_create(*, actor: Any, org: Any, year: Any, name: Any, amount: Any) -> HelpFund:
    if actor is not None:
        check(actor, Cap.CASES_APPROVE, org)
    y = c.integer(year, "year", low=2000, high=2100) or 0
    title = c.text(name, "name", max_length=100, required=True)
    total = _money(amount, "amount")
    if HelpFund.objects.filter(org=org, year=y, name=title).exists():
        raise field_error("name", _("This unit already has a fund of that name for the year."))
    fund = HelpFund.objects.create(org=org, year=y, name=title, amount=total)
    audit_log(
        actor=actor, action="case.fund_create", obj=fund, org=org, data={"year": y, "amount": str(total)}
    )
    return fund
