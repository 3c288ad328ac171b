"""Object access for the positions domain: 404 for missing, deleted or out-of-scope objects,
403 inside the actor's scope without the capability (orgs.access.check). A position is placed
by its owning union (`org`); a room or photo by its position's union."""

import uuid
from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.models import ImportJob
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import Position, PositionPhoto, Room

POSITION_IMPORT_KIND = "positions"


def _uuid_or_404(value: Any) -> uuid.UUID:
    found = parse_uuid(value)
    if found is None:
        raise NotFound(code="not_found")
    return found


def access_position(*, actor: Any, id: Any, cap: str = Cap.POSITIONS_MANAGE) -> Position:
    """A non-deleted position (org fetched) if `actor` holds `cap` on its union."""
    position = (
        Position.objects.select_related("org", "hub")
        .filter(pk=_uuid_or_404(id), deleted_at__isnull=True)
        .first()
    )
    if position is None:
        raise NotFound(code="not_found")
    check(actor, cap, position.org)
    return position


def access_room(*, actor: Any, id: Any, cap: str = Cap.POSITIONS_MANAGE) -> Room:
    room = (
        Room.objects.select_related("position__org")
        .filter(pk=_uuid_or_404(id), position__deleted_at__isnull=True)
        .first()
    )
    if room is None:
        raise NotFound(code="not_found")
    check(actor, cap, room.position.org)
    return room


def access_photo(*, actor: Any, id: Any, cap: str = Cap.POSITIONS_MANAGE) -> PositionPhoto:
    photo = (
        PositionPhoto.objects.select_related("position__org")
        .filter(pk=_uuid_or_404(id), position__deleted_at__isnull=True)
        .first()
    )
    if photo is None:
        raise NotFound(code="not_found")
    check(actor, cap, photo.position.org)
    return photo


def access_position_import(*, actor: Any, id: Any) -> ImportJob:
    """A positions import job, for someone holding positions.manage on the unit it was started in
    (its row errors may quote the file); 404 for other kinds of job."""
    job = (
        ImportJob.objects.filter(pk=_uuid_or_404(id), kind=POSITION_IMPORT_KIND).select_related("org").first()
    )
    if job is None:
        raise NotFound(code="not_found")
    check(actor, Cap.POSITIONS_MANAGE, job.org)
    return job
