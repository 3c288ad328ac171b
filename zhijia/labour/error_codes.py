"""Stable error codes of the labour domain."""

INVALID_TRANSITION = "invalid_transition"  # 409: the referral's step does not allow this step
ALREADY_REGISTERED = "already_registered"  # 409: the person has a registry record in another village
NOT_ELIGIBLE = "not_eligible"  # 409: no consent to job matching, or a hard requirement of the job unmet
ALREADY_REFERRED = "already_referred"  # 409: this person was already referred to this job
TOO_EARLY = "too_early"  # 409: a retention step before 30 / 90 days after hiring
JOB_CLOSED = "job_closed"  # 409: the job no longer takes referrals
NOT_IN_TEAM = "not_in_team"  # 400 (field "people"): not on the team's roster on that day
IDEMPOTENCY_MISMATCH = "idempotency_mismatch"  # 422: the same Idempotency-Key with another person
IMPORT_OUT_OF_SCOPE = "import_out_of_scope"  # row error: the village is outside the importer's scope
