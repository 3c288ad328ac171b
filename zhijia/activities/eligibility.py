"""Who may take part in an activity: one check for every channel (self, staff, bulk).

`eligibility_check` raises PermissionDenied(code="not_eligible", fields={rule: [reason]}) (403)
when the person may not take part, and Unprocessable(code="not_eligible") (422) when the request
names a child that does not fit (missing on a children's activity, not the person's child, or a
child on an adults' activity). The limit-group count is only exact under the person's row lock,
which enrolment_create takes before calling it.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.errors import PermissionDenied, Unprocessable
from zhijia.members.consent import consent_withdrawn
from zhijia.members.enums import ACTIVE_STATUSES, ConsentPurpose, Relation
from zhijia.members.models import Membership
from zhijia.orgs.tree import subtree_q

from .enums import ACTIVE
from .error_codes import NOT_ELIGIBLE
from .models import Activity, Enrolment


def _refuse(field: str, reason: str) -> PermissionDenied:
    return PermissionDenied(reason, code=NOT_ELIGIBLE, fields={field: [reason]})


def _bad_child(reason: str) -> Unprocessable:
    return Unprocessable(reason, code=NOT_ELIGIBLE, fields={"child_id": [reason]})


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _reference_day(activity: Activity, at: dt.datetime | None) -> dt.date:
    moment = activity.starts_at or at or timezone.now()
    return timezone.localtime(moment).date()


def _check_membership(activity: Activity, person: Any) -> None:
    active = Membership.objects.filter(person=person, status__in=ACTIVE_STATUSES)
    if activity.members_only and not active.exists():
        raise _refuse("members_only", _("This activity is for union members only."))
    if activity.eligible_org_id is not None:
        org = activity.eligible_org
        if org is None or not active.filter(subtree_q(org.path, "org__path")).exists():
            raise _refuse(
                "eligible_org",
                _("This activity is for members of %(org)s.") % {"org": org.name if org else "-"},
            )


def _check_child(activity: Activity, person: Any, child: Any, at: dt.datetime | None) -> None:
    if not activity.for_children:
        if child is not None:
            raise _bad_child(_("This activity is not for children."))
        return
    if child is None:
        raise _bad_child(_("Choose which of your children to enrol."))
    if child.person_id != person.pk or child.relation != Relation.CHILD:
        raise _bad_child(_("Only your own children can be enrolled."))
    if consent_withdrawn(person, ConsentPurpose.MINOR):  # the withdrawal stops the processing
        raise _refuse(
            "guardian_consent",
            _(
                "You withdrew your consent to the processing of your children's information. "
                "To enrol them, give it again under “My children”."
            ),
        )
    low, high = activity.child_age_min, activity.child_age_max
    if low is None and high is None:
        return
    if child.birth_date is None:
        raise _refuse("child_age", _("Add your child's birth date first."))
    age = age_on(child.birth_date, _reference_day(activity, at))
    if (low is not None and age < low) or (high is not None and age > high):
        raise _refuse(
            "child_age",
            _("This activity is for children aged %(low)s to %(high)s.")
            % {"low": low if low is not None else 0, "high": high if high is not None else "-"},
        )


def limit_used(*, activity: Activity, person: Any, child: Any = None) -> int:
    """How many other activities of `activity.limit_group` the person (or child) is actively
    enrolled in (HOLDING or waitlisted). Exact only under the person's row lock."""
    if not activity.limit_group:
        return 0
    return (
        Enrolment.objects.filter(
            person=person,
            child=child,
            status__in=ACTIVE,
            activity__limit_group=activity.limit_group,
        )
        .exclude(activity=activity)
        .values("activity")
        .distinct()
        .count()
    )


def eligibility_check(
    *, activity: Activity, person: Any, child: Any = None, at: dt.datetime | None = None
) -> None:
    """Raise unless `person` (or their `child`) may enrol in `activity`. Rules, in order:
    members_only, eligible_org (active membership in that subtree), occupations, children
    (child required and the person's own; the parent has not withdrawn the MINOR consent; age
    on the activity's start date within the range),
    limit_group/limit_count (active enrolments in *other* activities of the group; the same
    activity is covered by already_enrolled). Reads only; no side effects."""
    _check_child(activity, person, child, at)
    _check_membership(activity, person)
    if activity.occupations and person.occupation not in activity.occupations:
        raise _refuse("occupations", _("This activity is for particular occupations only."))
    limited = activity.limit_group and activity.limit_count is not None
    if limited and limit_used(activity=activity, person=person, child=child) >= (activity.limit_count or 0):
        raise _refuse(
            "limit_group",
            _("Already enrolled in %(count)s activities of “%(group)s”, the most allowed.")
            % {"count": activity.limit_count, "group": activity.limit_group},
        )
