"""A member's own children, for the phone page "My children" and `/api/v1/me/children`."""

from django.db.models import QuerySet

from ..enums import Relation
from ..models import FamilyMember, Person


def my_children(*, person: Person | None) -> QuerySet[FamilyMember]:
    """The children registered with `person` (none without a person), youngest last."""
    if person is None:
        return FamilyMember.objects.none()
    return FamilyMember.objects.filter(person_id=person.pk, relation=Relation.CHILD).order_by(
        "birth_date", "pk"
    )
