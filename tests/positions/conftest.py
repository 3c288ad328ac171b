"""Fixtures for positions tests: `make_position(org_short, **fields)` creates a station through
the service (as province_admin, who manages every unit)."""

import pytest
from django.core.cache import cache

from zhijia.positions.services import position_create

# A quiet area (川西) far from any seeded station, so finder tests see only their own stations.
BASE_LAT, BASE_LNG = 30.0, 100.0


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_position(demo):
    admin = demo.user("province_admin")
    counter = {"n": 0}

    def make(org_short="福田区总", **fields):
        counter["n"] += 1
        data = {
            "kind": "outdoor_station",
            "name": f"测试驿站{counter['n']}",
            "address": f"测试路{counter['n']}号",
            "lat": BASE_LAT,
            "lng": BASE_LNG,
            **fields,
        }
        return position_create(actor=admin, org=demo.org(org_short), data=data)

    return make


@pytest.fixture
def user_with_role(demo):
    """A staff account holding `role` (code) on the unit `org_short` and its subtree."""
    from zhijia.accounts.services import user_create
    from zhijia.orgs.models import Role
    from zhijia.orgs.services import role_grant

    def make(username, role, org_short):
        org = demo.org(org_short)
        user = user_create(actor=None, username=username, password=demo.password, org=org)
        role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role))
        return user

    return make
