"""Stable error codes of competitions."""

INVALID_TRANSITION = "invalid_transition"  # 409: the contest's state does not allow it
JUDGE_CONFLICT = "judge_conflict"  # 409: the judge is from (or declared a conflict with) the entry's unit
NOT_A_JUDGE = "not_a_judge"  # 404: the account judges no such event
NOT_CHIEF = "not_chief"  # 403: only the event's chief judge locks its results
JUDGEMENT_PANEL_FULL = "judgement_panel_full"  # 409: three judges have marked this judgement aspect
NOT_ELIGIBLE = "not_eligible"  # 400 (field "person_ids"): not an active member of the registering union
BAD_CERTIFICATE = "bad_certificate"  # 400 (field "token"): forged or unknown certificate
