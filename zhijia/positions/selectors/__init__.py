"""Reads of the positions domain (re-exported here; see the modules for the contracts)."""

from .lists import (
    SyncPage,
    facility_filter,
    position_list,
    position_public_get,
    positions_changed_since,
    positions_feed,
    positions_feed_head,
    positions_sync,
    with_related,
)
from .nearby import Nearby, parse_nearby, positions_nearby
from .shape import position_open_status, position_to_dict
from .visits import visit_list, visit_stats

__all__ = [
    "Nearby",
    "SyncPage",
    "facility_filter",
    "parse_nearby",
    "position_list",
    "position_open_status",
    "position_public_get",
    "position_to_dict",
    "positions_changed_since",
    "positions_feed",
    "positions_feed_head",
    "positions_nearby",
    "positions_sync",
    "visit_list",
    "visit_stats",
    "with_related",
]
