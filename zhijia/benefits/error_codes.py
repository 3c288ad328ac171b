"""Stable error codes of the benefits domain (phones and tills rely on them)."""

SOLD_OUT = "sold_out"  # 409: the open round has no voucher left
ALREADY_CLAIMED = "already_claimed"  # 409: the person holds as many as the campaign allows (today)
NOT_OPEN = "not_open"  # 409: no round is open now (not yet, between rounds, ended, or a lottery)
NOT_ELIGIBLE = "not_eligible"  # 403: not an active real-name member the campaign is for
ALREADY_REGISTERED = "already_registered"  # 409: already in this lottery
INVALID_TRANSITION = "invalid_transition"  # 409: the campaign/voucher state does not allow it
BAD_CODE = "bad_code"  # 400: a voucher code that is forged, mistyped or unknown
NOT_REDEEMABLE = "not_redeemable"  # 409: redeemed, expired, revoked, not yet valid, or not at this outlet
BELOW_THRESHOLD = "below_threshold"  # 400: the bill does not reach the voucher's threshold
REVERSAL_WINDOW = "reversal_window"  # 409: too late to reverse this redemption
IDEMPOTENCY_MISMATCH = "idempotency_mismatch"  # 422: same Idempotency-Key, different request
