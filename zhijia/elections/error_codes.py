"""Stable error codes of congresses and elections."""

INVALID_TRANSITION = "invalid_transition"  # 409: the election's or congress's state does not allow it
QUORUM_NOT_MET = "quorum_not_met"  # 409: not more than two thirds of all delegates are present
MARGIN_TOO_SMALL = "margin_too_small"  # 400 (field "candidates"): fewer candidates than seats plus
# the 差额 ratio requires
ALREADY_VOTED = "already_voted"  # 409: this delegate has voted (or was given a paper ballot)
NOT_A_DELEGATE = "not_a_delegate"  # 404/409: the account is no delegate of this congress
NOT_PRESENT = "not_present"  # 409: the delegate is not signed in as present
INVALID_BALLOT = "invalid_ballot"  # 400 (field "choices"): more choices than seats, a repeat, or
# someone not on the list (a phone ballot is refused; a paper one is counted as invalid)
TELLER_MISMATCH = "teller_mismatch"  # 409: the two tellers' entries of the paper ballots differ
SAME_TELLER = "same_teller"  # 409: a teller's entry must be checked by a second, different teller
TOO_MANY_BALLOTS = "too_many_ballots"  # 409: more paper ballots than were handed out
ALLOTMENT_FULL = "allotment_full"  # 409: the unit has filled its delegate seats
NOT_IN_UNIT = "not_in_unit"  # 400 (field "person_id"): not an active member of that unit
NO_UPPER_UNION = "no_upper_union"  # 409: the union has no upper union to approve its result
NOTHING_TO_RUN_OFF = "nothing_to_run_off"  # 409: every seat is filled, no tie to break
