"""The fields each step's form shows in the console (the services validate them again)."""

from django.utils.translation import gettext_lazy as _

from zhijia.casework.enums import ExitReason, Grade, HelpKind, ReferralTo

# step: (button label, button style, [(name, label, type, choices)])
STEP_FORMS = {
    "screen": (_("First check passed"), "primary", [("grade", _("Grade"), "select", Grade.choices)]),
    "visit": (
        _("Record the home visit"),
        "primary",
        [
            ("visit_record", _("Home visit record"), "textarea", None),
            ("visited_on", _("Visited on"), "date", None),
            (
                "income_check_signed",
                _("The signed authorisation for income checks is on file"),
                "checkbox",
                None,
            ),
        ],
    ),
    "publicise": (
        _("Start the public notice (5 working days)"),
        "primary",
        [("starts_on", _("First day"), "date", None)],
    ),
    "answer": (
        _("Answer the objection"),
        "secondary",
        [("objection_id", "", "objection", None), ("answer", _("Answer"), "textarea", None)],
    ),
    "approve": (_("Approve the file"), "success", [("reason", _("Note"), "text", None)]),
    "reject": (_("Do not file"), "outline-danger", [("reason", _("Reason"), "text", None)]),
    "help": (
        _("Record help given"),
        "success",
        [
            ("kind", _("Kind of help"), "select", HelpKind.choices),
            ("amount", _("Amount (yuan)"), "number", None),
            ("given_on", _("Given on"), "date", None),
            ("fund_id", _("From fund"), "fund", None),
            ("note", _("Note"), "text", None),
        ],
    ),
    "review": (_("Record the yearly review"), "secondary", [("grade", _("Grade"), "select", Grade.choices)]),
    "close": (
        _("Close"),
        "outline-secondary",
        [
            ("reason", _("Reason for leaving"), "select", ExitReason.choices),
            ("outcome", _("Outcome"), "text", None),
        ],
    ),
    "reopen": (_("Reopen"), "outline-secondary", [("reason", _("Reason"), "text", None)]),
    "assign": (_("Assign"), "primary", [("expert_id", _("Expert of the pool"), "expert", None)]),
    "session": (
        _("Record a session"),
        "primary",
        [
            ("held_at", _("Held at"), "datetime-local", None),
            ("minutes", _("Minutes"), "number", None),
            ("both_parties", _("Mediation with both parties present"), "checkbox", None),
        ],
    ),
    "agree": (
        _("Record the mediation agreement"),
        "success",
        [("terms", _("Agreed terms"), "textarea", None), ("agreed_on", _("Agreed on"), "date", None)],
    ),
    "fail": (_("Mediation failed"), "outline-danger", [("reason", _("Reason"), "text", None)]),
    "award": (
        _("Arbitration award received"),
        "secondary",
        [("received_on", _("Received on"), "date", None)],
    ),
    "refer": (
        _("Refer"),
        "secondary",
        [
            ("to", _("Referred to"), "select", ReferralTo.choices),
            ("detail", _("Where and why"), "text", None),
        ],
    ),
    "cancel": (_("Cancel the booking"), "outline-danger", []),
    "screening": (_("Screening"), "secondary", []),
}
