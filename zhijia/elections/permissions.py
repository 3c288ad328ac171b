"""Access to congresses and elections: 404 for a missing / malformed id or one outside every
grant of the actor, 403 inside without the capability (orgs.access.check), always on the
congress's union — except approving a result, which is checked on its upper union."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap

from .models import Committee, Congress, Delegate, Election


def _get(qs, id: Any):
    pk = parse_uuid(id)
    obj = qs.filter(pk=pk).first() if pk else None
    if obj is None:
        raise NotFound(code="not_found")
    return obj


def access_committee(*, actor: Any, id: Any, cap: str = Cap.ELECTIONS_MANAGE) -> Committee:
    committee = _get(Committee.objects.select_related("org"), id)
    check(actor, cap, committee.org)
    return committee


def access_congress(*, actor: Any, id: Any, cap: str = Cap.ELECTIONS_MANAGE) -> Congress:
    congress = _get(Congress.objects.select_related("org"), id)
    check(actor, cap, congress.org)
    return congress


def access_delegate(*, actor: Any, id: Any, cap: str = Cap.ELECTIONS_MANAGE) -> Delegate:
    delegate = _get(Delegate.objects.select_related("congress__org", "person", "unit"), id)
    check(actor, cap, delegate.congress.org)
    return delegate


def access_election(*, actor: Any, id: Any, cap: str = Cap.ELECTIONS_MANAGE) -> Election:
    """`elections.approve` is checked on the upper union (where the result is sent); anything
    else on the congress's union. A union without a parent has nobody to approve: 404."""
    election = _get(Election.objects.select_related("congress__org__parent", "runoff_of"), id)
    org = election.congress.org
    if cap == Cap.ELECTIONS_APPROVE:
        if org.parent is None:
            raise NotFound(code="not_found")
        check(actor, cap, org.parent)
    else:
        check(actor, cap, org)
    return election


def delegate_of(*, user: Any, election: Election) -> Delegate:
    """The delegate seat of `user` (through their member record) at the election's congress."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound(code="not_found")
    delegate = (
        Delegate.objects.select_related("person", "congress")
        .filter(congress_id=election.congress_id, person__user=user)
        .first()
    )
    if delegate is None:
        raise NotFound(code="not_a_delegate")
    return delegate


def delegate_election(*, user: Any, id: Any) -> tuple[Election, Delegate]:
    """An election and the caller's delegate seat at its congress; 404 for anyone without one
    (the election's existence does not leak)."""
    election = _get(Election.objects.select_related("congress"), id)
    return election, delegate_of(user=user, election=election)
