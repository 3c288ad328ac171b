"""Stable error codes of the workers' voice (consultations, opinions, the opinion box)."""

INVALID_TRANSITION = "invalid_transition"  # 409: the consultation's state does not allow it
NOT_OPEN = "not_open"  # 409: the consultation does not collect opinions (not yet, or no more)
NOT_SENT = "not_sent"  # 409: outcomes are given only after the report was sent
REASON_REQUIRED = "reason_required"  # 400 (field "reason"): an outcome needs its reason
ALREADY_REPLIED = "already_replied"  # 409: the box message has its reply
MERGE_LOOP = "merge_loop"  # 400 (field "into_id"): an opinion cannot merge into itself / another consultation
