"""Permission-matrix entries for congresses and elections (merged into tests/matrix/table.ROUTES).

Everything is checked on the congress's union (elections.manage; paper entries
elections.teller): 404 outside scope, 403 inside without the capability. Approving or
returning a result is checked on the UPPER union (elections.approve there). The matrix
election is a draft, so allowed actors get 409 on most steps (never a denial). The secret
phone ballot and /me/elections answer only a delegate: nobody in the cast holds a seat, so the
ballot is 404 for everyone ("own")."""

from datetime import date

from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

E = "/api/v1/elections"
C = E + "/congresses/<congress_id>"
EID = E + "/<election_id>"
MANAGE, TELLER, APPROVE = Cap.ELECTIONS_MANAGE, Cap.ELECTIONS_TELLER, Cap.ELECTIONS_APPROVE


def _on(cap, method="get", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _upper(u, org, o):
    return scoped(u, APPROVE, org.parent)


def _candidates(org, objs):
    return [str(p.pk) for p in objs["el_people"][:3]]


ROUTES: dict = {
    E + "/committees": [
        Check("staff", api=True),
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {
                "org_id": str(org.pk),
                "kind": "committee",
                "title": "矩阵委员会",
                "seats": 5,
                "starts_on": "2026-01-01",
            },
        ),
    ],
    E + "/congresses": [
        Check("staff", api=True),
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {
                "org_id": str(org.pk),
                "title": "矩阵大会",
                "held_on": "2026-12-01",
                "seats": 5,
            },
        ),
    ],
    C: [_on(MANAGE)],
    C + "/allot": [_on(MANAGE, "post")],
    C + "/delegates": [
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {"unit_id": str(org.pk), "person_id": str(o["el_people"][4].pk)},
        )
    ],
    C + "/status": [_on(MANAGE, "post", body=lambda org, o: {"status": "closed"})],
    E + "/delegates/<delegate_id>/presence": [_on(MANAGE, "post", body=lambda org, o: {"present": True})],
    E: [
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {
                "congress_id": str(o["el_congress"].pk),
                "kind": "committee",
                "title": "矩阵选举",
                "seats": 2,
                "candidate_ids": _candidates(org, o),
            },
        )
    ],
    EID: [_on(MANAGE)],
    EID + "/open": [_on(MANAGE, "post")],
    EID + "/close": [_on(MANAGE, "post")],
    EID + "/submit": [_on(MANAGE, "post")],
    EID + "/runoff": [_on(MANAGE, "post")],
    EID + "/approve": [Check("rule", "post", api=True, rule=_upper, body=lambda org, o: {"note": "同意"})],
    EID + "/return": [Check("rule", "post", api=True, rule=_upper, body=lambda org, o: {"note": "退回"})],
    EID + "/paper-ballots": [
        _on(MANAGE, "post", body=lambda org, o: {"delegate_id": str(o["el_delegate"].pk)})
    ],
    EID + "/teller-entries": [_on(TELLER, "post", body=lambda org, o: {"ballots": []})],
    EID + "/result": [_on(MANAGE)],
    EID + "/result.pdf": [_on(MANAGE)],
    EID + "/ballots": [Check("own", "post", api=True, body=lambda org, o: {"choices": []})],
    "/api/v1/me/elections": [Check("own", api=True)],
}


def extend(unit: dict, demo) -> None:
    """A congress of the unit (preparing) with seats allotted and one delegate, members to be
    candidates, and a draft election from a 差额 list."""
    from tests.elections.support import members
    from zhijia.elections.services import congress as csvc
    from zhijia.elections.services import election as esvc

    org = unit["org"]
    people = members(org, 5, "矩阵候选")
    congress = csvc.congress_create(
        actor=None, org=org, title="矩阵代表大会", held_on=date(2026, 12, 1), seats=5
    )
    csvc.congress_allot(actor=None, congress=congress)
    delegate = csvc.delegate_add(actor=None, congress=congress, unit=org, person=people[3])
    election = esvc.election_create(
        actor=None, congress=congress, kind="committee", title="矩阵选举", seats=2, people=people[:3]
    )
    unit.update(el_people=people, el_congress=congress, el_delegate=delegate, el_election=election)
    unit["url_values"].update(congress_id=congress.pk, election_id=election.pk, delegate_id=delegate.pk)


def snapshot() -> list:
    from zhijia.elections.models import Ballot, Committee, Congress, Delegate, Election, TellerEntry, VoteMark

    return [
        list(Congress.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Delegate.objects.order_by("pk").values_list("pk", "present")),
        list(Election.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        Committee.objects.count(),
        VoteMark.objects.count(),
        Ballot.objects.count(),
        TellerEntry.objects.count(),
    ]
