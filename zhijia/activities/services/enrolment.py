"""The enrolment engine: fair (arrival order decides) and never overbooking, on PostgreSQL under
concurrency and on SQLite.

Capacity lives on a slot row (the Activity, or the Session of a drop-in course; models.Slot).
Locks, always in this order, each transaction short:

1. the person's row (enrolment_create only; serialises the per-person limit-group count across
   activities; bulk all-or-nothing locks all its people first, sorted by id);
2. the slot row — taken by the guarded UPDATE in enrolment_create, by `_lock_slot` everywhere
   else (cancel, accept, decline, approve, reject, expire, capacity change). Every status change
   of an enrolment happens under its slot's lock, so the waiting list cannot change underneath;
3. enrolment rows (plain writes after the slot lock).

Invariants after every operation: slot.taken == count(HOLDING) <= capacity; anyone waiting ⇒
taken == capacity; holders placed directly arrived before everyone still waiting; one active
enrolment per holder (a unique constraint). A lock wait that times out becomes Conflict "busy".
SMS notices go out on commit only.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import idempotency
from zhijia.core.audit import audit_log
from zhijia.core.errors import ApplicationError, Conflict, busy_as_conflict, field_error
from zhijia.core.masking import mask_name
from zhijia.members.models import Person
from zhijia.members.notices import notify

from .. import error_codes
from .. import questions as asked_questions
from ..eligibility import eligibility_check
from ..enums import ACTIVE, HOLDING, ActivityStatus, EnrolmentChannel, EnrolmentStatus
from ..models import Activity, Enrolment, Session

logger = logging.getLogger("zhijia.activities")
S = EnrolmentStatus


# --- slots -----------------------------------------------------------------------------------


def holder_key(person_id: Any, child_id: Any = None, session_id: Any = None) -> str:
    """Enrolment.holder: "<person>:<child or ->:<session or ->"."""
    return f"{person_id}:{child_id or '-'}:{session_id or '-'}"


def slot_of(activity: Activity, session: Session | None = None) -> Activity | Session:
    """The row that counts places: the session of a drop-in course, else the activity."""
    return session if activity.per_session and session is not None else activity


def _slot_sql(model: type, sql: str, pk: Any, *params: Any) -> tuple | None:
    meta = model._meta  # type: ignore[attr-defined]
    table = connection.ops.quote_name(meta.db_table)
    column = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(table=table, id=column), [*params, meta.pk.get_db_prep_value(pk, connection)]
        )
        return cursor.fetchone() if cursor.description else None


TAKE_SQL = (
    "UPDATE {table} SET arrivals = arrivals + 1,"
    " taken = taken + CASE WHEN taken < capacity THEN 1 ELSE 0 END,"
    " last_placed = CASE WHEN taken < capacity THEN arrivals + 1 ELSE last_placed END"
    " WHERE {id} = %s RETURNING arrivals, last_placed"
)
# An activity's own slot also re-checks, under its row lock, that the activity is still
# published: activity_cancel takes the same lock before it collects the enrolments to cancel, so
# either it sees this one or this sees the cancellation (PostgreSQL re-evaluates the WHERE on the
# row version it waited for).
TAKE_PUBLISHED_SQL = TAKE_SQL.replace("WHERE {id} = %s", "WHERE status = %s AND {id} = %s")


def _take(slot: Activity | Session) -> tuple[int, bool] | None:
    """The guarded statement: the next arrival number and whether it got a place; None when the
    slot is an activity no longer published. Locks the slot row until the transaction ends."""
    if isinstance(slot, Activity):
        row = _slot_sql(Activity, TAKE_PUBLISHED_SQL, slot.pk, ActivityStatus.PUBLISHED.value)
        if row is None:
            return None
    else:
        row = _slot_sql(type(slot), TAKE_SQL, slot.pk)
        assert row is not None
    return int(row[0]), row[0] == row[1]


def _lock_slot(activity: Activity, session: Session | None) -> Activity | Session:
    """Lock the slot row (SELECT … FOR UPDATE; SQLite serialises writers anyway) and return it
    fresh."""
    slot = slot_of(activity, session)
    return type(slot).objects.select_for_update().get(pk=slot.pk)


def _lock_enrolment(enrolment: Enrolment) -> tuple[Enrolment, Activity | Session]:
    """Lock the enrolment's slot, then return the enrolment re-read under it."""
    slot = _lock_slot(enrolment.activity, enrolment.session)
    fresh = Enrolment.objects.select_related("activity__org", "person__user", "child", "session").get(
        pk=enrolment.pk
    )
    return fresh, slot


def _queue(activity: Activity, session: Session | None):
    if activity.per_session and session is not None:
        return Enrolment.objects.filter(activity=activity, session_id=session.pk)
    return Enrolment.objects.filter(activity=activity, session__isnull=True)


def _offer_heads(activity: Activity, session: Session | None, places: int, now: datetime) -> int:
    """Offer up to `places` places to the head of the waiting list (lowest arrival first), under
    the slot lock; returns how many were offered. Nothing is offered unless published."""
    if places <= 0 or activity.status != ActivityStatus.PUBLISHED:
        return 0
    waiting = list(
        _queue(activity, session)
        .filter(status=S.WAITLISTED)
        .select_related("person__user")
        .order_by("arrival")[:places]
    )
    expires = now + timedelta(minutes=activity.offer_hold_minutes)
    for enrolment in waiting:
        enrolment.status = S.OFFERED
        enrolment.offer_expires_at = expires
        enrolment.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit_log(
            actor=None,
            action="enrolment.offer",
            obj=enrolment,
            org=activity.org,
            data={"arrival": enrolment.arrival, "expires": expires.isoformat()},
        )
        _notify(enrolment, "activity_place_offered", activity, expires=expires)
    return len(waiting)


def _pass_on(activity: Activity, session: Session | None, count: int, now: datetime | None = None) -> None:
    """`count` held places were released (caller holds the slot lock): offer them on, and
    give back to the slot those nobody waits for."""
    offered = _offer_heads(activity, session, count, now or timezone.now())
    rest = count - offered
    if rest > 0:
        slot = slot_of(activity, session)
        type(slot).objects.filter(pk=slot.pk).update(taken=F("taken") - rest)


@busy_as_conflict
@transaction.atomic
def place_freed(*, activity: Activity, session: Session | None = None, count: int = 1) -> None:
    """Internal: `count` places that were held are free. Locks the slot, offers each place to
    the head of the waiting list (status offered, held offer_hold_minutes, SMS on commit);
    when nobody waits, taken goes down."""
    _lock_slot(activity, session)
    _pass_on(activity, session, count)


# --- notices ---------------------------------------------------------------------------------


def _notify(enrolment: Enrolment, template: str, activity: Activity, **extra: Any) -> None:
    """SMS to the person's account phone (else their registered phone), once committed."""
    params = {"title": activity.title[:40]}
    if "expires" in extra:
        params["expires"] = timezone.localtime(extra["expires"]).strftime("%m-%d %H:%M")
    notify(enrolment.person, template, params)


def _audit(actor: Any, action: str, enrolment: Enrolment, **data: Any) -> None:
    data.setdefault("status", enrolment.status)
    audit_log(actor=actor, action=action, obj=enrolment, org=enrolment.activity.org, data=data)


# --- enrolling -------------------------------------------------------------------------------


def _replay(
    activity: Activity, creator: Any, key: str, person: Any, child: Any, session: Any, answers: str = ""
) -> Enrolment | None:
    """The enrolment an earlier request with this key created (looked up by creator and key
    alone), if it asked the same; 422 idempotency_mismatch if it asked something else."""
    if not key or creator is None:
        return None
    found = Enrolment.objects.filter(created_by=creator, idempotency_key=key).order_by("created_at").first()
    asked = {"activity": activity, "person": person, "child": child, "session": session, "answers": answers}
    stored = None
    if found is not None:
        stored = {
            "activity": found.activity_id,
            "person": found.person_id,
            "child": found.child_id,
            "session": found.session_id,
            "answers": found.answers or "",
        }
    return idempotency.replay(found, asked=asked, stored=stored or asked)


def _check_open(activity: Activity, session: Session | None, now: datetime) -> Session | None:
    opens, closes = activity.registration_opens_at, activity.registration_closes_at
    if (
        activity.status != ActivityStatus.PUBLISHED
        or (opens is not None and now < opens)
        or (closes is not None and now >= closes)
    ):
        raise Conflict(_("Registration for this activity is not open."), code=error_codes.CLOSED)
    if not activity.per_session:
        return None
    if session is None:
        raise field_error("session_id", _("Choose a session of this course."), error_codes.SESSION_REQUIRED)
    if session.activity_id != activity.pk:
        raise field_error("session_id", _("This session belongs to another activity."))
    if session.starts_at <= now:
        raise Conflict(_("This session has already started."), code=error_codes.CLOSED)
    return session


def _already_enrolled() -> Conflict:
    return Conflict(_("Already enrolled in this activity."), code=error_codes.ALREADY_ENROLLED)


def _create(
    actor: Any,
    activity: Activity,
    person: Person,
    child: Any,
    session: Any,
    channel: str,
    key: str,
    fresh: bool = False,
    answers: str = "",
) -> Enrolment:
    now = timezone.now()
    if not fresh:
        activity = Activity.objects.select_related("org", "eligible_org").get(pk=activity.pk)
    session = _check_open(activity, session, now)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)  # lock 1
    eligibility_check(activity=activity, person=person, child=child, at=now)
    holder = holder_key(person.pk, child.pk if child else None, session.pk if session else None)
    # A second active enrolment of the same holder is refused by the one_active_enrolment
    # constraint at the INSERT below (IntegrityError: everything here rolls back, counters too,
    # and enrolment_create answers already_enrolled); it is only looked up first where the answer
    # would otherwise be "full", which must not hide "already enrolled".
    taken = _take(slot_of(activity, session))  # lock 2: the guarded statement
    if taken is None:
        raise Conflict(_("Registration for this activity is not open."), code=error_codes.CLOSED)
    arrival, placed = taken
    # A session's row was the slot: re-check the activity under the slot lock (TAKE_PUBLISHED_SQL).
    per_session = session is not None and activity.per_session
    if per_session and not Activity.objects.filter(pk=activity.pk, status=ActivityStatus.PUBLISHED).exists():
        raise Conflict(_("Registration for this activity is not open."), code=error_codes.CLOSED)
    if placed:
        status = S.PENDING_APPROVAL if activity.requires_approval else S.CONFIRMED
    elif activity.waitlist_enabled:
        status = S.WAITLISTED
    else:
        if Enrolment.objects.filter(activity=activity, holder=holder, status__in=ACTIVE).exists():
            raise _already_enrolled()
        raise Conflict(_("This activity is full."), code=error_codes.FULL)  # rolls the counters back
    creator = actor if getattr(actor, "is_authenticated", False) else None
    enrolment = Enrolment.objects.create(  # a duplicate fails here: the counters roll back too
        activity=activity,
        session=session,
        person=person,
        child=child,
        holder=holder,
        status=status,
        arrival=arrival,
        channel=channel,
        created_by=creator,
        idempotency_key=key,
        answers=answers,
    )
    _audit(
        actor,
        "enrolment.create",
        enrolment,
        person=mask_name(person.name),
        arrival=arrival,
        channel=channel,
        answered=sorted(asked_questions.load(answers)),
    )
    return enrolment


@busy_as_conflict
def enrolment_create(
    *,
    actor: Any,
    activity: Activity,
    person: Person,
    child: Any = None,
    session: Session | None = None,
    channel: str = EnrolmentChannel.SELF,
    idempotency_key: str = "",
    fresh: bool = False,
    answers: dict[str, Any] | None = None,
) -> Enrolment:
    """Enrol `person` (or their `child`; `session` for a drop-in course). The caller checked that
    `actor` may act for the person. A replay (same activity, actor, idempotency key and answers)
    returns the first enrolment unchanged. Refusals in order: 400 naming `answers.<question>`
    (activities.questions.clean_answers: a bad answer, or a required one missing when the
    person enrols themself — staff enrolling on someone's behalf may leave answers to the
    door), Conflict `closed`, field error `session_required`, not_eligible (403/422), Conflict
    `already_enrolled`, Conflict `full` (waiting list off). Otherwise confirmed /
    pending_approval (placed) or waitlisted. The answers are stored encrypted on the
    enrolment. Locks the person, then the slot (one guarded UPDATE); audited
    `enrolment.create` (with the ids of the questions answered, never the answers).

    `fresh`: the caller read `activity` in this request with `org` and `eligible_org` (the API's
    one-request path): it is used as it is instead of being read again; whether it is still
    published is re-checked under the slot lock either way."""
    key = idempotency.normalise_key(idempotency_key)
    creator = actor if getattr(actor, "is_authenticated", False) else None
    key = key if creator is not None else ""
    cleaned = asked_questions.clean_answers(
        activity.questions or [], answers, require=channel == EnrolmentChannel.SELF
    )
    stored = asked_questions.dump(cleaned)
    if found := _replay(activity, creator, key, person, child, session, stored):
        return found
    try:
        with transaction.atomic():
            return _create(actor, activity, person, child, session, channel, key, fresh, stored)
    except IntegrityError as exc:
        if found := _replay(activity, creator, key, person, child, session, stored):
            return found
        raise _already_enrolled() from exc


def _invalid() -> Conflict:
    return Conflict(_("This enrolment cannot be changed that way now."), code=error_codes.INVALID_TRANSITION)


def _decide(enrolment: Enrolment, status: str, actor: Any, reason: str = "") -> None:
    enrolment.status = status
    enrolment.decided_at = timezone.now()
    enrolment.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    enrolment.reason = (reason or "")[:300]
    enrolment.save(
        update_fields=["status", "decided_at", "decided_by", "reason", "offer_expires_at", "updated_at"]
    )


@busy_as_conflict
@transaction.atomic
def enrolment_cancel(*, actor: Any, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Cancel an active enrolment (worker: own; staff: activities.enrol — checked by the caller).
    A held place passes to the waiting list. Cancelled by someone other than the person: SMS."""
    cancelled = _cancel(actor, enrolment, reason)
    if cancelled is None:
        raise _invalid()
    if getattr(actor, "pk", None) != cancelled.person.user_id:
        _notify(cancelled, "activity_enrolment_cancelled", cancelled.activity)
    return cancelled


def _cancel(actor: Any, enrolment: Enrolment, reason: str, **audited: Any) -> Enrolment | None:
    """Under the slot lock: cancel if still active (None if not); a held place passes on."""
    enrolment, _slot = _lock_enrolment(enrolment)
    if enrolment.status not in ACTIVE:
        return None
    held = enrolment.status in HOLDING
    enrolment.offer_expires_at = None
    _decide(enrolment, S.CANCELLED, actor, reason)
    _audit(actor, "enrolment.cancel", enrolment, held=held, **audited)
    if held:
        _pass_on(enrolment.activity, enrolment.session, 1)
    return enrolment


def enrolments_release(person: Person) -> int:
    """A deleted person's places (person_anonymise, through the activities' rights hook): each
    active enrolment of theirs or their children in a session or activity that has not started,
    and not attended, is cancelled and its held place passes to the waiting list — no SMS to
    the person, there is nobody to tell. Audited `enrolment.cancel` (why: anonymised). Returns
    how many were cancelled."""
    now = timezone.now()
    upcoming = (
        Enrolment.objects.filter(person=person, status__in=ACTIVE, attendances__isnull=True)
        .filter(Q(session__starts_at__gt=now) | Q(session__isnull=True, activity__starts_at__gt=now))
        .order_by("pk")
    )
    return sum(_cancel(None, e, "", why="anonymised") is not None for e in upcoming)


def _expire(enrolment: Enrolment, now: datetime) -> None:
    """Under the slot lock: the offer lapsed; the place passes on."""
    _decide(enrolment, S.OFFER_EXPIRED, None)
    _audit(None, "enrolment.offer_expire", enrolment)
    _pass_on(enrolment.activity, enrolment.session, 1, now)


def offer_accept(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Take an offered place: confirmed (pending_approval when approval is needed). After the
    offer lapsed: the expiry is processed (committed) and Conflict `offer_expired` is raised."""
    result = _offer_answer(actor, enrolment, accept=True)
    if result.status == S.OFFER_EXPIRED:
        raise Conflict(_("The offered place was not accepted in time."), code=error_codes.OFFER_EXPIRED)
    return result


def offer_decline(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Turn an offered place down; it passes to the next person waiting."""
    result = _offer_answer(actor, enrolment, accept=False)
    if result.status == S.OFFER_EXPIRED:
        raise Conflict(_("The offered place was not accepted in time."), code=error_codes.OFFER_EXPIRED)
    return result


@busy_as_conflict
@transaction.atomic
def _offer_answer(actor: Any, enrolment: Enrolment, *, accept: bool) -> Enrolment:
    now = timezone.now()
    enrolment, _slot = _lock_enrolment(enrolment)
    if enrolment.status != S.OFFERED:
        raise _invalid()
    if enrolment.offer_expires_at is not None and enrolment.offer_expires_at <= now:
        _expire(enrolment, now)
        return enrolment
    enrolment.offer_expires_at = None
    if not accept:
        _decide(enrolment, S.OFFER_DECLINED, actor)
        _audit(actor, "enrolment.offer_decline", enrolment)
        _pass_on(enrolment.activity, enrolment.session, 1, now)
        return enrolment
    approval = enrolment.activity.requires_approval
    enrolment.status = S.PENDING_APPROVAL if approval else S.CONFIRMED
    enrolment.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _audit(actor, "enrolment.offer_accept", enrolment)
    return enrolment


@busy_as_conflict
@transaction.atomic
def enrolment_approve(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Staff (activities.enrol, checked by the caller): pending_approval → confirmed; SMS."""
    enrolment, _slot = _lock_enrolment(enrolment)
    if enrolment.status != S.PENDING_APPROVAL:
        raise _invalid()
    _decide(enrolment, S.CONFIRMED, actor)
    _audit(actor, "enrolment.approve", enrolment)
    _notify(enrolment, "activity_enrolment_approved", enrolment.activity)
    return enrolment


@busy_as_conflict
@transaction.atomic
def enrolment_reject(*, actor: Any, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Staff: reject a pending or waitlisted enrolment; a held place passes on; SMS."""
    enrolment, _slot = _lock_enrolment(enrolment)
    if enrolment.status not in (S.PENDING_APPROVAL, S.WAITLISTED):
        raise _invalid()
    held = enrolment.status in HOLDING
    _decide(enrolment, S.REJECTED, actor, reason)
    _audit(actor, "enrolment.reject", enrolment, reason=enrolment.reason)
    if held:
        _pass_on(enrolment.activity, enrolment.session, 1)
    _notify(enrolment, "activity_enrolment_rejected", enrolment.activity)
    return enrolment


def offers_expire(*, now: datetime | None = None) -> int:
    """Periodic: every offer past its hold time becomes offer_expired and its place passes on.
    One short transaction per offer (slot lock, re-checked under it), so it is safe to retry or
    run twice at once; a busy slot is left for the next run. Returns how many expired."""
    now = now or timezone.now()
    due = Enrolment.objects.filter(status=S.OFFERED, offer_expires_at__lte=now).order_by("offer_expires_at")
    done = 0
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        try:
            done += _expire_one(pk, now)
        except Conflict:
            continue
    return done


@busy_as_conflict
@transaction.atomic
def _expire_one(pk: Any, now: datetime) -> int:
    enrolment = Enrolment.objects.select_related("activity", "session").get(pk=pk)
    enrolment, _slot = _lock_enrolment(enrolment)
    if (
        enrolment.status != S.OFFERED
        or enrolment.offer_expires_at is None
        or enrolment.offer_expires_at > now
    ):
        return 0
    _expire(enrolment, now)
    return 1


@busy_as_conflict
@transaction.atomic
def capacity_set(
    *, actor: Any, activity: Activity, capacity: int, session: Session | None = None
) -> Activity | Session:
    """Set the capacity of the activity (or of `session` on a drop-in course). Below the places
    held: field error `capacity_below_taken`. New places go to the waiting list first (offers).
    Locks the slot; audited `activity.capacity`."""
    slot = _lock_slot(activity, session)
    if capacity < slot.taken:
        raise field_error(
            "capacity",
            _("%(taken)s places are already held; the capacity cannot be lower.") % {"taken": slot.taken},
            error_codes.CAPACITY_BELOW_TAKEN,
        )
    old = slot.capacity
    type(slot).objects.filter(pk=slot.pk).update(capacity=capacity)
    activity = Activity.objects.select_related("org").get(pk=activity.pk)
    offered = _offer_heads(activity, session, capacity - slot.taken, timezone.now())
    if offered:
        type(slot).objects.filter(pk=slot.pk).update(taken=F("taken") + offered)
    audit_log(
        actor=actor,
        action="activity.capacity",
        obj=activity,
        data={"from": old, "to": capacity, "session": str(session.pk) if session else "", "offered": offered},
    )
    slot.refresh_from_db()
    return slot


# --- bulk ------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    all_or_nothing: bool
    results: list[dict] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return sum(1 for r in self.results if r["status"] is not None)


def _row(person: Person, enrolment: Enrolment | None = None, error: ApplicationError | None = None) -> dict:
    return {
        "person_id": person.pk,
        "status": enrolment.status if enrolment else None,
        "code": error.code if error else None,
        "message": str(error.message) if error else "",
    }


class _Refused(Exception):
    pass


def enrolment_bulk(*, actor: Any, activity: Activity, people: list, all_or_nothing: bool) -> BulkResult:
    """A union enrols its workers (channel bulk; the caller checked activities.enrol). Partial:
    each person in their own transaction, per-person results. All-or-nothing: one transaction
    that locks every person first (sorted by id, keeping the lock order) and rolls back at the
    first refusal; the refused person carries the code, the others status None."""
    result = BulkResult(all_or_nothing=all_or_nothing)
    if not all_or_nothing:
        for person in people:
            try:
                enrolment = enrolment_create(
                    actor=actor, activity=activity, person=person, channel=EnrolmentChannel.BULK
                )
                result.results.append(_row(person, enrolment))
            except ApplicationError as exc:
                result.results.append(_row(person, error=exc))
        return result
    rows: list[dict] = []
    try:
        _bulk_all(actor, activity, people, rows)
    except _Refused:
        for row in rows:
            if row["code"] is None:
                row["status"] = None
                row["message"] = _("Not enrolled: another person was refused.")
    result.results = rows + [
        _row(p) | {"message": _("Not enrolled: another person was refused.")} for p in people[len(rows) :]
    ]
    return result


@busy_as_conflict
@transaction.atomic
def _bulk_all(actor: Any, activity: Activity, people: list, rows: list) -> None:
    list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk"))
    for person in people:
        try:
            enrolment = enrolment_create(
                actor=actor, activity=activity, person=person, channel=EnrolmentChannel.BULK
            )
        except ApplicationError as exc:
            rows.append(_row(person, error=exc))
            raise _Refused from exc
        rows.append(_row(person, enrolment))
