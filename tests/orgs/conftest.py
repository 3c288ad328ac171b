import pytest

from zhijia.accounts.services import user_create
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant


@pytest.fixture
def make_user(db):
    """make_user("name", role="viewer", org=unit, include_subtree=True) -> a staff user with that grant."""

    def make(username: str, *, role: str, org, include_subtree: bool = True):
        user = user_create(actor=None, username=username, password="Zx-test-pass-1", org=org)
        role_grant(
            actor=None, user=user, org=org, role=Role.objects.get(code=role), include_subtree=include_subtree
        )
        return user

    return make
