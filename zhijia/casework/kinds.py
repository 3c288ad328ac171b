"""The kinds of case, declared in code: each has its own states, TRANSITIONS and steps.

A step names its target state (None: the case stays where it is, e.g. a help payment or a
session) and who may take it:

- "staff":    cases.handle on the case's unit
- "approver": cases.approve on the unit above the case's unit (建档 is approved upstream)
- "handler":  the assigned handler only (a counsellor's session, a mediator's agreement)
- "either":   the assigned handler or cases.handle on the case's unit
- "owner":    the worker the case is about (screening answers, cancelling a booking)

Services check `TRANSITIONS[kind][status]` before every step (409 invalid_transition)."""

from dataclasses import dataclass

from .enums import CaseKind, CaseStatus

S = CaseStatus


@dataclass(frozen=True)
class Step:
    target: str | None  # None: stays in the current state
    who: str
    sources: tuple[str, ...]  # the states the step starts from


HARDSHIP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.APPLIED: (S.SCREENED, S.REJECTED),
    S.SCREENED: (S.VISITED, S.REJECTED),
    S.VISITED: (S.PUBLICISED, S.REJECTED),
    S.PUBLICISED: (S.FILED, S.REJECTED),
    S.FILED: (S.EXITED,),
    S.EXITED: (S.FILED,),  # 返困: the file reopens
    S.REJECTED: (S.APPLIED,),  # reopened for a fresh check
}
LEGAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.ASSIGNED, S.CLOSED),
    S.ASSIGNED: (S.ASSIGNED, S.IN_PROGRESS, S.REFERRED, S.CLOSED),
    S.IN_PROGRESS: (S.ASSIGNED, S.AGREED, S.FAILED, S.CLOSED),
    S.AGREED: (S.CLOSED,),
    S.FAILED: (S.REFERRED, S.CLOSED),
    S.REFERRED: (S.CLOSED,),
    S.CLOSED: (S.ASSIGNED, S.RECEIVED),  # reopened (back with its handler, if it had one)
}
COUNSELLING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.BOOKED: (S.ASSIGNED, S.CANCELLED),
    S.ASSIGNED: (S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED, S.CLOSED),
    S.IN_PROGRESS: (S.ASSIGNED, S.REFERRED, S.CLOSED),
    S.REFERRED: (S.CLOSED,),
    S.CLOSED: (S.ASSIGNED, S.BOOKED),  # reopened (back with its counsellor, if it had one)
    S.CANCELLED: (),
}

HARDSHIP_STEPS: dict[str, Step] = {
    "screen": Step(S.SCREENED, "staff", (S.APPLIED,)),  # 初审
    "visit": Step(S.VISITED, "staff", (S.SCREENED,)),  # 入户核查
    "publicise": Step(S.PUBLICISED, "staff", (S.VISITED,)),  # 公示
    "answer": Step(None, "staff", (S.PUBLICISED,)),  # answer an objection
    "approve": Step(S.FILED, "approver", (S.PUBLICISED,)),  # 建档 by the upper union
    "reject": Step(S.REJECTED, "staff", (S.APPLIED, S.SCREENED, S.VISITED, S.PUBLICISED)),
    "help": Step(None, "staff", (S.FILED,)),  # a help record against a fund
    "review": Step(None, "staff", (S.FILED,)),  # the yearly 复核
    "close": Step(S.EXITED, "staff", (S.FILED,)),  # 脱困退档
    "reopen": Step(None, "staff", (S.EXITED, S.REJECTED)),  # 返困 (→ filed) / fresh check (→ applied)
}
LEGAL_STEPS: dict[str, Step] = {
    "assign": Step(S.ASSIGNED, "staff", (S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS)),
    "session": Step(S.IN_PROGRESS, "either", (S.ASSIGNED, S.IN_PROGRESS)),  # consultation / mediation
    "agree": Step(S.AGREED, "either", (S.IN_PROGRESS,)),  # 调解协议书
    "fail": Step(S.FAILED, "either", (S.IN_PROGRESS,)),
    "award": Step(None, "either", (S.REFERRED, S.CLOSED)),  # the arbitration award was received
    "refer": Step(S.REFERRED, "either", (S.ASSIGNED, S.FAILED)),
    "close": Step(
        S.CLOSED, "either", (S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.AGREED, S.FAILED, S.REFERRED)
    ),
    "reopen": Step(None, "staff", (S.CLOSED,)),  # → assigned (with its handler) or back to the start
}
COUNSELLING_STEPS: dict[str, Step] = {
    "assign": Step(S.ASSIGNED, "staff", (S.BOOKED, S.ASSIGNED, S.IN_PROGRESS)),
    "screening": Step(None, "owner", (S.BOOKED, S.ASSIGNED, S.IN_PROGRESS)),  # PHQ-9 / GAD-7
    "session": Step(S.IN_PROGRESS, "handler", (S.ASSIGNED, S.IN_PROGRESS)),
    "refer": Step(S.REFERRED, "handler", (S.IN_PROGRESS,)),
    "close": Step(S.CLOSED, "handler", (S.ASSIGNED, S.IN_PROGRESS, S.REFERRED)),
    "cancel": Step(S.CANCELLED, "owner", (S.BOOKED, S.ASSIGNED)),
    "reopen": Step(None, "staff", (S.CLOSED,)),  # → assigned (with its handler) or back to the start
}


@dataclass(frozen=True)
class Kind:
    code: str
    initial: str
    transitions: dict[str, tuple[str, ...]]
    steps: dict[str, Step]
    open_states: tuple[str, ...]  # counted as open (not finished)


KINDS: dict[str, Kind] = {
    CaseKind.HARDSHIP: Kind(
        CaseKind.HARDSHIP,
        S.APPLIED,
        HARDSHIP_TRANSITIONS,
        HARDSHIP_STEPS,
        (S.APPLIED, S.SCREENED, S.VISITED, S.PUBLICISED, S.FILED),
    ),
    CaseKind.LEGAL: Kind(
        CaseKind.LEGAL,
        S.RECEIVED,
        LEGAL_TRANSITIONS,
        LEGAL_STEPS,
        (S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.AGREED, S.FAILED, S.REFERRED),
    ),
    CaseKind.COUNSELLING: Kind(
        CaseKind.COUNSELLING,
        S.BOOKED,
        COUNSELLING_TRANSITIONS,
        COUNSELLING_STEPS,
        (S.BOOKED, S.ASSIGNED, S.IN_PROGRESS, S.REFERRED),
    ),
}


def reopen_target(kind: str, status: str, has_handler: bool) -> str:
    if kind == CaseKind.HARDSHIP:
        return S.FILED if status == S.EXITED else S.APPLIED
    return S.ASSIGNED if has_handler else KINDS[kind].initial


def step_target(kind: str, step: str, status: str, has_handler: bool = True) -> str:
    spec = KINDS[kind].steps[step]
    if step == "reopen":
        return reopen_target(kind, status, has_handler)
    return spec.target or status


def allowed(kind: str, step: str, status: str, has_handler: bool = True) -> bool:
    """The step exists for the kind, starts from `status`, and the move is in TRANSITIONS."""
    spec = KINDS[kind].steps.get(step)
    if spec is None or status not in spec.sources:
        return False
    target = step_target(kind, step, status, has_handler)
    return target == status or target in KINDS[kind].transitions.get(status, ())
