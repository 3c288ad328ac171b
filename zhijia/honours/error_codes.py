"""Stable error codes of honours (劳模, 工匠, 五一劳动奖章, 工人先锋号)."""

INVALID_TRANSITION = "invalid_transition"  # 409: the campaign's / nomination's state does not allow it
NOT_OPEN = "not_open"  # 409: the campaign takes no nominations (not yet, or no more)
NO_QUOTA = "no_quota"  # 409: the nominating union holds no quota in this campaign
QUOTA_EXCEEDED = "quota_exceeded"  # 409: more nominations than the union's quota
COMPOSITION_RULE = "composition_rule"  # 409: frontline share too low / managers' share too high
NOT_YOUR_TURN = "not_your_turn"  # 409: the nomination waits for review at another union
PUBLICITY_CLOSED = "publicity_closed"  # 409: objections are taken only during the 公示 period
PUBLICITY_RUNNING = "publicity_running"  # 409: the 公示 period has not ended
OBJECTIONS_OPEN = "objections_open"  # 409: objections wait for a decision
ALREADY_DECIDED = "already_decided"  # 409: the objection was decided
DUPLICATE = "duplicate"  # 409: the person is nominated already in this campaign
# star-rated unions
NOT_PUBLISHED = "not_published"  # 409: the criteria set is still a draft
ALREADY_ASSESSED = "already_assessed"  # 409: the union has an assessment under this set
NOT_BELOW = "not_below"  # 400 (field "org_id"): only unions below the issuing union are assessed
