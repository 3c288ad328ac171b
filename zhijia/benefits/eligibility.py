"""Who may hold a voucher of a campaign: one check for claims, lottery entries and draws.

`check` raises PermissionDenied(code="not_eligible", fields={rule: [reason]}) (403) naming the
first rule that fails, in this order:
- `membership`: an active membership (members.enums.ACTIVE_STATUSES, not ended);
- `real_name`: the person is registered by identity document (blind index set) and not
  anonymised — one Person per normalised ID number, so two accounts can never be two people;
- `eligible_org`: the membership lies in the subtree of campaign.eligible_org (default: the
  funding union campaign.org);
- `occupations`: the person's occupation is one of campaign.occupations (when any are listed);
- `joined_before`: the membership began before campaign.joined_before (when set).
How many vouchers the person already holds is the claim's business (claim keys), not this one's."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import PermissionDenied
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership

from .error_codes import NOT_ELIGIBLE

_UNSET: Any = object()

# The columns the check reads: fetching only these keeps the hot path from decrypting the
# person's identity number and phone.
MEMBER_FIELDS = (
    "id",
    "status",
    "joined_on",
    "ended_on",
    "org__id",
    "org__path",
    "person__id",
    "person__id_index",
    "person__occupation",
    "person__anonymised_at",
    "person__user_id",
)


def refuse(field: str, reason: str) -> PermissionDenied:
    return PermissionDenied(reason, code=NOT_ELIGIBLE, fields={field: [reason]})


def member_of(user: Any) -> Membership | None:
    """The active membership of the user's own person (Person.user), with `person` and `org`
    (only the columns the check needs). One query; None without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = list(
        Membership.objects.filter(
            person__user_id=user.pk, person__anonymised_at__isnull=True, status__in=ACTIVE_STATUSES
        )
        .select_related("person", "org")
        .only(*MEMBER_FIELDS)
        .order_by()[:1]  # at most one active membership (a unique constraint): no ORDER BY needed
    )
    return rows[0] if rows else None


def membership_of(person: Any) -> Membership | None:
    """The person's active membership with its union (one query)."""
    if person is None:
        return None
    return (
        Membership.objects.filter(person_id=person.pk, status__in=ACTIVE_STATUSES)
        .select_related("org")
        .order_by()
        .first()
    )


def check(campaign: Any, person: Any, *, on: dt.date | None = None, membership: Any = _UNSET) -> None:
    """Raise not_eligible unless `person` may hold a voucher of `campaign` on day `on` (default
    today). Pass `membership` (the person's active one, or None) when already fetched (member_of);
    otherwise one query. `campaign.eligible_org` / `campaign.org` should be fetched with it."""
    if membership is _UNSET:
        membership = membership_of(person)
    day = on or timezone.localdate()
    if person is None or membership is None or (membership.ended_on and membership.ended_on <= day):
        raise refuse("membership", _("Only active union members can take part."))
    if not person.id_index or person.anonymised_at is not None:
        raise refuse("real_name", _("Only members registered with their identity document can take part."))
    root = campaign.eligible_org if campaign.eligible_org_id else campaign.org
    if not membership.org.path.startswith(root.path):
        raise refuse("eligible_org", _("This campaign is for members of %(org)s.") % {"org": root.name})
    if campaign.occupations and person.occupation not in campaign.occupations:
        raise refuse("occupations", _("This campaign is for members of certain occupations only."))
    if campaign.joined_before and (
        membership.joined_on is None or membership.joined_on >= campaign.joined_before
    ):
        raise refuse(
            "joined_before",
            _("This campaign is for members who joined before %(date)s.")
            % {"date": campaign.joined_before.isoformat()},
        )
