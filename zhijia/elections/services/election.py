"""Candidate lists (差额 checked), opening and closing the vote (the count is fixed at close),
the result (409 quorum_not_met below two thirds present), 报批 to the upper union, run-offs."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership, Person
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q

from .. import rules
from ..enums import TRANSITIONS, CommitteeKind, CongressStatus, ElectionStatus
from ..models import Ballot, Candidate, Committee, CommitteeMember, Congress, Delegate, Election
from .ballots import ballots_shuffle
from .common import move, require, user_or_none

MAX_MARGIN = Decimal("1")


def _margin(value: Any) -> Decimal:
    try:
        margin = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error("margin", _("Enter a ratio such as 0.05.")) from None
    if not margin.is_finite() or not Decimal("0") <= margin <= MAX_MARGIN:
        raise field_error("margin", _("Enter a ratio from 0 to 1."))
    return margin.quantize(Decimal("0.001"))


def _check_list(*, seats: int, margin: Decimal, people: list[Person]) -> None:
    if len({p.pk for p in people}) != len(people):
        raise field_error("candidates", _("A candidate is listed twice."))
    if not rules.margin_ok(candidates=len(people), seats=seats, ratio=margin):
        need = rules.min_candidates(seats=seats, ratio=margin)
        raise field_error(
            "candidates",
            _("A 差额 election of %(seats)d seats needs at least %(need)d candidates.")
            % {"seats": seats, "need": need},
            "margin_too_small",
        )


def _create(
    *, congress: Congress, kind: str, title: str, seats: int, margin: Decimal, people, runoff_of=None
):
    election = Election.objects.create(
        congress=congress, kind=kind, title=title, seats=seats, margin=margin, runoff_of=runoff_of
    )
    Candidate.objects.bulk_create(
        [Candidate(election=election, person=p, order=i) for i, p in enumerate(people)]
    )
    return election


@transaction.atomic
def election_create(
    *,
    actor: Any,
    congress: Congress,
    kind: str,
    title: str,
    seats: Any,
    people: list[Person],
    margin: Any = "0.05",
) -> Election:
    """A committee election from a 差额 list (more candidates than seats, by at least `margin`
    of the seats, rounded up). Candidates are members (of the union's subtree: the interface
    looks them up there)."""
    require(actor, Cap.ELECTIONS_MANAGE, congress.org)
    if congress.status == CongressStatus.CLOSED:
        raise Conflict(_("The congress is closed."), code="invalid_transition")
    if kind not in CommitteeKind.values:
        raise field_error("kind", _("Choose a valid kind."))
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        raise field_error("seats", _("Enter a whole number.")) from None
    if not 1 <= seats <= 99:
        raise field_error("seats", _("Enter a number from %(low)d to %(high)d.") % {"low": 1, "high": 99})
    title = str(title or "").strip()[:200]
    if not title:
        raise field_error("title", _("This field is required."), "required")
    margin = _margin(margin)
    _check_list(seats=seats, margin=margin, people=people)
    members = Membership.objects.filter(
        subtree_q(congress.org.path, "org__path"), person__in=people, status__in=ACTIVE_STATUSES
    )
    if members.values("person").distinct().count() != len(people):
        raise field_error(
            "candidates", _("Every candidate must be an active member of this union."), "not_in_unit"
        )
    election = _create(congress=congress, kind=kind, title=title, seats=seats, margin=margin, people=people)
    audit_log(
        actor=actor,
        action="elections.election_create",
        obj=election,
        org=congress.org,
        data={"seats": seats, "candidates": len(people)},
    )
    return election


def _lock(election: Election) -> Election:
    return (
        Election.objects.select_for_update(of=("self",))
        .select_related("congress__org__parent")
        .get(pk=election.pk)
    )


@transaction.atomic
def election_open(*, actor: Any, election: Election) -> Election:
    require(actor, Cap.ELECTIONS_MANAGE, election.congress.org)
    election = _lock(election)
    if election.congress.status != CongressStatus.IN_SESSION:
        raise Conflict(_("Voting opens only while the congress is in session."), code="invalid_transition")
    move(election, ElectionStatus.OPEN, TRANSITIONS)
    election.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="elections.election_open", obj=election, org=election.congress.org)
    return election


def count(election: Election) -> rules.Outcome:
    ballots = Ballot.objects.filter(election=election).values_list("choices", flat=True)
    candidates = [str(pk) for pk in Candidate.objects.filter(election=election).values_list("pk", flat=True)]
    return rules.count(
        list(ballots), candidates=candidates, seats=election.seats, delegates=election.delegates
    )


@transaction.atomic
def election_close(*, actor: Any, election: Election) -> Election:
    """Stop the vote: fix the number of delegates and of those present, shuffle the ballots
    (fresh random ids, one batch) and store the count."""
    require(actor, Cap.ELECTIONS_MANAGE, election.congress.org)
    election = _lock(election)
    move(election, ElectionStatus.CLOSED, TRANSITIONS)
    delegates = Delegate.objects.filter(congress_id=election.congress_id)
    election.delegates = delegates.count()
    election.present = delegates.filter(present=True).count()
    ballots_shuffle(election=election)
    outcome = count(election)
    election.result = {
        "votes": outcome.votes,
        "cast": outcome.cast,
        "valid": outcome.valid,
        "needed": outcome.needed,
        "elected": outcome.elected,
        "runoff": outcome.runoff,
        "runoff_seats": outcome.runoff_seats,
        "vacant": outcome.vacant,
    }
    election.save(update_fields=["status", "delegates", "present", "result", "updated_at"])
    audit_log(
        actor=actor,
        action="elections.election_close",
        obj=election,
        org=election.congress.org,
        data={"cast": outcome.cast, "present": election.present, "delegates": election.delegates},
    )
    return election


def require_quorum(election: Election) -> None:
    """409 quorum_not_met unless more than two thirds of all delegates were present."""
    if not rules.quorum_met(present=election.present, delegates=election.delegates):
        raise Conflict(
            _(
                "The meeting is not valid: %(present)d of %(delegates)d delegates present; "
                "more than two thirds are needed."
            )
            % {"present": election.present, "delegates": election.delegates},
            code="quorum_not_met",
        )


@transaction.atomic
def election_submit(*, actor: Any, election: Election) -> Election:
    """报批: send a counted, valid result to the upper union."""
    require(actor, Cap.ELECTIONS_MANAGE, election.congress.org)
    election = _lock(election)
    if election.congress.org.parent_id is None:
        raise Conflict(_("This union has no upper union to approve the result."), code="no_upper_union")
    if election.status in (ElectionStatus.CLOSED, ElectionStatus.RETURNED):
        require_quorum(election)
    move(election, ElectionStatus.SUBMITTED, TRANSITIONS)
    election.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="elections.election_submit", obj=election, org=election.congress.org)
    return election


@transaction.atomic
def election_decide(*, actor: Any, election: Election, approve: bool, note: str = "") -> Election:
    """The upper union approves (the elected form the committee of a five-year term from the
    congress day) or returns the result with a note."""
    election = _lock(election)
    upper = election.congress.org.parent
    require(actor, Cap.ELECTIONS_APPROVE, upper)
    note = str(note or "").strip()[:500]
    if not approve and not note:
        raise field_error("note", _("Say why the result is returned."), "required")
    move(election, ElectionStatus.APPROVED if approve else ElectionStatus.RETURNED, TRANSITIONS)
    election.decided_by = user_or_none(actor)
    election.decision_note = note
    if approve:
        election.committee = _form_committee(election)
    election.save(update_fields=["status", "decided_by", "decision_note", "committee", "updated_at"])
    audit_log(
        actor=actor,
        action="elections.election_approve" if approve else "elections.election_return",
        obj=election,
        org=upper,
        data={"note": note},
    )
    return election


def _form_committee(election: Election) -> Committee | None:
    """The committee this approval forms (or adds a run-off's winners to)."""
    root = election
    while root.runoff_of_id:
        root = Election.objects.get(pk=root.runoff_of_id)
    committee = root.committee if root.pk != election.pk else None
    if committee is None:
        congress = election.congress
        start = congress.held_on
        try:
            end = start.replace(year=start.year + 5)
        except ValueError:
            end = start.replace(year=start.year + 5, day=28)
        committee = Committee.objects.create(
            org=congress.org, kind=root.kind, title=root.title, seats=root.seats, starts_on=start, ends_on=end
        )
        if root.pk != election.pk:
            root.committee = committee
            root.save(update_fields=["committee", "updated_at"])
    elected = Candidate.objects.filter(election=election, pk__in=election.result.get("elected", []))
    for candidate in elected:
        CommitteeMember.objects.get_or_create(
            committee=committee, person_id=candidate.person_id, defaults={"election": election}
        )
    return committee


@transaction.atomic
def runoff_create(*, actor: Any, election: Election) -> Election:
    """A run-off for the seats a counted election left open: the tied candidates for the tied
    seats, else (另行选举) the best-placed not elected ones for the vacant seats, the 差额 rule
    applying again."""
    require(actor, Cap.ELECTIONS_MANAGE, election.congress.org)
    election = _lock(election)
    if election.status not in (ElectionStatus.CLOSED, ElectionStatus.SUBMITTED, ElectionStatus.APPROVED):
        raise Conflict(_("Only a counted election can have a run-off."), code="invalid_transition")
    require_quorum(election)
    result = election.result
    candidates = {str(c.pk): c for c in Candidate.objects.filter(election=election)}
    if result.get("runoff"):
        keys, seats = result["runoff"], int(result["runoff_seats"])
    elif result.get("vacant"):
        seats = int(result["vacant"])
        rest = sorted(
            (k for k in candidates if k not in result.get("elected", [])),
            key=lambda k: (-result["votes"].get(k, 0), candidates[k].order),
        )
        keys = rest[: rules.min_candidates(seats=seats, ratio=election.margin)]
    else:
        raise Conflict(_("Every seat is filled: there is nothing to run off."), code="nothing_to_run_off")
    people = [candidates[k].person for k in keys]
    _check_list(seats=seats, margin=Decimal("0") if result.get("runoff") else election.margin, people=people)
    runoff = _create(
        congress=election.congress,
        kind=election.kind,
        title=_("%(title)s (run-off)") % {"title": election.title},
        seats=seats,
        margin=election.margin,
        people=people,
        runoff_of=election,
    )
    audit_log(actor=actor, action="elections.runoff_create", obj=runoff, org=election.congress.org)
    return runoff
