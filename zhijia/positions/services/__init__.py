"""Writes of the positions domain (re-exported here; see the modules for the contracts)."""

from .positions import position_create, position_delete, position_update
from .rooms import photo_add, photo_delete, room_delete, room_save
from .visits import feedback_submit, visit_record

__all__ = [
    "feedback_submit",
    "photo_add",
    "photo_delete",
    "position_create",
    "position_delete",
    "position_update",
    "room_delete",
    "room_save",
    "visit_record",
]
