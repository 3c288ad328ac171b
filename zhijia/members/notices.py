"""THE SMS notice helper of every domain (join decisions, transfers, enrolments, activity
cancellations, lottery wins, expert orders).

One rule for which phone gets a notice about a person: the phone of the account linked to the
person (the number they log in with, proven by an SMS code), else the phone in the member
register. A notice to someone who is not a person in the register (an expert, an order's
contact) names the phone itself. Nothing goes out until the transaction commits, nothing for a
change that rolls back, never to an employer; parameter values are short text (40 characters)
and never carry identity numbers."""

from typing import Any

from zhijia.accounts.sms import notice_on_commit

PARAM_LIMIT = 40


def phone_of(person: Any) -> str:
    """The phone a notice about `person` goes to (see the module's rule)."""
    user = getattr(person, "user", None) if getattr(person, "user_id", None) else None
    return str(getattr(user, "phone", "") or getattr(person, "phone", "") or "")


def notify(to: Any, template: str, params: dict[str, Any]) -> None:
    """Send `template` (a stable code) with `params` to a Person (by the rule above) or to a
    phone number given as text, once the current transaction commits. No phone, no notice."""
    phone = str(to or "") if isinstance(to, str) or to is None else phone_of(to)
    notice_on_commit(
        phone=phone, template=template, params={k: str(v)[:PARAM_LIMIT] for k, v in params.items()}
    )
