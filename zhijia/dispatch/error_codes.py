"""Stable error codes of the expert-services domain."""

INVALID_TRANSITION = "invalid_transition"  # 409: the order's state does not allow this step
EXPERT_UNAVAILABLE = "expert_unavailable"  # 409: inactive, off that day, over monthly capacity, or
# already booked at an overlapping time (the database's no-overlap rule decides under concurrency)
OVER_BUDGET = "over_budget"  # 409: committing the order's cost would exceed the yearly budget
CERTIFICATE_EXPIRED = "certificate_expired"  # 409: the item needs a qualification the expert
# lacks or whose certificate has expired on the service date
ITEM_UNAVAILABLE = "item_unavailable"  # 409: the item is paused, its menu not published, or the
# ordering union is outside the subtree allowed to order it
MENU_IMMUTABLE = "menu_immutable"  # 409: a published menu never changes; edit a new draft
SURVEY_CLOSED = "survey_closed"  # 409: the needs survey no longer collects
MENU_EMPTY = "menu_empty"  # 400 (field "items"): a menu without items cannot be published
EXPERT_NOT_IN_POOL = "expert_not_in_pool"  # 400 (field "expert_id"): the expert is not in the pool
# of the dispatching union (the pool of the dispatcher or of one of its ancestors)
EXPERT_USER_TAKEN = "expert_user_taken"  # 409: the account is already linked to another expert
BAD_CHECKIN_CODE = "bad_checkin_code"  # 400 (field "code"): a forged, tampered or stale code
CHECKIN_CLOSED = "checkin_closed"  # 409: the order is not accepted or delivered
NOT_A_MEMBER = "not_a_member"  # 409: the account has no member record (check-in, needs)
IDEMPOTENCY_MISMATCH = "idempotency_mismatch"  # 422: the same Idempotency-Key with another order
