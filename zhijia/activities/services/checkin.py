"""Check-in and ratings.

The session code shown on the organiser's screen is signed (django.core.signing, salt
CHECKIN_SALT) over the session id and a 30-second window number: it cannot be forged, names
exactly one session, and is accepted for the current and the previous window only (so a photo
of the screen stops working within a minute). Every check-in is idempotent (unique session +
holder: a repeated scan returns the existing attendance) and writes exactly one service record
(records.services.record_add, source activity, source_id = the attendance id)."""

import datetime as dt
import uuid
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, NotFound, ValidationFailed, field_error
from zhijia.members.models import Person
from zhijia.members.services.card import card_person
from zhijia.positions.enums import VisitorGroup
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import error_codes
from ..enums import HOLDING, ActivityStatus, CheckInMethod
from ..models import Attendance, Enrolment, Session

CHECKIN_SALT = "zhijia.activities.checkin"
WINDOW_SECONDS = 30
LOGIN_DETOUR_SECONDS = 600  # a code scanned before an SMS login is honoured this long
OPEN = (ActivityStatus.PUBLISHED, ActivityStatus.FINISHED)


def _signer() -> signing.Signer:
    return signing.Signer(salt=CHECKIN_SALT, sep=".")


def _window(at: Any = None) -> int:
    return int((at or timezone.now()).timestamp()) // WINDOW_SECONDS


def session_code(session: Session, at: Any = None) -> str:
    """The code for `session` in the 30-second window containing `at` (default now). Pure
    signing: nothing is stored. Refresh the screen at least every 30 seconds."""
    return _signer().sign(f"{session.pk.hex}.{_window(at)}")


def checkin_url(session: Session, request: Any = None, code: str | None = None) -> str:
    """The H5 landing page the session QR opens (absolute when `request` is given) for `code`
    (default: the current one)."""
    code = code or session_code(session)
    try:
        path = reverse("h5:activity_checkin", args=[code])
    except NoReverseMatch:
        path = f"/h5/activities/checkin/{code}/"
    return request.build_absolute_uri(path) if request is not None else path


def _bad_code() -> ValidationFailed:
    message = _("This check-in code is not valid any more. Scan the code on the screen again.")
    return field_error("code", message, code=error_codes.BAD_CHECKIN_CODE)


def session_from_code(code: str, at: Any = None) -> Session:
    """The session a code names; 400 bad_checkin_code when forged, tampered or stale."""
    try:
        value = _signer().unsign(str(code or "").strip()[:200])
        session_hex, window = value.split(".")
        session_id, number = uuid.UUID(hex=session_hex), int(window)
    except (signing.BadSignature, ValueError):
        raise _bad_code() from None
    if number not in (_window(at), _window(at) - 1):
        raise _bad_code()
    session = Session.objects.select_related("activity__org").filter(pk=session_id).first()
    if session is None:
        raise _bad_code()
    return session


def _holder(session: Session, person: Person, child: Any = None) -> str:
    """As Enrolment.holder: "<person>:<child or ->:<session or ->" (session only when per_session)."""
    slot = session.pk if session.activity.per_session else "-"
    return f"{person.pk}:{child.pk if child else '-'}:{slot}"


def _ensure_open(session: Session) -> None:
    if session.activity.status not in OPEN:
        raise Conflict(_("Check-in is not open for this activity."), code=error_codes.CLOSED)


def _record(attendance: Attendance, session: Session) -> None:
    activity = session.activity
    services = [activity.kind, *([str(activity.service_item_id)] if activity.service_item_id else [])]
    record_add(
        org=activity.org,
        source=RecordSource.ACTIVITY,
        source_id=attendance.pk,
        occurred_at=attendance.at,
        title=activity.title,
        person=attendance.person,
        visitor_group=attendance.visitor_group,
        services=services,
        position_id=activity.position_id,
    )


def _attend(
    *,
    session: Session,
    holder: str,
    method: str,
    actor: Any,
    enrolment: Any = None,
    person: Any = None,
    child: Any = None,
    visitor_group: str = "",
) -> Attendance:
    """Create the attendance once (a concurrent duplicate loses in a savepoint and the existing
    row is returned), write its service record and audit `activity.checkin` when new."""
    existing = Attendance.objects.filter(session=session, holder=holder).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                holder=holder,
                method=method,
                at=timezone.now(),
                enrolment=enrolment,
                person=person,
                child=child,
                visitor_group=visitor_group,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return Attendance.objects.get(session=session, holder=holder)
    _record(attendance, session)
    audit_log(
        actor=actor,
        action="activity.checkin",
        obj=session.activity,
        data={"session": str(session.pk), "attendance": str(attendance.pk), "method": method},
    )
    return attendance


def _holding(session: Session, person: Person) -> list[Enrolment]:
    """The person's enrolments (themselves and their children) that hold a place for `session`."""
    qs = Enrolment.objects.filter(activity_id=session.activity_id, person=person, status__in=HOLDING)
    if session.activity.per_session:
        qs = qs.filter(session=session)
    return list(qs.select_related("child").order_by("arrival"))


def _checkin_person(*, session: Session, person: Person, method: str, actor: Any) -> Attendance:
    """Check in every place the person holds for the session (themselves and/or their children);
    without one, a walk-in of the person when allowed, else 409 not_enrolled. Returns the first."""
    _ensure_open(session)
    enrolments = _holding(session, person)
    if not enrolments:
        if not session.activity.allow_walk_ins:
            raise Conflict(_("You are not enrolled in this activity."), code=error_codes.NOT_ENROLLED)
        return _attend(
            session=session, holder=_holder(session, person), method=method, actor=actor, person=person
        )
    found = [
        _attend(
            session=session,
            holder=_holder(session, person, e.child),
            method=method,
            actor=actor,
            enrolment=e,
            person=person,
            child=e.child,
        )
        for e in enrolments
    ]
    return found[0]


@transaction.atomic
def checkin_by_code(*, user: Any, code: str, scanned_at: Any = None) -> Attendance:
    """The logged-in worker scanned the session code. Needs a current code (400
    bad_checkin_code) and a place held (or walk-ins allowed; 409 not_enrolled).

    `scanned_at`: when the code was scanned by someone who first had to log in by SMS (the
    interface validated the code then and keeps the time server-side, in the login session).
    The code is judged at that moment, so the login detour does not outlive it, for at most
    LOGIN_DETOUR_SECONDS after the scan; the activity must still be open for check-in."""
    now = timezone.now()
    if scanned_at is not None and not (now - dt.timedelta(seconds=LOGIN_DETOUR_SECONDS) <= scanned_at <= now):
        scanned_at = None
    session = session_from_code(code, at=scanned_at)
    from zhijia.members.services.card import person_of

    person = person_of(user)
    if person is None:
        raise Conflict(_("You are not enrolled in this activity."), code=error_codes.NOT_ENROLLED)
    return _checkin_person(session=session, person=person, method=CheckInMethod.SESSION_QR, actor=user)


@transaction.atomic
def checkin_by_card(*, actor: Any, session: Session, card_token: str) -> Attendance:
    """Staff (activities.checkin on the organiser, checked by the caller) scanned a member's
    e-card: 400 card_invalid / card_expired; then as checkin_by_code."""
    person = card_person(token=card_token)
    return _checkin_person(session=session, person=person, method=CheckInMethod.MEMBER_CARD, actor=actor)


@transaction.atomic
def checkin_mark(*, actor: Any, session: Session, enrolment: Enrolment) -> Attendance:
    """Staff tick an enrolment on the roster. The enrolment must hold a place for this session
    (409 not_enrolled)."""
    _ensure_open(session)
    if (
        enrolment.activity_id != session.activity_id
        or enrolment.status not in HOLDING
        or (session.activity.per_session and enrolment.session_id != session.pk)
    ):
        raise Conflict(
            _("This enrolment does not hold a place for the session."), code=error_codes.NOT_ENROLLED
        )
    return _attend(
        session=session,
        holder=_holder(session, enrolment.person, enrolment.child),
        method=CheckInMethod.STAFF,
        actor=actor,
        enrolment=enrolment,
        person=enrolment.person,
        child=enrolment.child,
    )


@transaction.atomic
def checkin_walk_in(*, actor: Any, session: Session, visitor_group: str) -> Attendance:
    """Count one anonymous walk-in (by visitor group) when the activity allows walk-ins (409
    not_enrolled otherwise). Each call is a new person."""
    _ensure_open(session)
    if visitor_group not in VisitorGroup.values:
        raise field_error("visitor_group", _("Select a valid choice."), code="invalid")
    if not session.activity.allow_walk_ins:
        raise Conflict(_("This activity does not take walk-ins."), code=error_codes.NOT_ENROLLED)
    return _attend(
        session=session,
        holder=f"anon:{uuid.uuid4()}",
        method=CheckInMethod.WALK_IN,
        actor=actor,
        visitor_group=visitor_group,
    )


@transaction.atomic
def enrolment_rate(*, actor: Any, enrolment: Enrolment, rating: Any, comment: str = "") -> Enrolment:
    """The worker rates their own enrolment (404 for anyone else's) 1–5 with an optional comment,
    once they attended at least one session (409 not_attended). Rating again replaces it."""
    if enrolment.person.user_id is None or enrolment.person.user_id != getattr(actor, "pk", None):
        raise NotFound(code="not_found")
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise field_error("rating", _("Rate from 1 to 5."), code="invalid")
    comment = str(comment or "").strip()
    if len(comment) > 500:
        raise field_error("comment", _("At most %(n)d characters.") % {"n": 500}, code="invalid")
    if not Attendance.objects.filter(enrolment=enrolment).exists():
        raise Conflict(_("Only people who attended can rate the activity."), code=error_codes.NOT_ATTENDED)
    enrolment.rating, enrolment.comment, enrolment.rated_at = value, comment, timezone.now()
    enrolment.save(update_fields=["rating", "comment", "rated_at", "updated_at"])
    audit_log(actor=actor, action="enrolment.rate", obj=enrolment.activity, data={"rating": value})
    return enrolment
