"""/api/v1/elections… congresses and elections (会员代表大会, 换届选举).

Staff (elections.manage on the congress's union unless said otherwise):
- `GET|POST /elections/committees` — committees and their terms (`due`: only those whose term
  ends within 90 days).
- `GET|POST /elections/congresses`, `GET /elections/congresses/<id>` (allotments, delegates,
  elections), `POST …/allot` (seats by size), `POST …/delegates`, `POST …/status`,
  `POST /elections/delegates/<id>/presence`.
- `POST /elections` (a 差额 list: 400 `margin_too_small`), `GET /elections/<id>`,
  `POST /elections/<id>/open|close|submit|runoff`, `POST /elections/<id>/paper-ballots` (hand a
  delegate a paper ballot), `POST /elections/<id>/teller-entries` (elections.teller; 409
  `teller_mismatch`, `too_many_ballots`), `GET /elections/<id>/result` and `…/result.pdf` (409
  `quorum_not_met` when not more than two thirds of all delegates were present).
- `POST /elections/<id>/approve|return` — elections.approve on the UPPER union (报批).

Delegates (workers): `GET /me/elections` (open votes where they hold a seat) and
`POST /elections/<id>/ballots` — the secret phone ballot: 204, nothing returned; 409
`already_voted`, `not_present`; 400 `invalid_ballot`; 404 for anyone without a seat.

Names are masked. Errors are `{"code","message","fields"}`."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhijia.api.schemas import ERRORS, Ref
from zhijia.core.errors import NotFound, field_error
from zhijia.core.masking import mask_name
from zhijia.elections import selectors as sel
from zhijia.elections.enums import CommitteeKind, CongressStatus
from zhijia.elections.models import Committee, Congress, Delegate, Election
from zhijia.elections.pdf import result_pdf
from zhijia.elections.permissions import (
    access_congress,
    access_delegate,
    access_election,
    delegate_election,
)
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import congress as csvc
from zhijia.elections.services import election as esvc
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org

router = Router(tags=["elections"])


def _ref(org) -> dict:
    return {"id": org.pk, "name": org.name}


# --- committees ----------------------------------------------------------------------------


class CommitteeIn(Schema):
    org_id: UUID
    kind: CommitteeKind
    title: str = Field(..., max_length=200)
    seats: int = Field(..., ge=1, le=99)
    starts_on: date
    term_years: int = Field(5, ge=1, le=5)


class CommitteeOut(Schema):
    id: UUID
    org: Ref
    kind: str
    title: str
    seats: int
    starts_on: date
    ends_on: date
    reminded_on: date | None

    @staticmethod
    def resolve_org(obj: Committee) -> dict:
        return _ref(obj.org)


@router.get("/elections/committees", response={200: list[CommitteeOut], **ERRORS})
def list_committees(request: HttpRequest, due: bool = False):
    """Committees in the caller's scope, the term ending soonest first."""
    items = sel.committee_list(actor=request.user)
    if due:
        items = items.filter(pk__in=csvc.committees_due().values("pk"))
    return list(items[:500])


@router.post("/elections/committees", response={201: CommitteeOut, **ERRORS})
def create_committee(request: HttpRequest, payload: CommitteeIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.ELECTIONS_MANAGE)
    data = payload.dict(exclude={"org_id"})
    return Status(201, csvc.committee_create(actor=request.user, org=org, **data))


# --- congresses ----------------------------------------------------------------------------


class CongressIn(Schema):
    org_id: UUID
    title: str = Field(..., max_length=200)
    held_on: date
    seats: int = Field(..., ge=3, le=csvc.MAX_SEATS)


class CongressOut(Schema):
    id: UUID
    org: Ref
    title: str
    held_on: date
    seats: int
    status: str

    @staticmethod
    def resolve_org(obj: Congress) -> dict:
        return _ref(obj.org)


class AllotmentOut(Schema):
    unit: Ref
    members: int
    seats: int


class DelegateOut(Schema):
    id: UUID
    unit: Ref
    name: str = Field(description="Masked.")
    present: bool

    @staticmethod
    def resolve_unit(obj: Delegate) -> dict:
        return _ref(obj.unit)

    @staticmethod
    def resolve_name(obj: Delegate) -> str:
        return mask_name(obj.person.name)


class ElectionOut(Schema):
    id: UUID
    congress_id: UUID
    kind: str
    title: str
    seats: int
    margin: Decimal
    status: str
    runoff_of_id: UUID | None
    voted: int = Field(description="Delegates who have voted or taken a paper ballot.")
    candidates: list[Ref]
    decision_note: str

    @staticmethod
    def resolve_voted(obj: Election) -> int:
        return sel.voted_count(obj)

    @staticmethod
    def resolve_candidates(obj: Election) -> list[dict]:
        return [{"id": c.pk, "name": mask_name(c.person.name)} for c in sel.election_candidates(obj)]


class CongressDetailOut(CongressOut):
    allotments: list[AllotmentOut]
    delegates: list[DelegateOut]
    elections: list[ElectionOut]

    @staticmethod
    def resolve_allotments(obj: Congress) -> list[dict]:
        return [
            {"unit": _ref(a.unit), "members": a.members, "seats": a.seats}
            for a in sel.congress_allotments(obj)
        ]

    @staticmethod
    def resolve_delegates(obj: Congress) -> list[Delegate]:
        return sel.congress_delegates(obj)

    @staticmethod
    def resolve_elections(obj: Congress) -> list[Election]:
        return sel.congress_elections(obj)


@router.get("/elections/congresses", response={200: list[CongressOut], **ERRORS})
def list_congresses(request: HttpRequest):
    return list(sel.congress_list(actor=request.user)[:500])


@router.post("/elections/congresses", response={201: CongressOut, **ERRORS})
def create_congress(request: HttpRequest, payload: CongressIn):
    org = access_org(actor=request.user, id=payload.org_id, cap=Cap.ELECTIONS_MANAGE)
    congress = csvc.congress_create(
        actor=request.user, org=org, title=payload.title, held_on=payload.held_on, seats=payload.seats
    )
    return Status(201, congress)


@router.get("/elections/congresses/{congress_id}", response={200: CongressDetailOut, **ERRORS})
def get_congress(request: HttpRequest, congress_id: str):
    return access_congress(actor=request.user, id=congress_id)


@router.post("/elections/congresses/{congress_id}/allot", response={200: CongressDetailOut, **ERRORS})
def allot_congress(request: HttpRequest, congress_id: str):
    """Allot the delegate seats by the units' active members (largest remainder, one at least)."""
    congress = access_congress(actor=request.user, id=congress_id)
    csvc.congress_allot(actor=request.user, congress=congress)
    return congress


class DelegateIn(Schema):
    unit_id: UUID
    person_id: UUID


@router.post("/elections/congresses/{congress_id}/delegates", response={201: DelegateOut, **ERRORS})
def add_delegate(request: HttpRequest, congress_id: str, payload: DelegateIn):
    """A delegate elected in a unit with seats (409 `allotment_full`; 400 `person_id` when not an
    active member there)."""
    congress = access_congress(actor=request.user, id=congress_id)
    allotment = next((a for a in sel.congress_allotments(congress) if a.unit_id == payload.unit_id), None)
    if allotment is None:
        raise field_error("unit_id", _("This unit has no delegate seats at this congress."))
    people = sel.people_within(allotment.unit, [payload.person_id])
    if not people:
        raise field_error("person_id", _("Not an active member of this unit."), "not_in_unit")
    delegate = csvc.delegate_add(actor=request.user, congress=congress, unit=allotment.unit, person=people[0])
    return Status(201, delegate)


class StatusIn(Schema):
    status: Literal["in_session", "closed"]


@router.post("/elections/congresses/{congress_id}/status", response={200: CongressOut, **ERRORS})
def congress_status(request: HttpRequest, congress_id: str, payload: StatusIn):
    """Open the session or close the congress (409 `invalid_transition`)."""
    congress = access_congress(actor=request.user, id=congress_id)
    return csvc.congress_advance(actor=request.user, congress=congress, to=CongressStatus(payload.status))


class PresenceIn(Schema):
    present: bool


@router.post("/elections/delegates/{delegate_id}/presence", response={200: DelegateOut, **ERRORS})
def delegate_presence(request: HttpRequest, delegate_id: str, payload: PresenceIn):
    delegate = access_delegate(actor=request.user, id=delegate_id)
    return csvc.delegate_presence(actor=request.user, delegate=delegate, present=payload.present)


# --- elections -----------------------------------------------------------------------------


class ElectionIn(Schema):
    congress_id: UUID
    kind: CommitteeKind
    title: str = Field(..., max_length=200)
    seats: int = Field(..., ge=1, le=99)
    margin: Decimal = Field(Decimal("0.05"), ge=0, le=1, max_digits=4, decimal_places=3)
    candidate_ids: list[UUID] = Field(..., max_length=200, description="Person ids, in the list's order.")


@router.post("/elections", response={201: ElectionOut, **ERRORS})
def create_election(request: HttpRequest, payload: ElectionIn):
    """A committee election from a 差额 list: 400 `margin_too_small` (field `candidates`) with
    fewer than seats + ceil(seats × margin) candidates (and never without one more than seats)."""
    congress = access_congress(actor=request.user, id=payload.congress_id)
    ids = list(dict.fromkeys(payload.candidate_ids))
    people = sel.people_within(congress.org, ids)
    if len(people) != len(payload.candidate_ids):
        raise field_error(
            "candidates", _("Every candidate must be an active member of this union."), "not_in_unit"
        )
    election = esvc.election_create(
        actor=request.user,
        congress=congress,
        kind=payload.kind,
        title=payload.title,
        seats=payload.seats,
        people=people,
        margin=payload.margin,
    )
    return Status(201, election)


@router.get("/elections/{election_id}", response={200: ElectionOut, **ERRORS})
def get_election(request: HttpRequest, election_id: str):
    return access_election(actor=request.user, id=election_id)


def _step(name: str, doc: str):
    fn = {
        "open": esvc.election_open,
        "close": esvc.election_close,
        "submit": esvc.election_submit,
    }[name]

    def view(request: HttpRequest, election_id: str):
        election = access_election(actor=request.user, id=election_id)
        return fn(actor=request.user, election=election)

    view.__name__ = f"election_{name}"
    view.__doc__ = doc
    router.post(f"/elections/{{election_id}}/{name}", response={200: ElectionOut, **ERRORS})(view)


_step("open", "Open the vote (the congress in session; 409 `invalid_transition`).")
_step("close", "Stop the vote and count: the delegates and those present are fixed, the ballots shuffled.")
_step("submit", "报批: send the counted result to the upper union (409 `quorum_not_met`, `no_upper_union`).")


@router.post("/elections/{election_id}/runoff", response={201: ElectionOut, **ERRORS})
def election_runoff(request: HttpRequest, election_id: str):
    """A run-off for tied or vacant seats (409 `nothing_to_run_off`, `quorum_not_met`)."""
    election = access_election(actor=request.user, id=election_id)
    return Status(201, esvc.runoff_create(actor=request.user, election=election))


class DecisionIn(Schema):
    note: str = Field("", max_length=500)


@router.post("/elections/{election_id}/approve", response={200: ElectionOut, **ERRORS})
def election_approve(request: HttpRequest, election_id: str, payload: DecisionIn):
    """The upper union approves the result (elections.approve there); the elected form the
    committee."""
    election = access_election(actor=request.user, id=election_id, cap=Cap.ELECTIONS_APPROVE)
    return esvc.election_decide(actor=request.user, election=election, approve=True, note=payload.note)


@router.post("/elections/{election_id}/return", response={200: ElectionOut, **ERRORS})
def election_return(request: HttpRequest, election_id: str, payload: DecisionIn):
    """The upper union returns the result with a note (400 `note` when empty)."""
    election = access_election(actor=request.user, id=election_id, cap=Cap.ELECTIONS_APPROVE)
    return esvc.election_decide(actor=request.user, election=election, approve=False, note=payload.note)


class PaperIn(Schema):
    delegate_id: UUID


@router.post("/elections/{election_id}/paper-ballots", response={204: None, **ERRORS})
def paper_issue(request: HttpRequest, election_id: str, payload: PaperIn):
    """Hand a present delegate a paper ballot (409 `already_voted`, `not_present`)."""
    election = access_election(actor=request.user, id=election_id)
    delegate = next(
        (d for d in sel.congress_delegates(election.congress) if d.pk == payload.delegate_id), None
    )
    if delegate is None:
        raise NotFound(code="not_found")
    bsvc.paper_issue(actor=request.user, election=election, delegate=delegate)
    return Status(204, None)


class TellerIn(Schema):
    ballots: list[list[str]] = Field(..., max_length=bsvc.MAX_PAPER)


class TellerOut(Schema):
    status: Literal["waiting", "accepted"]
    ballots: int


@router.post("/elections/{election_id}/teller-entries", response={200: TellerOut, **ERRORS})
def teller_entry(request: HttpRequest, election_id: str, payload: TellerIn):
    """A teller enters every paper ballot (candidate ids); a second teller's matching entry
    stores them (409 `teller_mismatch`, `same_teller`, `too_many_ballots`)."""
    election = access_election(actor=request.user, id=election_id, cap=Cap.ELECTIONS_TELLER)
    return bsvc.teller_enter(actor=request.user, election=election, ballots=payload.ballots)


class ResultRow(Schema):
    candidate_id: UUID
    name: str
    votes: int
    elected: bool
    runoff: bool


class ResultOut(Schema):
    election_id: UUID
    title: str
    status: str
    seats: int
    delegates: int
    present: int
    cast: int
    valid: int
    needed: int = Field(description="More than half of ALL delegates.")
    vacant: int
    runoff_seats: int
    candidates: list[ResultRow]


@router.get("/elections/{election_id}/result", response={200: ResultOut, **ERRORS})
def election_result(request: HttpRequest, election_id: str):
    """The counted result; 409 `quorum_not_met` when not more than two thirds of all delegates
    were present, `invalid_transition` before the count."""
    election = access_election(actor=request.user, id=election_id)
    return sel.election_result(election)


@router.get("/elections/{election_id}/result.pdf", response={200: None, **ERRORS})
def election_result_pdf(request: HttpRequest, election_id: str):
    """The result as an A4 PDF (same checks as the result)."""
    election = access_election(actor=request.user, id=election_id)
    body = result_pdf(
        result=sel.election_result(election),
        union=election.congress.org.name,
        congress=election.congress.title,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}.pdf"'
    return response


# --- the delegate's phone ------------------------------------------------------------------


class MyElectionOut(Schema):
    id: UUID
    title: str
    congress: str
    seats: int
    present: bool
    voted: bool
    candidates: list[Ref]


@router.get("/me/elections", response={200: list[MyElectionOut], **ERRORS})
def my_elections(request: HttpRequest):
    """Open votes where the caller holds a delegate seat."""
    return [
        {
            "id": e.pk,
            "title": e.title,
            "congress": e.congress.title,
            "seats": e.seats,
            "present": d.present,
            "voted": sel.has_voted(e, d),
            "candidates": [{"id": c.pk, "name": c.person.name} for c in sel.election_candidates(e)],
        }
        for e, d in sel.open_elections_for(user=request.user)
    ]


class BallotIn(Schema):
    choices: list[UUID] = Field(..., max_length=99, description="Candidate ids; at most as many as seats.")


@router.post("/elections/{election_id}/ballots", response={204: None, **ERRORS})
def cast_ballot(request: HttpRequest, election_id: str, payload: BallotIn):
    """Cast the caller's secret ballot. 204 with no body: nothing ties the answer to the ballot.
    404 unless the caller holds a delegate seat at the election's congress."""
    election, delegate = delegate_election(user=request.user, id=election_id)
    bsvc.ballot_cast(
        actor=request.user, election=election, delegate=delegate, choices=[str(c) for c in payload.choices]
    )
    return Status(204, None)
