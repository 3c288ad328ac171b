"""Station visits (each one a service record) and anonymous feedback."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core import ratelimit
from zhijia.core.audit import audit_log
from zhijia.core.errors import RateLimited, field_error
from zhijia.core.validators.text import clean_name, has_control_chars
from zhijia.members.services import card
from zhijia.records.enums import RecordSource
from zhijia.records.services import record_add

from .. import error_codes
from ..enums import VisitorGroup, VisitService
from ..hours import SHANGHAI
from ..models import Feedback, Position, Visit
from .positions import ensure_not_deleted

FEEDBACK_PER_STATION_HOUR = 3
FEEDBACK_PER_DAY = 10
FUTURE_SLACK = timedelta(minutes=5)


def _clean_visit(visitor_group: str, services: list[str], at: datetime | None, note: str, member: bool):
    group = visitor_group or ("other" if member else "")
    if not group:
        raise field_error("visitor_group", _("Choose the visitor group."), "required")
    if group not in VisitorGroup.values:
        raise field_error(
            "visitor_group", _("Choose a valid visitor group."), error_codes.UNKNOWN_VISITOR_GROUP
        )
    wanted = [str(s).strip() for s in services or () if str(s).strip()]
    unknown = [s for s in wanted if s not in VisitService.values]
    if unknown:
        message = _("Unknown services: %(values)s.") % {"values": ", ".join(unknown[:5])}
        raise field_error("services", message, error_codes.UNKNOWN_SERVICE)
    now = timezone.now()
    when = at or now
    if when.utcoffset() is None or when > now + FUTURE_SLACK:
        raise field_error("at", _("The time of the visit cannot be in the future."))
    note = clean_name(note or "")
    if has_control_chars(note) or len(note) > 200:
        raise field_error("note", _("Contains characters that are not allowed or is too long."))
    return group, [s for s in VisitService.values if s in wanted], when, note


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    position: Position,
    visitor_group: str,
    services: list[str],
    card_token: str = "",
    at: datetime | None = None,
    note: str = "",
) -> Visit:
    """Check a visitor in at `position` (the caller holds positions.visits on its union). With a
    scanned member-card code the visit names the member (group defaults to "other"); without,
    it is anonymous and the visitor group is required. Writes one Visit and exactly one
    ServiceRecord (source visit, source_id = visit id) in one transaction; audited as
    position.visit without any personal value."""
    ensure_not_deleted(position)
    person = card.card_person(token=card_token) if card_token else None
    group, codes, when, note = _clean_visit(visitor_group, services, at, note, person is not None)
    visit = Visit.objects.create(
        position=position,
        at=when,
        person=person,
        visitor_group=group,
        services=codes,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_add(
        org=position.org,
        source=RecordSource.VISIT,
        source_id=visit.pk,
        occurred_at=when,
        title=position.name,
        person=person,
        visitor_group=group,
        services=codes,
        position_id=position.pk,
    )
    audit_log(
        actor=actor,
        action="position.visit",
        obj=visit,
        org=position.org,
        data={"position": str(position.pk), "group": group, "services": codes, "member": person is not None},
    )
    return visit


def _throttle(position: Position, client_key: str) -> None:
    """Fixed windows in the cache: FEEDBACK_PER_STATION_HOUR per client and station per hour,
    FEEDBACK_PER_DAY per client overall per Asia/Shanghai calendar day (the key names the local
    date, so the count starts again at local midnight, not at 08:00). Every attempt past
    validation counts, except that one refused by the hourly limit does not use up the daily one."""
    now = timezone.now().astimezone(SHANGHAI)
    per_station = getattr(settings, "POSITIONS_FEEDBACK_PER_STATION_HOUR", FEEDBACK_PER_STATION_HOUR)
    per_day = getattr(settings, "POSITIONS_FEEDBACK_PER_DAY", FEEDBACK_PER_DAY)
    hour_key = f"position-feedback:{client_key}:{position.pk}:{now:%Y%m%d%H}"
    day_key = f"position-feedback:{client_key}:{now:%Y%m%d}"
    if ratelimit.hit(hour_key, 3700) > per_station or ratelimit.hit(day_key, 86500) > per_day:
        raise RateLimited(
            _("You have sent a lot of feedback. Please try again later."), code=error_codes.FEEDBACK_LIMIT
        )


def feedback_submit(*, position: Position, rating: int, text: str, client_key: str) -> Feedback:
    """Anonymous feedback (rating 1-5, optional comment up to 500 characters) on a non-deleted
    position. Public: no actor and no audit entry (not a change to staff data); rate-limited per
    `client_key` (e.g. a hash of the address) through the cache: 429 feedback_rate_limited."""
    ensure_not_deleted(position)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise field_error("rating", _("Give a rating from 1 to 5."))
    text = clean_name(text or "")
    if has_control_chars(text.replace("\n", "")) or len(text) > 500:
        raise field_error("text", _("Contains characters that are not allowed or is too long."))
    _throttle(position, client_key or "anonymous")
    return Feedback.objects.create(position=position, rating=rating, text=text)
