"""Row-level access to cases (SECURITY.md "Scope").

- A case is placed by `case.org`. Staff reach it with cases.view (reading), cases.handle
  (steps, notes of hardship and legal cases) on that unit or above; cases.approve on the unit
  above the case's unit approves a hardship file.
- The assigned handler (`case.handler`, e.g. a lawyer, mediator or counsellor of the expert
  pool) reaches the cases assigned to them now, and no other: an expert's grants give them no
  case at all (`expert.work` is not `cases.view`); reassigned, they lose it on the next request.
- The worker a case is about reaches it as its owner (their own cases, /me/cases).
- Notes of a counselling case (and screening answers) are the assigned counsellor's alone:
  404 for everyone else, the province administrator included. Restricted notes of other kinds
  likewise; internal notes go to cases.handle holders in scope and the handler.

Reading a case's detail never answers 403 (its existence does not leak): 404 unless seen."""

from typing import Any

from django.db.models import Q

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap

from .enums import CaseKind
from .models import Case

RELATED = ("org", "person", "handler", "handler_expert", "applicant")


def _get(id: Any) -> Case:
    pk = parse_uuid(id)
    case = Case.objects.select_related(*RELATED).filter(pk=pk).first() if pk else None
    if case is None:
        raise NotFound(code="not_found")
    return case


def is_handler(actor: Any, case: Case) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and case.handler_id and case.handler_id == actor.pk)


def is_owner(actor: Any, case: Case) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if case.applicant_id == actor.pk:
        return True
    return case.person is not None and case.person.user_id == actor.pk


def can_view(actor: Any, case: Case) -> bool:
    return (
        is_handler(actor, case)
        or is_owner(actor, case)
        or scope_for(actor, Cap.CASES_VIEW).contains(case.org)
    )


def access_case(*, actor: Any, id: Any, write: bool = False) -> Case:
    """The case for reading (any who may see it; else 404) or, with `write`, for staff work
    (cases.handle on its unit: 404 outside scope, 403 inside without it; the handler passes)."""
    case = _get(id)
    if not write:
        if not can_view(actor, case):
            raise NotFound(code="not_found")
        return case
    if is_handler(actor, case):
        return case
    check(actor, Cap.CASES_HANDLE, case.org)
    return case


def require_step(actor: Any, case: Case, who: str) -> None:
    """May `actor` take a step declared with `who` (casework.kinds)? 404/403 otherwise. `None`
    is the system (the demo seed, periodic jobs)."""
    if actor is None:
        return
    if who == "owner":
        if is_owner(actor, case):
            return
        raise NotFound(code="not_found") if not can_view(actor, case) else PermissionDenied()
    if who == "handler":
        if is_handler(actor, case):
            return
        raise NotFound(code="not_found") if not can_view(actor, case) else PermissionDenied()
    if who == "either" and is_handler(actor, case):
        return
    in_scope = scope_for(actor).contains(case.org)
    if not in_scope:
        if can_view(actor, case):  # the handler or the owner, on a step that is not theirs
            raise PermissionDenied()
        raise NotFound(code="not_found")
    if who == "approver":
        upper = case.org.parent if case.org.parent_id else case.org
        if not scope_for(actor, Cap.CASES_APPROVE).contains(upper):
            raise PermissionDenied()
        return
    check(actor, Cap.CASES_HANDLE, case.org)


def access_notes(*, actor: Any, id: Any) -> Case:
    """The case whose notes `actor` may read and add to: a counselling case's assigned
    counsellor only (404 for everyone else); for other kinds the handler or cases.handle in
    scope (404 outside it, 403 inside without the capability)."""
    case = _get(id)
    if is_handler(actor, case):
        return case
    if case.kind == CaseKind.COUNSELLING:
        raise NotFound(code="not_found")
    if not scope_for(actor).contains(case.org):
        raise NotFound(code="not_found")
    check(actor, Cap.CASES_HANDLE, case.org)
    return case


def access_attachments(*, actor: Any, id: Any) -> tuple[Case, bool]:
    """The case whose attachments `actor` may work with, and whether they see all of them:
    the notes' readers (access_notes) see and add all; the worker a hardship or legal case is
    about adds their own evidence and sees only what they uploaded (a counselling booking takes
    none). 404 for anyone else (403 inside scope without cases.handle, as access_notes)."""
    case = _get(id)
    if case.kind != CaseKind.COUNSELLING and is_owner(actor, case) and not is_handler(actor, case):
        return case, False
    return access_notes(actor=actor, id=id), True


def visible_q(actor: Any) -> Q:
    """Cases `actor` may see in lists: in their cases.view scope, or assigned to them."""
    q = scope_for(actor, Cap.CASES_VIEW).q("org")
    if getattr(actor, "is_authenticated", False):
        q |= Q(handler=actor)
    return q


def find_case(id: Any) -> Case:
    """The case by id with its relations, unchecked (services check who may take a step);
    404 for a missing or malformed id."""
    return _get(id)
