"""Stable error codes of the catalog domain (service lists and activity plans)."""

VERSION_IMMUTABLE = "version_immutable"  # a published or superseded version never changes
NO_DRAFT = "no_draft"  # publish asked for, but the list has no draft version
EMPTY_VERSION = "empty_version"  # a version without any item cannot be published
BAD_ACCESS_MODE = "bad_access_mode"
POSITION_OUT_OF_SCOPE = "position_out_of_scope"
CATEGORY_NOT_EMPTY = "category_not_empty"
PLAN_PUBLISHED = "plan_published"  # planned fields of a published plan are fixed
PLAN_EMPTY = "plan_empty"
PLAN_DUPLICATE = "plan_duplicate"  # same union, year and title
ENTRY_DUPLICATE = "entry_duplicate"  # same plan, month and title
ENTRY_CANCELLED = "entry_cancelled"
ENTRY_HELD = "entry_held"
BAD_MONTH = "bad_month"
BAD_YEAR = "bad_year"
NOT_ONLINE = "not_online"  # the item does not take online applications
ALREADY_APPLIED = "already_applied"  # an open application for the same item exists
TOO_MANY_APPLICATIONS = "too_many_applications"  # the worker's open applications are at the limit
INVALID_TRANSITION = "invalid_transition"
