"""Stable error codes of the members domain (clients match on these, never on messages)."""

ALREADY_MEMBER = "already_member"
APPLICATION_OPEN = "application_open"
INVALID_TRANSITION = "invalid_transition"
NOT_A_UNION_TO_JOIN = "not_a_union_to_join"
CONSENT_REQUIRED = "consent_required"
TRANSFER_OPEN = "transfer_open"
SAME_UNION = "same_union"
CARD_INVALID = "card_invalid"
CARD_EXPIRED = "card_expired"
EXPORT_NOT_APPROVED = "export_not_approved"
SELF_APPROVAL = "self_approval"
# joining and transfers
UNION_REQUIRED = "union_required"
REASON_REQUIRED = "reason_required"
IDENTITY_IN_USE = "identity_in_use"
PERSON_MISMATCH = "person_mismatch"
NOT_ACTIVE_MEMBER = "not_active_member"
WORKER_ONLY = "worker_only"  # the action is a worker's own; staff accounts cannot take it
IDENTITY_TAKEN = "identity_taken"  # staff registration: the identity belongs to another record
ANONYMISED = "anonymised"
REQUEST_OPEN = "request_open"
IMPORT_OUT_OF_SCOPE = "import_out_of_scope"
IMPORT_OTHER_UNION = "import_other_union"
IMPORT_ORG_NOT_FOUND = "import_org_not_found"
IMPORT_ORG_AMBIGUOUS = "import_org_ambiguous"
IMPORT_CONFLICT = "import_conflict"
CHILD_EXISTS = "child_exists"  # a change would make a child another one already registered
CHILD_ENROLLED = "child_enrolled"  # a child with enrolments on record is not removed by the parent
