"""Stable error codes of the activities domain (the mini-program and the console rely on them)."""

ALREADY_ENROLLED = "already_enrolled"  # 409: an active enrolment for the same person/child exists
CLOSED = "closed"  # 409: not published, cancelled, finished, or outside the registration window
FULL = "full"  # 409: no place and the waiting list is off
NOT_ELIGIBLE = "not_eligible"  # 403: the person may not take part (fields say why); 422 for a bad child
INVALID_TRANSITION = "invalid_transition"  # 409: the enrolment/activity is not in a state that allows it
OFFER_EXPIRED = "offer_expired"  # 409: the offered place was not accepted in time
CAPACITY_BELOW_TAKEN = "capacity_below_taken"  # 400: capacity cannot drop below the places held
BAD_CHECKIN_CODE = "bad_checkin_code"  # 400: a session code that is forged, of another session, or stale
NOT_ENROLLED = "not_enrolled"  # 409: check-in needs an enrolment and walk-ins are not allowed
NOT_ATTENDED = "not_attended"  # 409: only attendees rate an activity
SESSION_REQUIRED = "session_required"  # 400: a drop-in course enrols per session
