"""Stable error codes of the positions domain (clients match on these, never on messages)."""

from zhijia.members import error_codes as _members

BAD_COORDINATES = "bad_coordinates"
BAD_RADIUS = "bad_radius"
BAD_DATUM = "bad_datum"
BAD_LIMIT = "bad_limit"
BAD_HOURS = "bad_hours"
UNKNOWN_FACILITY = "unknown_facility"
UNKNOWN_VISITOR_GROUP = "unknown_visitor_group"
UNKNOWN_SERVICE = "unknown_service"
DUPLICATE_CODE = "duplicate_code"
DUPLICATE_ROOM = "duplicate_room"
HUB_OUT_OF_SCOPE = "hub_not_allowed"
DELETED = "position_deleted"
ORG_DISSOLVED = "org_dissolved"
FEEDBACK_LIMIT = "feedback_rate_limited"
BAD_PHOTO = "bad_photo"
MOBILE_NOT_PUBLISHED = "mobile_not_published"
IMPORT_OUT_OF_SCOPE = "import_out_of_scope"
IMPORT_ORG_NOT_FOUND = "import_org_not_found"
IMPORT_OTHER_UNION = "import_other_union"
CARD_INVALID = _members.CARD_INVALID
CARD_EXPIRED = _members.CARD_EXPIRED

# geo.GeoError codes → ours
GEO_CODES = {
    "bad_latitude": BAD_COORDINATES,
    "bad_longitude": BAD_COORDINATES,
    "bad_radius": BAD_RADIUS,
    "bad_datum": BAD_DATUM,
}
