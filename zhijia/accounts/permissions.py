"""Access to accounts: through the one permission layer (orgs.access.check) on the user's home
unit (User.org). Accounts without a home unit (workers) are never reachable from the console."""

from typing import Any

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import check
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import RoleGrant

from .models import User, UserKind


def access_user(*, actor: Any, id: Any, write: bool = False, cap: str | None = None) -> User:
    """The staff account `id` if `actor` may see it (users.view on its home unit) or change it
    (write: users.manage; or the explicit `cap`, e.g. users.security). 404 when missing or outside
    every grant of the actor, 403 inside without the capability."""
    user = None
    if parse_uuid(id):
        user = User.objects.select_related("org").filter(pk=id, kind=UserKind.STAFF).first()
    if user is None or user.org is None:
        raise NotFound(code="not_found")
    check(actor, Cap.USERS_VIEW, user.org)
    needed = cap or (Cap.USERS_MANAGE if write else None)
    if needed:
        check(actor, needed, user.org)
    return user


def access_grant(*, actor: Any, user: User, id: Any) -> RoleGrant:
    """A grant of `user` (already access-checked) that `actor` may revoke: roles.grant on the
    grant's unit. 404 when it is not this user's grant or lies outside the actor's scope."""
    grant = None
    if parse_uuid(id):
        grant = RoleGrant.objects.select_related("org", "role", "user").filter(pk=id, user=user).first()
    if grant is None:
        raise NotFound(code="not_found")
    check(actor, Cap.ROLES_GRANT, grant.org)
    return grant
