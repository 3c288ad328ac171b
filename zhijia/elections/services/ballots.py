"""The secret ballot. A phone vote writes a `VoteMark` (who voted) and a `Ballot` (what was
voted) that share nothing: random ids, no time, no delegate on the ballot. Paper ballots: a
delegate present takes one (a `VoteMark`, channel paper), then two different tellers each enter
every paper ballot; when their entries agree they become `Ballot` rows in shuffled order. At
close every ballot of the election is re-written in one shuffled batch with fresh ids
(`ballots_shuffle`), so row order and writing transaction carry no trace of the voting order.
The audit trail says that a delegate voted, never what."""

import random
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, ValidationFailed
from zhijia.orgs.capabilities import Cap

from .. import rules
from ..enums import Channel, ElectionStatus
from ..models import Ballot, Candidate, Delegate, Election, TellerEntry, VoteMark
from .common import require, user_or_none

_shuffle = random.SystemRandom().shuffle
MAX_PAPER = 5000


def _open(election: Election) -> Election:
    election = (
        Election.objects.select_for_update(of=("self",)).select_related("congress__org").get(pk=election.pk)
    )
    if election.status != ElectionStatus.OPEN:
        raise Conflict(_("The vote is not open."), code="invalid_transition")
    return election


def _candidate_keys(election: Election) -> list[str]:
    return [str(pk) for pk in Candidate.objects.filter(election=election).values_list("pk", flat=True)]


def _clean(choices: Any, keys: list[str]) -> list[str]:
    if not isinstance(choices, list | tuple) or len(choices) > 1000:
        raise ValidationFailed(
            fields={"choices": [_("A list of candidates is expected.")]}, code="invalid_ballot"
        )
    return sorted(str(c).strip().lower() for c in choices)


def _mark(election: Election, delegate: Delegate, channel: str) -> None:
    if delegate.congress_id != election.congress_id:
        raise Conflict(_("Not a delegate of this congress."), code="not_a_delegate")
    if not Delegate.objects.filter(pk=delegate.pk, present=True).exists():
        raise Conflict(_("The delegate is not signed in as present."), code="not_present")
    try:
        with transaction.atomic():
            VoteMark.objects.create(election=election, delegate=delegate, channel=channel)
    except IntegrityError:
        raise Conflict(_("This delegate has voted already."), code="already_voted") from None


@transaction.atomic
def ballot_cast(*, actor: Any, election: Election, delegate: Delegate, choices: Any) -> None:
    """A present delegate votes on their phone. Returns nothing: not even the ballot's id goes
    back, so the answer cannot tie the voter to the stored ballot."""
    election = _open(election)
    keys = _candidate_keys(election)
    chosen = _clean(choices, keys)
    if not rules.ballot_valid(chosen, seats=election.seats, candidates=keys):
        raise ValidationFailed(
            _("Choose at most %(seats)d candidates from the list, each once.") % {"seats": election.seats},
            code="invalid_ballot",
            fields={
                "choices": [
                    _("Choose at most %(seats)d candidates from the list, each once.")
                    % {"seats": election.seats}
                ]
            },
        )
    _mark(election, delegate, Channel.PHONE)
    Ballot.objects.create(election=election, choices=chosen, valid=True, channel=Channel.PHONE)
    audit_log(actor=actor, action="elections.ballot_cast", obj=election, org=election.congress.org)


@transaction.atomic
def paper_issue(*, actor: Any, election: Election, delegate: Delegate) -> None:
    """Hand a present delegate a paper ballot: they can no longer vote on the phone."""
    require(actor, Cap.ELECTIONS_MANAGE, election.congress.org)
    election = _open(election)
    _mark(election, delegate, Channel.PAPER)
    audit_log(
        actor=actor,
        action="elections.paper_issue",
        obj=election,
        org=election.congress.org,
        data={"delegate": str(delegate.pk)},
    )


def _normalise(ballots: Any, keys: list[str]) -> list[list[str]]:
    if not isinstance(ballots, list) or len(ballots) > MAX_PAPER:
        raise ValidationFailed(
            fields={"ballots": [_("A list of at most %(n)d ballots is expected.") % {"n": MAX_PAPER}]}
        )
    return sorted(_clean(b, keys) for b in ballots)


@transaction.atomic
def teller_enter(*, actor: Any, election: Election, ballots: Any) -> dict[str, Any]:
    """One teller's entry of every paper ballot (each a list of candidate ids; a spoilt ballot
    as the marks it carries — it is counted invalid). The first entry waits; the second, by a
    different teller, must agree with it (409 teller_mismatch otherwise, and both are
    discarded to be entered again); then the ballots are stored shuffled."""
    require(actor, Cap.ELECTIONS_TELLER, election.congress.org)
    election = _open(election)
    keys = _candidate_keys(election)
    entry = _normalise(ballots, keys)
    issued = VoteMark.objects.filter(election=election, channel=Channel.PAPER).count()
    if Ballot.objects.filter(election=election, channel=Channel.PAPER).exists():
        raise Conflict(_("The paper ballots have been entered already."), code="invalid_transition")
    if len(entry) > issued:
        raise Conflict(
            _("%(n)d paper ballots entered, but only %(issued)d were handed out.")
            % {"n": len(entry), "issued": issued},
            code="too_many_ballots",
        )
    user = user_or_none(actor)
    first = TellerEntry.objects.filter(election=election, accepted=False).first()
    if first is None:
        TellerEntry.objects.create(election=election, teller=user, ballots=entry)
        audit_log(actor=actor, action="elections.teller_enter", obj=election, org=election.congress.org)
        return {"status": "waiting", "ballots": len(entry)}
    if user is not None and first.teller_id == user.pk:  # the first teller corrects their entry
        first.ballots = entry
        first.save(update_fields=["ballots", "updated_at"])
        audit_log(actor=actor, action="elections.teller_enter", obj=election, org=election.congress.org)
        return {"status": "waiting", "ballots": len(entry)}
    if Counter(map(tuple, first.ballots)) != Counter(map(tuple, entry)):
        raise Conflict(
            _("The two tellers' entries differ: count the ballots again; either teller may enter them anew."),
            code="teller_mismatch",
        )
    TellerEntry.objects.filter(pk=first.pk).update(accepted=True)
    TellerEntry.objects.create(election=election, teller=user, ballots=entry, accepted=True)
    rows = [
        Ballot(
            election=election,
            choices=b,
            valid=rules.ballot_valid(b, seats=election.seats, candidates=keys),
            channel=Channel.PAPER,
        )
        for b in entry
    ]
    _shuffle(rows)
    Ballot.objects.bulk_create(rows)
    audit_log(
        actor=actor,
        action="elections.paper_accept",
        obj=election,
        org=election.congress.org,
        data={"ballots": len(rows)},
    )
    return {"status": "accepted", "ballots": len(rows)}


def ballots_shuffle(*, election: Election) -> int:
    """Re-write every ballot of the election in one shuffled batch with fresh random ids (in
    the caller's transaction)."""
    rows = [
        Ballot(election_id=election.pk, choices=c, valid=v, channel=ch)
        for c, v, ch in Ballot.objects.filter(election=election).values_list("choices", "valid", "channel")
    ]
    Ballot.objects.filter(election=election).delete()
    _shuffle(rows)
    Ballot.objects.bulk_create(rows)
    return len(rows)
