"""What the expert's check-in box names: a scanned (or pasted) member card code, or a typed
member number for a worker without their phone."""

from typing import Any

from zhijia.dispatch.services import orders as order_services
from zhijia.members.services.card import card_person


def check_in(*, actor: Any, order: Any, value: str) -> Any:
    """Check the named person in; returns the attendance (400 on "token" when neither a valid
    card code nor an active member number of the ordering union)."""
    value = value.strip()
    if len(value) <= 24 and value.isalnum():  # member numbers; card codes are long and signed
        return order_services.order_checkin_by_member_no(actor=actor, order=order, member_no=value)
    person = card_person(token=value, field="token")
    return order_services.order_checkin(actor=actor, order=order, person=person)
