"""The permission matrix (SECURITY.md "Scope"): every route × the demo cast × units at every
position (own unit, ancestor, descendant, sibling, other city), against an independent reference.

Routes come from the URL resolver, so a new route without an entry in tests/matrix/table.py
fails here. A denied request must change no row (audit entries aside) and send no SMS.
"""

import hashlib
import re

import pytest
from django.db import transaction
from django.test import Client

from tests.matrix import reference
from tests.matrix.routes import all_routes
from tests.matrix.table import ROUTES
from zhijia.accounts import sms
from zhijia.accounts.models import ApiToken, User, UserKind
from zhijia.accounts.services import user_create
from zhijia.accounts.tokens import token_issue
from zhijia.core.audit import audit_log
from zhijia.core.models import ImportJob
from zhijia.demo.seed import CAST
from zhijia.orgs.models import Org, Role, RoleGrant
from zhijia.orgs.permissions import ORG_IMPORT_KIND
from zhijia.orgs.services import role_grant

TARGETS = ["广东省总", "深圳市总", "福田区总", "福保街道", "河套科创工会", "宝安区总", "东莞市总"]
DENIED = {401, 403, 404}


def test_every_route_has_an_entry():
    routes = all_routes()
    assert routes - set(ROUTES) == set(), "add these routes to tests/matrix/table.py"
    assert set(ROUTES) - routes == set(), "these table entries name routes that no longer exist"


def snapshot() -> str:
    """A digest of the rows a request could change (the audit trail excepted)."""
    parts = [
        list(
            Org.objects.order_by("pk").values_list(
                "pk", "name", "short_name", "status", "path", "level", "updated_at"
            )
        ),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "is_active", "password", "password_changed_at"
            )
        ),
        list(RoleGrant.objects.order_by("pk").values_list("pk", "role_id", "org_id", "include_subtree")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked")),
        list(ImportJob.objects.order_by("pk").values_list("pk", "status")),
        len(sms.outbox),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture
def world(demo):
    """Per target unit: a staff member at home there (with a grant to revoke), an import job
    and an audit entry in it; plus the roles and move destinations the table needs."""
    reference.reset()
    viewer = Role.objects.get(code="viewer")
    objs = {"viewer_role": viewer, "per_unit": {}}
    for i, short in enumerate(TARGETS):
        org = demo.org(short)
        member = user_create(actor=None, username=f"matrix-{i}", password=demo.password, org=org)
        grant = role_grant(actor=None, user=member, org=org, role=viewer)
        job = ImportJob.objects.create(
            kind=ORG_IMPORT_KIND, org=org, created_by=member, filename="x.xlsx", source=b""
        )
        entry = audit_log(actor=None, action="matrix.probe", org=org)
        objs["per_unit"][short] = {"org": org, "user": member, "grant": grant, "import": job, "audit": entry}
    return objs


def _url(pattern: str, unit: dict, check) -> str:
    target = unit[check.target] if check.target != "org" else unit["org"]
    values = {
        "org_id": unit["org"].pk,
        "pk": target.pk,
        "entry_id": unit["audit"].pk,
        "grant_id": unit["grant"].pk,
    }
    if check.target == "grant":
        values["pk"] = unit["user"].pk
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern)


def _request(client, check, url, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if check.api:
        return (
            getattr(client, check.method)(url, body, content_type="application/json", headers=headers)
            if check.method != "get"
            else client.get(url, headers=headers)
        )
    return getattr(client, check.method)(url, body)  # for GET, the body is the query string


def _clients(demo):
    actors = []
    for username in CAST:
        user = demo.user(username)
        client = Client()
        client.force_login(user)
        actors.append((user, client, token_issue(user=user)[0]))
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    worker_client = Client()
    worker_client.force_login(worker)
    return actors, (worker, worker_client, token_issue(user=worker)[0])


def _expect_rolled_back(fn):
    """Run one request in a savepoint that is always rolled back, so checks stay independent."""
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("pattern", sorted(ROUTES))
def test_route(pattern, world, demo):
    actors, worker = _clients(demo)
    anonymous = Client()
    for check in ROUTES[pattern]:
        units = list(world["per_unit"].values())
        for unit in units if check.kind == "rule" else units[:1]:
            url = _url(pattern, unit, check)
            body = check.body(unit["org"], {**world, "new_parent": unit["org"].parent or unit["org"]})
            _check_anonymous(check, anonymous, url, body)
            if check.kind in {"public", "absent"}:
                continue
            for user, client, token in [*actors, worker]:
                is_worker = user.kind == UserKind.WORKER
                if check.kind == "rule":
                    if is_worker and not check.api:
                        expected = 302  # the console sends non-staff to its login page
                    else:
                        expected = check.rule(
                            user, unit["org"], {**world, "new_parent": unit["org"].parent or unit["org"]}
                        )
                elif check.kind == "staff":
                    expected = 302 if is_worker and not check.api else None
                elif check.kind == "worker":
                    expected = None if is_worker else 302
                else:  # anonymous-only pages open for everyone
                    expected = None
                _check_one(pattern, check, user, client, token, url, body, expected)


def _check_anonymous(check, client, url, body):
    response = _expect_rolled_back(lambda: _request(client, check, url, body))
    if check.kind == "absent":
        assert response.status_code == 404, (url, response.status_code)
    elif check.kind in {"public", "anonymous"}:
        assert response.status_code < 500 and response.status_code not in DENIED, (url, response.status_code)
    else:
        assert response.status_code == (401 if check.api else 302), (url, response.status_code)


def _check_one(pattern, check, user, client, token, url, body, expected):
    def run():
        before = snapshot()
        response = _request(client, check, url, body, token if check.api else None)
        changed = snapshot() != before
        return response, changed

    response, changed = _expect_rolled_back(run)
    where = f"{check.method.upper()} {pattern} as {user.username}: {url}"
    if expected is None:
        assert response.status_code < 500 and response.status_code not in DENIED, (
            where,
            response.status_code,
        )
    else:
        assert response.status_code == expected, (where, response.status_code, expected)
        if expected in DENIED:
            assert not changed, f"{where}: a denied request changed data"


def test_futian_staff_sees_fubao_not_baoan_through_api_and_console(demo, api_client):
    """The issue's headline case, spelt out."""
    fubao, baoan = demo.org("福保街道"), demo.org("宝安区总")
    api = api_client.login("futian_staff")
    console = Client()
    console.force_login(demo.user("futian_staff"))
    assert api.get(f"/api/v1/orgs/{fubao.pk}").status_code == 200
    assert api.get(f"/api/v1/orgs/{baoan.pk}").status_code == 404
    assert console.get(f"/console/orgs/{fubao.pk}/").status_code == 200
    assert console.get(f"/console/orgs/{baoan.pk}/").status_code == 404
