"""Stable error codes of the help-and-rights domain (casework)."""

INVALID_TRANSITION = "invalid_transition"  # 409: the case's state (or kind) does not allow this step
UNKNOWN_STEP = "unknown_step"  # 404: no such step for this kind of case
HOUSEHOLD_HAS_FILE = "household_has_file"  # 409: the household already has an open hardship file
ID_IN_OTHER_FILE = "id_in_other_file"  # 409: an ID number of the household is in another unit's open file
FUND_EXHAUSTED = "fund_exhausted"  # 409: the help would exceed the fund's balance
PUBLICITY_RUNNING = "publicity_running"  # 409: the 5 working days of 公示 have not ended
OBJECTION_OPEN = "objection_open"  # 409: an objection to the 公示 has not been answered
NO_HANDLER = "no_handler"  # 409: the step needs an assigned handler
HANDLER_NOT_ALLOWED = "handler_not_allowed"  # 400 (field "handler"): not in the pool / no capability
NOT_A_WORKER = "not_a_worker"  # 409: the account has no member record (a worker applying for themselves)
CONSENT_REQUIRED = "consent_required"  # 400 (field "consent"): screening needs its own consent
