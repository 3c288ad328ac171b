"""Reads of the accounts domain, already limited to what the actor may see."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org, Role, RoleGrant

from .models import User, UserKind
from .phones import is_mobile, normalize_phone, phone_index


def user_list(*, actor: Any, search: str = "") -> QuerySet[User]:
    """Staff accounts whose home unit lies in the actor's users.view scope; `search` matches the
    username or the name. Home unit and grants (with unit and role) are fetched alongside."""
    qs = User.objects.filter(scope_for(actor, Cap.USERS_VIEW).q("org"), kind=UserKind.STAFF)
    search = (search or "").strip()[:100]
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    grants = RoleGrant.objects.select_related("org", "role").order_by("org__path")
    return qs.select_related("org").prefetch_related(Prefetch("grants", queryset=grants)).order_by("username")


def grant_list(*, user: User) -> QuerySet[RoleGrant]:
    """The grants of an account the caller has already access-checked."""
    return (
        RoleGrant.objects.filter(user=user).select_related("org", "role").order_by("org__path", "role__code")
    )


def orgs_where(*, actor: Any, cap: str) -> QuerySet[Org]:
    """Active units where `actor` holds `cap`: the choices for a home unit or a grant's unit."""
    return Org.objects.filter(scope_for(actor, cap).q(""), status="active").order_by("path")


def role_choices() -> QuerySet[Role]:
    return Role.objects.order_by("code")


def staff_account_find(*, who: str) -> User | None:
    """The active staff account named by its login name or, failing that, its mobile phone
    (exact, through the blind index); None when there is none. Used where a manager links an
    existing account (an expert's login, a merchant's cashier); the linking service checks the
    manager's rights."""
    who = (who or "").strip()
    staff = User.objects.filter(kind=UserKind.STAFF, is_active=True)
    user = staff.filter(username=who).first()
    if user is None and is_mobile(normalize_phone(who)):
        user = staff.filter(phone_index=phone_index(normalize_phone(who))).first()
    return user


def active_user(id: Any) -> User | None:
    """The active account with this id, or None (a login half-way through: the account may have
    been deactivated meanwhile)."""
    return User.objects.filter(pk=id, is_active=True).first()
