"""The one permission layer. Every object access goes through `check()` (via the per-entity
`access_<entity>` helpers); every list goes through `Scope.q()`.

Rules (SECURITY.md): an object outside all of the actor's grants answers 404, so existence does
not leak; inside some grant but without the capability answers 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.errors import NotFound, PermissionDenied

from .models import Org, RoleGrant
from .tree import subtree_q


@dataclass(frozen=True)
class Scope:
    subtree_paths: tuple[str, ...]
    exact_paths: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.subtree_paths or self.exact_paths)

    def q(self, field: str = "org") -> Q:
        """Q limiting a queryset to rows whose `field` (an FK to Org, or "" for Org itself) is in scope."""
        path_field = f"{field}__path" if field else "path"
        if self.empty:
            return Q(pk__in=[])
        cond = Q()
        for path in self.subtree_paths:
            cond |= subtree_q(path, path_field)
        if self.exact_paths:
            cond |= Q(**{f"{path_field}__in": self.exact_paths})
        return cond

    def contains(self, org: Org | None) -> bool:
        if org is None:
            return False
        return org.path in self.exact_paths or any(org.path.startswith(p) for p in self.subtree_paths)


def grants_of(user: Any) -> list[RoleGrant]:
    """The user's grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_zhijia_grants", None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user=user, org__status="active")
            .select_related("org", "role")
            .order_by("org__path")
        )
        user._zhijia_grants = cached
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, "_zhijia_grants"):
        del user._zhijia_grants


def capabilities_of(user: Any) -> set[str]:
    return {cap for g in grants_of(user) for cap in g.role.capabilities}


def scope_for(user: Any, cap: str | None = None) -> Scope:
    """Where `user` holds `cap` (or any role at all, when cap is None)."""
    subtree: list[str] = []
    exact: list[str] = []
    for g in grants_of(user):
        if cap is None or cap in g.role.capabilities:
            (subtree if g.include_subtree else exact).append(g.org.path)
    subtree = _outermost(subtree)
    exact = [p for p in exact if not any(p.startswith(s) for s in subtree)]
    return Scope(tuple(subtree), tuple(sorted(set(exact))))


def _outermost(paths: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(o) for o in out):
            out.append(p)
    return out


def has_cap(user: Any, cap: str) -> bool:
    return cap in capabilities_of(user)


def require_cap(user: Any, cap: str) -> None:
    """For actions not tied to one object (e.g. opening a list page)."""
    if not has_cap(user, cap):
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")


def check(user: Any, cap: str, org: Org | None, *, obj: Any = None) -> None:
    """Raise NotFound outside every grant, PermissionDenied inside without `cap`."""
    if not scope_for(user).contains(org):
        raise NotFound(code="not_found")
    if not scope_for(user, cap).contains(org):
        raise PermissionDenied(code="permission_denied")
