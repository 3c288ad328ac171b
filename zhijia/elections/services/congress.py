"""Committees with terms, congresses, delegate seats allotted by size, delegates and presence."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed, field_error
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership, Person
from zhijia.members.notices import notify
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import CONGRESS_TRANSITIONS, CommitteeKind, CongressStatus
from ..models import Allotment, Committee, Congress, Delegate
from .common import move, require

MAX_SEATS = 5000
REMIND_DAYS = 90  # 任期届满前三个月提醒换届


def _text(field: str, value: Any, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise field_error(field, _("This field is required."), "required")
    if len(text) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    return text


def _count(field: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise field_error(field, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


@transaction.atomic
def committee_create(
    *, actor: Any, org: Org, kind: str, title: str, seats: int, starts_on: dt.date, term_years: int = 5
) -> Committee:
    require(actor, Cap.ELECTIONS_MANAGE, org)
    if kind not in CommitteeKind.values:
        raise field_error("kind", _("Choose a valid kind."))
    years = _count("term_years", term_years, 1, 5)
    try:
        ends_on = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February
        ends_on = starts_on.replace(year=starts_on.year + years, day=28)
    committee = Committee.objects.create(
        org=org,
        kind=kind,
        title=_text("title", title, 200),
        seats=_count("seats", seats, 1, 99),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_log(actor=actor, action="elections.committee_create", obj=committee)
    return committee


def committees_due(*, today: dt.date | None = None, days: int = REMIND_DAYS):
    """Committees whose term ends within `days` (or has ended) and were not reminded yet."""
    today = today or timezone.localdate()
    return Committee.objects.select_related("org").filter(
        ends_on__lte=today + dt.timedelta(days=days), reminded_on__isnull=True
    )


@transaction.atomic
def committees_remind(*, today: dt.date | None = None) -> int:
    """The reminder before a term expires: one audit entry per committee (shown on the console
    home of its union) and an SMS to the union's contact phone if it has one; once each."""
    today = today or timezone.localdate()
    done = 0
    for committee in committees_due(today=today).select_for_update(of=("self",)):
        committee.reminded_on = today
        committee.save(update_fields=["reminded_on", "updated_at"])
        audit_log(
            actor=None,
            action="elections.term_reminder",
            obj=committee,
            data={"ends_on": committee.ends_on.isoformat()},
        )
        phone = getattr(committee.org, "contact_phone", "")
        notify(
            str(phone or ""),
            "committee_term_ending",
            {"committee": committee.title[:40], "ends_on": committee.ends_on.isoformat()},
        )
        done += 1
    return done


@transaction.atomic
def congress_create(*, actor: Any, org: Org, title: str, held_on: dt.date, seats: int) -> Congress:
    require(actor, Cap.ELECTIONS_MANAGE, org)
    congress = Congress.objects.create(
        org=org, title=_text("title", title, 200), held_on=held_on, seats=_count("seats", seats, 3, MAX_SEATS)
    )
    audit_log(actor=actor, action="elections.congress_create", obj=congress)
    return congress


def _active_members(q: Q) -> int:
    return Membership.objects.filter(q, status__in=ACTIVE_STATUSES).count()


def allot(sizes: dict[Any, int], seats: int) -> dict[Any, int]:
    """Seats by size, largest remainder (ties by key order), at least one seat for every unit
    with members when there are enough seats. Pure; the sum is `seats` whenever any unit has
    members."""
    units = [k for k, n in sizes.items() if n > 0]
    total = sum(sizes[k] for k in units)
    if not units:
        return {}
    exact = {k: seats * sizes[k] / total for k in units}
    got = {k: int(exact[k]) for k in units}
    left = seats - sum(got.values())
    for k in sorted(units, key=lambda k: (-(exact[k] - got[k]), str(k)))[:left]:
        got[k] += 1
    if seats >= len(units):
        for k in units:
            if got[k] == 0:
                donor = max(units, key=lambda d: (got[d], -units.index(d)))
                got[donor] -= 1
                got[k] = 1
    return got


@transaction.atomic
def congress_allot(*, actor: Any, congress: Congress) -> list[Allotment]:
    """Allot the congress's seats to its union (its direct members) and each unit directly
    below it (their subtrees' members), by active members. Replaces an earlier allotment while
    the congress is preparing."""
    require(actor, Cap.ELECTIONS_MANAGE, congress.org)
    congress = Congress.objects.select_for_update(of=("self",)).select_related("org").get(pk=congress.pk)
    if congress.status != CongressStatus.PREPARING:
        raise Conflict(
            _("Seats are allotted only while the congress is being prepared."), code="invalid_transition"
        )
    org = congress.org
    children = list(Org.objects.filter(parent=org).order_by("path"))
    sizes: dict[Any, int] = {org: _active_members(Q(org=org))}
    for child in children:
        sizes[child] = _active_members(subtree_q(child.path, "org__path"))
    seats = allot(sizes, congress.seats)
    Allotment.objects.filter(congress=congress).delete()
    rows = Allotment.objects.bulk_create(
        [Allotment(congress=congress, unit=u, members=sizes[u], seats=n) for u, n in seats.items() if n > 0]
    )
    audit_log(actor=actor, action="elections.congress_allot", obj=congress, data={"units": len(rows)})
    return rows


@transaction.atomic
def delegate_add(*, actor: Any, congress: Congress, unit: Org, person: Person) -> Delegate:
    """A delegate elected in `unit` (an active member of it or of its subtree; the congress's
    own union counts its direct members), within the unit's allotted seats."""
    require(actor, Cap.ELECTIONS_MANAGE, congress.org)
    congress = Congress.objects.select_for_update(of=("self",)).select_related("org").get(pk=congress.pk)
    if congress.status == CongressStatus.CLOSED:
        raise Conflict(_("The congress is closed."), code="invalid_transition")
    allotment = Allotment.objects.filter(congress=congress, unit=unit).first()
    if allotment is None:
        raise field_error("unit_id", _("This unit has no delegate seats at this congress."))
    within = Q(org=unit) if unit.pk == congress.org_id else subtree_q(unit.path, "org__path")
    if not Membership.objects.filter(within, person=person, status__in=ACTIVE_STATUSES).exists():
        raise field_error("person_id", _("Not an active member of this unit."), "not_in_unit")
    if Delegate.objects.filter(congress=congress, person=person).exists():
        raise Conflict(_("This member is a delegate already."), code="conflict")
    if Delegate.objects.filter(congress=congress, unit=unit).count() >= allotment.seats:
        raise Conflict(_("The unit has filled its delegate seats."), code="allotment_full")
    delegate = Delegate.objects.create(congress=congress, unit=unit, person=person)
    audit_log(actor=actor, action="elections.delegate_add", obj=congress, data={"delegate": str(delegate.pk)})
    return delegate


@transaction.atomic
def delegate_presence(*, actor: Any, delegate: Delegate, present: bool) -> Delegate:
    """Sign a delegate in (or out) at the meeting."""
    require(actor, Cap.ELECTIONS_MANAGE, delegate.congress.org)
    if delegate.congress.status == CongressStatus.CLOSED:
        raise Conflict(_("The congress is closed."), code="invalid_transition")
    delegate.present = bool(present)
    delegate.save(update_fields=["present", "updated_at"])
    audit_log(
        actor=actor,
        action="elections.delegate_presence",
        obj=delegate.congress,
        data={"delegate": str(delegate.pk), "present": delegate.present},
    )
    return delegate


@transaction.atomic
def congress_advance(*, actor: Any, congress: Congress, to: str) -> Congress:
    require(actor, Cap.ELECTIONS_MANAGE, congress.org)
    congress = Congress.objects.select_for_update(of=("self",)).select_related("org").get(pk=congress.pk)
    if to not in CongressStatus.values:
        raise ValidationFailed(fields={"status": [_("Choose a valid status.")]})
    move(congress, to, CONGRESS_TRANSITIONS)
    congress.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action=f"elections.congress_{to}", obj=congress)
    return congress
