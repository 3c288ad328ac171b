"""Function rooms and photos of a position. Callers have checked positions.manage on the
position's union (permissions.access_position / access_room / access_photo)."""

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, field_error
from zhijia.core.uploads import read_photo
from zhijia.core.validators.text import clean_name, has_control_chars

from .. import error_codes
from ..models import Position, PositionPhoto, Room
from .positions import ensure_not_deleted, touch

MAX_CAPACITY = 100_000


def _clean_room(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, limit in (("name", 100), ("category", 50), ("note", 200)):
        text = clean_name(str(data.get(key) or ""))
        if has_control_chars(text) or len(text) > limit:
            errors[key] = [_("Contains characters that are not allowed or is too long.")]
        out[key] = text
    if not out["name"] and "name" not in errors:
        errors["name"] = [_("This field is required.")]
    try:
        capacity = int(data.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = -1
    if not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Enter a whole number from 0 to %(max)d.") % {"max": MAX_CAPACITY}]
    out["capacity"] = capacity
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid", fields=errors)
    return out


@transaction.atomic
def room_save(*, actor: Any, position: Position, data: dict[str, Any], room: Room | None = None) -> Room:
    """Create a room of `position` (room=None) or change `room` (which must belong to it): name
    (unique within the position, else 409 duplicate_room), category, capacity, note. Audited
    as position.room_save; the position's updated_at moves so sync re-sends it."""
    ensure_not_deleted(position)
    if room is not None and room.position_id != position.pk:
        raise ValueError("room of another position")
    values = _clean_room(data)
    target = room or Room(position=position)
    for key, value in values.items():
        setattr(target, key, value)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as exc:
        message = _("This position already has a room of this name.")
        raise Conflict(message, code=error_codes.DUPLICATE_ROOM, fields={"name": [message]}) from exc
    touch(position)
    audit_log(
        actor=actor,
        action="position.room_save",
        obj=position,
        data={"room": str(target.pk), "name": target.name, "new": room is None},
    )
    return target


@transaction.atomic
def room_delete(*, actor: Any, room: Room) -> None:
    """Remove a room. Audited as position.room_delete."""
    position = room.position
    audit_log(
        actor=actor,
        action="position.room_delete",
        obj=position,
        data={"room": str(room.pk), "name": room.name},
    )
    room.delete()
    touch(position)


@transaction.atomic
def photo_add(*, actor: Any, position: Position, upload: Any, caption: str = "") -> PositionPhoto:
    """Store a JPEG, PNG or WebP photo (by content sniffing) of at most 5 MB under a random name;
    400 bad_photo otherwise. Appended after the existing photos. Audited as position.photo_add."""
    ensure_not_deleted(position)
    photo_file = read_photo(upload)
    if photo_file is None:
        raise field_error(
            "image", _("Upload a JPEG, PNG or WebP image of at most 5 MB."), error_codes.BAD_PHOTO
        )
    caption = clean_name(caption)
    if has_control_chars(caption) or len(caption) > 200:
        raise field_error("caption", _("Contains characters that are not allowed or is too long."))
    last = position.photos.aggregate(m=Max("order"))["m"]
    photo = PositionPhoto(position=position, caption=caption, order=0 if last is None else last + 1)
    content, extension = photo_file
    photo.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    photo.save()
    touch(position)
    audit_log(actor=actor, action="position.photo_add", obj=position, data={"photo": str(photo.pk)})
    return photo


@transaction.atomic
def photo_delete(*, actor: Any, photo: PositionPhoto) -> None:
    """Remove a photo; its file goes once the transaction commits. Audited."""
    position = photo.position
    audit_log(actor=actor, action="position.photo_delete", obj=position, data={"photo": str(photo.pk)})
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    touch(position)
    transaction.on_commit(lambda: storage.delete(name) if name else None)
