"""Permission-matrix entries for the console and phone pages of congresses and elections and of
the workers' voice (merged into tests/matrix/table.ROUTES). The objects come from
table_elections.extend and table_voice.extend (el_*, vo_*).

Console: the congress, its delegates and elections need elections.manage on the congress's
union (paper ballots too; the tellers' entry elections.teller); an election's page and PDF are
open to its union (elections.manage) or else to the upper union (elections.approve there),
deciding needs elections.approve on the upper union. Consultations need voice.manage on the
consulting union (a union's opinion voice.opine there), the box opinions.reply. Phone: the
ballot page answers only a delegate (404 for the matrix worker: "own")."""

from zhijia.orgs.capabilities import Cap

from .reference import first, has, scoped
from .table import Check

M, TELLER, APPROVE = Cap.ELECTIONS_MANAGE, Cap.ELECTIONS_TELLER, Cap.ELECTIONS_APPROVE
VM, OPINE, REPLY = Cap.VOICE_MANAGE, Cap.VOICE_OPINE, Cap.OPINIONS_REPLY


def _on(cap, method="get", target="el_congress", **kw):
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _either(u, org, o):
    """The election's union (elections.manage), else the upper union (elections.approve)."""
    return None if scoped(u, M, org) is None else scoped(u, APPROVE, org.parent)


def _home(u, org, o):
    return None if has(u, M) is None or has(u, APPROVE) is None else 403


ROUTES: dict = {
    "/console/elections/": [Check("rule", rule=_home)],
    "/console/elections/congresses/<uuid:pk>/": [_on(M)],
    "/console/elections/congresses/<uuid:pk>/step/": [_on(M, "post", body=lambda org, o: {"action": "none"})],
    "/console/elections/congresses/<uuid:pk>/delegates/": [_on(M, "post", body=lambda org, o: {"unit": "x"})],
    "/console/elections/congresses/<uuid:pk>/elections/": [
        _on(M, "post", body=lambda org, o: {"title": "矩阵", "seats": "9", "kind": "committee"})
    ],
    "/console/elections/delegates/<uuid:pk>/presence/": [
        _on(M, "post", target="el_delegate", body=lambda org, o: {"present": "1"})
    ],
    "/console/elections/<uuid:pk>/": [Check("rule", target="el_election", rule=_either)],
    "/console/elections/<uuid:pk>/step/": [
        _on(M, "post", target="el_election", body=lambda org, o: {"action": "none"})
    ],
    "/console/elections/<uuid:pk>/paper/": [_on(M, "post", target="el_election")],
    "/console/elections/<uuid:pk>/teller/": [
        _on(TELLER, "post", target="el_election", body=lambda org, o: {"ballots": "1"})
    ],
    "/console/elections/<uuid:pk>/decide/": [
        Check(
            "rule",
            "post",
            target="el_election",
            rule=lambda u, org, o: scoped(u, APPROVE, org.parent),
            body=lambda org, o: {"decision": "approve"},
        )
    ],
    "/console/elections/<uuid:pk>/result.pdf": [Check("rule", target="el_election", rule=_either)],
    "/console/voice/": [Check("rule", rule=lambda u, org, o: has(u, VM))],
    "/console/voice/<uuid:pk>/": [_on(VM, target="vo_consultation")],
    "/console/voice/<uuid:pk>/step/": [
        _on(VM, "post", target="vo_consultation", body=lambda org, o: {"to": "closed"})
    ],
    "/console/voice/<uuid:pk>/sent/": [
        _on(
            VM,
            "post",
            target="vo_consultation",
            body=lambda org, o: {"sent_to": "x", "sent_on": "2026-01-01"},
        )
    ],
    "/console/voice/<uuid:pk>/union-opinion/": [
        _on(OPINE, "post", target="vo_consultation", body=lambda org, o: {"text": "矩阵"})
    ],
    "/console/voice/<uuid:pk>/report.xlsx": [_on(VM, target="vo_consultation")],
    "/console/voice/opinions/<uuid:pk>/": [
        _on(VM, "post", target="vo_opinion", body=lambda org, o: {"action": "tags", "tags": "矩阵"})
    ],
    "/console/voice/box/": [Check("rule", rule=lambda u, org, o: first(has(u, REPLY)))],
    "/console/voice/box/<uuid:pk>/reply/": [
        _on(REPLY, "post", target="vo_message", body=lambda org, o: {"reply": "矩阵"})
    ],
    "/h5/elections/": [Check("worker")],
    "/h5/elections/<uuid:pk>/": [
        Check("own", target="el_election"),
        Check("own", "post", target="el_election"),
    ],
    "/h5/voice/": [Check("worker")],
    "/h5/voice/mine/": [Check("worker")],
    "/h5/voice/box/": [
        Check("worker"),
        Check("worker", "post", body=lambda org, o: {"subject": "矩阵", "text": "x"}),
    ],
    "/h5/voice/<uuid:pk>/": [
        Check("worker", target="vo_consultation"),
        Check("worker", "post", target="vo_consultation", body=lambda org, o: {"text": "矩阵"}),
    ],
}


def extend(unit: dict, demo) -> None:
    """Nothing of its own: table_elections and table_voice made the objects."""


def snapshot() -> list:
    return []
