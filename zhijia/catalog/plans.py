"""Writes of yearly activity plans (活动清单) and their entries.

Planned fields (title, category, month, position, audience, planned counts) change only while
the plan is a draft; once published, entries can still be cancelled and their outcome recorded
(by staff, or by the activities app through `plan_entry_record_activity`). Callers have
checked catalog.manage on the plan's union (catalog.permissions).
"""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.orgs.models import Org

from . import error_codes
from .enums import PlanEntryStatus, PlanStatus
from .models import ActivityPlan, PlanEntry
from .services import _text, clean_positions

MIN_YEAR, MAX_YEAR = 2000, 2100


def clean_year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise field_error("year", _("Enter a year between 2000 and 2100."), error_codes.BAD_YEAR)
    return year


def clean_month(value: Any) -> int:
    text = str(value if value is not None else "").strip().removesuffix("月")
    try:
        month = int(float(text)) if text else 0
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise field_error("month", _("Enter a month from 1 to 12."), error_codes.BAD_MONTH)
    return month


def _count(field: str, value: Any, default: int = 0) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return default
    try:
        number = int(float(text))
    except ValueError:
        number = -1
    if number < 0 or number > 1_000_000:
        raise field_error(field, _("Enter a whole number, 0 or more."), "invalid")
    return number


def _ensure_draft(plan: ActivityPlan) -> None:
    status = ActivityPlan.objects.select_for_update().filter(pk=plan.pk).values_list("status", flat=True)
    if status.first() != PlanStatus.DRAFT:
        raise Conflict(
            _("The plan is published: its planned entries are fixed. Cancel an entry or record its outcome."),
            code=error_codes.PLAN_PUBLISHED,
        )


@transaction.atomic
def plan_create(*, actor: Any, org: Org, year: Any, title: str) -> ActivityPlan:
    """A new draft plan of `org` for `year`. 400 `plan_duplicate` when the union already has a
    plan with that year and title. Writes `activity_plan.create`."""
    year = clean_year(year)
    title = _text("title", title, 200, required=True)
    if ActivityPlan.objects.filter(org=org, year=year, title=title).exists():
        raise field_error(
            "title",
            _("This union already has a plan with this title for that year."),
            error_codes.PLAN_DUPLICATE,
        )
    plan = ActivityPlan.objects.create(org=org, year=year, title=title)
    audit_log(actor=actor, action="activity_plan.create", obj=plan, data={"year": year, "title": title})
    return plan


@transaction.atomic
def plan_publish(*, actor: Any, plan: ActivityPlan) -> ActivityPlan:
    """Publish a draft plan with at least one entry. Writes `activity_plan.publish`."""
    _ensure_draft(plan)
    if not plan.entries.exists():
        raise field_error("plan", _("Add at least one entry before publishing."), error_codes.PLAN_EMPTY)
    plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(actor=actor, action="activity_plan.publish", obj=plan, data={"entries": plan.entries.count()})
    return plan


def clean_entry(*, actor: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """Validated planned fields: title (required), category, month (1–12), position (in the
    actor's catalog.manage scope, or None), audience, planned_times (default 1),
    planned_participants, note."""
    position = fields.get("position")
    return {
        "title": _text("title", fields.get("title"), 200, required=True),
        "category": _text("category", fields.get("category"), 100),
        "month": clean_month(fields.get("month")),
        "position": clean_positions(actor=actor, positions=[position])[0] if position else None,
        "audience": _text("audience", fields.get("audience"), 200),
        "planned_times": _count("planned_times", fields.get("planned_times"), 1),
        "planned_participants": _count("planned_participants", fields.get("planned_participants")),
        "note": _text("note", fields.get("note"), 300),
    }


def _duplicate(plan: ActivityPlan, month: int, title: str, exclude: Any = None) -> None:
    if plan.entries.filter(month=month, title=title).exclude(pk=exclude).exists():
        raise field_error(
            "title",
            _("The plan already has an entry with this title in this month."),
            error_codes.ENTRY_DUPLICATE,
        )


@transaction.atomic
def plan_entry_add(*, actor: Any, plan: ActivityPlan, **fields: Any) -> PlanEntry:
    """A new entry of a draft plan (see clean_entry). Month and title are unique in the plan."""
    _ensure_draft(plan)
    values = clean_entry(actor=actor, fields=fields)
    _duplicate(plan, values["month"], values["title"])
    order = (plan.entries.filter(month=values["month"]).aggregate(n=Max("order"))["n"] or 0) + 1
    entry = PlanEntry.objects.create(plan=plan, order=order, **values)
    audit_log(actor=actor, action="activity_plan.entry_add", obj=plan, data={"title": entry.title})
    return entry


@transaction.atomic
def plan_entry_update(*, actor: Any, entry: PlanEntry, **fields: Any) -> PlanEntry:
    """Replace the planned fields of a draft plan's entry."""
    _ensure_draft(entry.plan)
    values = clean_entry(actor=actor, fields=fields)
    _duplicate(entry.plan, values["month"], values["title"], exclude=entry.pk)
    changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
    for key, value in values.items():
        setattr(entry, key, value)
    entry.save()
    audit_log(
        actor=actor,
        action="activity_plan.entry_update",
        obj=entry.plan,
        data={"title": entry.title, "fields": sorted(changed)},
    )
    return entry


@transaction.atomic
def plan_entry_delete(*, actor: Any, entry: PlanEntry) -> None:
    """Delete an entry of a draft plan (a published plan's entries are cancelled instead)."""
    _ensure_draft(entry.plan)
    plan, title = entry.plan, entry.title
    entry.delete()
    audit_log(actor=actor, action="activity_plan.entry_delete", obj=plan, data={"title": title})


def _lock_entry(entry: PlanEntry) -> PlanEntry:
    return PlanEntry.objects.select_for_update().select_related("plan__org").get(pk=entry.pk)


@transaction.atomic
def plan_entry_cancel(*, actor: Any, entry: PlanEntry, note: str = "") -> PlanEntry:
    """Cancel a planned entry (409 `entry_held` once something was held). Locks the entry."""
    entry = _lock_entry(entry)
    if entry.held_times or entry.status == PlanEntryStatus.HELD:
        raise Conflict(_("Sessions of this entry were already held."), code=error_codes.ENTRY_HELD)
    entry.status = PlanEntryStatus.CANCELLED
    if note:
        entry.note = _text("note", note, 300)
    entry.save(update_fields=["status", "note", "updated_at"])
    audit_log(actor=actor, action="activity_plan.entry_cancel", obj=entry.plan, data={"title": entry.title})
    return entry


def _status_for(held_times: int) -> str:
    return PlanEntryStatus.HELD if held_times > 0 else PlanEntryStatus.PLANNED


@transaction.atomic
def plan_entry_record(
    *, actor: Any, entry: PlanEntry, held_times: Any, participants: Any, note: str | None = None
) -> PlanEntry:
    """Staff record an entry's outcome by hand: sessions held and participants (totals, not
    increments). The status follows: held when at least one session was held, else planned.
    409 `entry_cancelled` for a cancelled entry. Locks the entry."""
    entry = _lock_entry(entry)
    if entry.status == PlanEntryStatus.CANCELLED:
        raise Conflict(_("This entry was cancelled."), code=error_codes.ENTRY_CANCELLED)
    entry.held_times = _count("held_times", held_times)
    entry.participants = _count("participants", participants)
    entry.status = _status_for(entry.held_times)
    if note is not None:
        entry.note = _text("note", note, 300)
    entry.save(update_fields=["held_times", "participants", "status", "note", "updated_at"])
    audit_log(
        actor=actor,
        action="activity_plan.entry_record",
        obj=entry.plan,
        data={"title": entry.title, "held_times": entry.held_times, "participants": entry.participants},
    )
    return entry


@transaction.atomic
def plan_entry_record_activity(
    *, entry: PlanEntry, held_times_delta: int, participants_delta: int
) -> PlanEntry:
    """For the activities app: an activity linked to `entry` was held (positive deltas) or
    undone (negative deltas). Counts never go below zero; the status follows the held count
    (a cancelled entry that gets an activity becomes held). Locks the entry row, so concurrent
    activities add up. Writes `activity_plan.entry_activity` (no actor: the caller audits its own)."""
    entry = _lock_entry(entry)
    entry.held_times = max(entry.held_times + int(held_times_delta), 0)
    entry.participants = max(entry.participants + int(participants_delta), 0)
    if entry.status != PlanEntryStatus.CANCELLED or entry.held_times:
        entry.status = _status_for(entry.held_times)
    entry.save(update_fields=["held_times", "participants", "status", "updated_at"])
    audit_log(
        actor=None,
        action="activity_plan.entry_activity",
        obj=entry.plan,
        data={"entry": str(entry.pk), "held_times": entry.held_times, "participants": entry.participants},
    )
    return entry
