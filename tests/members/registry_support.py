"""Shared fixtures of the registry, card and rights tests (no tests here)."""

import pytest

from zhijia.accounts.services import user_create, worker_for_phone
from zhijia.core.validators.identity import gb11643_check
from zhijia.members.models import Person
from zhijia.members.services.registry import member_register
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant


def cn_id(birth: str = "19900307", seq: str = "123", region: str = "440304") -> str:
    first = region + birth + seq
    return first + gb11643_check(first)


def person_data(**overrides) -> dict:
    data = {
        "name": "张三",
        "id_type": "cn_resident",
        "id_number": cn_id(),
        "phone": "13912345678",
        "occupation": "delivery_rider",
    }
    data.update(overrides)
    return data


@pytest.fixture
def register(demo):
    """register("河套科创工会", name=..., id_number=...) -> a membership entered by shenzhen_admin."""

    def make(org: str = "河套科创工会", **overrides):
        return member_register(
            actor=demo.user("shenzhen_admin"), org=demo.org(org), data=person_data(**overrides)
        )

    return make


@pytest.fixture
def grant_user(demo):
    """grant_user("name", role="viewer", org="福田区总") -> a staff user with that one grant."""

    def make(username: str, *, role: str, org: str, include_subtree: bool = True):
        user = user_create(actor=None, username=username, password="Zx-test-pass-1", org=demo.org(org))
        role_grant(
            actor=None,
            user=user,
            org=demo.org(org),
            role=Role.objects.get(code=role),
            include_subtree=include_subtree,
        )
        return user

    return make


@pytest.fixture
def worker_member(register):
    """A worker account (phone login) linked to a person with an active membership."""

    def make(phone: str = "13700000002", **overrides):
        membership = register(phone=phone, **overrides)
        worker = worker_for_phone(phone=phone)
        Person.objects.filter(pk=membership.person_id).update(user=worker)
        membership.refresh_from_db()
        return worker, membership

    return make
