"""The permission matrix (SECURITY.md "Scope"): every route × the demo cast × units at every
position (own unit, ancestor, descendant, sibling, other city), against an independent reference.

Routes come from the URL resolver, so a new route without an entry in tests/matrix/table.py
fails here. A denied request must change no row (audit entries aside) and send no SMS.
"""

import copy
import hashlib
import re

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.matrix import reference
from tests.matrix.routes import all_routes
from tests.matrix.table import DOMAINS, ROUTES
from tests.matrix.world import build
from zhijia.accounts import sms
from zhijia.accounts.models import ApiToken, User, UserKind
from zhijia.accounts.tokens import token_issue
from zhijia.core.models import ImportJob
from zhijia.demo.seed import CAST
from zhijia.members.models import JoinApplication, Membership, Transfer
from zhijia.members.selectors.ledgers import MEMBER_IMPORT_KIND
from zhijia.orgs.models import Org, RoleGrant

DENIED = {401, 403, 404}

# The module holds one transaction open for its whole run (see `matrix`): on PostgreSQL that holds
# back the cluster-wide horizon of the station change feed, whose tests share this group so that
# xdist runs them in the same process, never beside it.
pytestmark = pytest.mark.xdist_group("long_transaction")


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
        list(Membership.objects.order_by("pk").values_list("pk", "status", "org_id", "updated_at")),
        list(JoinApplication.objects.order_by("pk").values_list("pk", "status", "org_id")),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        len(sms.outbox),
        *[domain.snapshot() for domain in DOMAINS],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The demo, the matrix world and the cast's clients, built once per test process in a
    transaction that is rolled back at the end of the module: each route's test then runs in
    its own savepoint inside it (pytest-django's `db`), and each request in one more."""
    import time_machine

    from tests.conftest import PINNED_NOW, seed_demo

    with django_db_blocker.unblock(), time_machine.travel(PINNED_NOW, tick=True):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo = seed_demo()
            reference.reset()
            world = build(demo, MEMBER_IMPORT_KIND)
            yield demo, world, _clients(demo)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _url(pattern: str, unit: dict, check, world) -> str:
    """Fill the pattern's parameters with the objects of `unit` (`<pk>` means `check.target`)."""
    target = world["consent"] if check.target == "consent" else unit[check.target]
    values = {
        "org_id": unit["org"].pk,
        "pk": target.pk,
        "entry_id": unit["audit"].pk,
        "entry_key": unit["audit"].key,
        "key": unit["audit"].key,
        "grant_id": unit["grant"].pk,
        "membership_id": unit["membership"].pk,
        "app_id": unit["application"].pk,
        "transfer_id": unit["transfer"].pk,
        "family_pk": unit["family"].pk,
        "field": "id_number",
        **unit["url_values"],
    }
    if check.target == "grant":
        values["pk"] = unit["user"].pk
    if check.target == "family":
        values["pk"] = unit["membership"].pk
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern)


def _request(client, check, url, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if check.api:
        return (
            getattr(client, check.method)(url, body, content_type="application/json", headers=headers)
            if check.method != "get"
            else client.get(url, body, headers=headers)  # a GET's body is its query string
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
def test_route(pattern, matrix, db):
    _demo, world, (actors, worker) = matrix
    anonymous = Client()
    for check in ROUTES[pattern]:
        units = list(world["per_unit"].values())
        for unit in units if check.kind == "rule" else units[:1]:
            url = _url(pattern, unit, check, world)
            objs = {**world, **unit, "new_parent": unit["org"].parent or unit["org"]}
            body = check.body(unit["org"], objs)
            _check_anonymous(check, anonymous, url, body)
            if check.kind in {"public", "absent"}:
                continue
            for user, client, token in [*actors, worker]:
                is_worker = user.kind == UserKind.WORKER
                if check.kind == "rule":
                    # the console sends non-staff to its login page
                    expected = 302 if is_worker and not check.api else check.rule(user, unit["org"], objs)
                elif check.kind == "staff":
                    expected = 302 if is_worker and not check.api else None
                elif check.kind == "worker":
                    expected = None if is_worker else 302
                elif check.kind == "own":  # the caller's own things: any answer but an error
                    expected = "own"
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


WRITES = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.IGNORECASE)
# Tables a denied request may write (the audit of the denial, the session's last activity).
UNWATCHED = {"core_auditentry", "django_session"}


def _check_one(pattern, check, user, client, token, url, body, expected):
    def run():
        """A request that writes no table but the audit and the session changed no row; one that did is judged
        by the digest of the rows after it and, once its savepoint is rolled back, before it
        (the digest costs some thirty queries: taken only when it can tell something)."""
        writes = []

        def spy(execute, sql, params, many, context):
            write = WRITES.match(sql)
            if write and write.group(1) not in UNWATCHED:
                writes.append(sql)
            return execute(sql, params, many, context)

        sent, cookies = len(sms.outbox), copy.deepcopy(client.cookies)
        savepoint = transaction.savepoint()
        with connection.execute_wrapper(spy):
            response = _request(client, check, url, body, token if check.api else None)
        client.cookies = cookies  # the clients serve every route: a logout here logs no one out there
        changed = len(sms.outbox) != sent
        if writes and expected in DENIED and not changed:
            after = snapshot()
            transaction.savepoint_rollback(savepoint)
            changed = snapshot() != after
        return response, changed

    response, changed = _expect_rolled_back(run)
    where = f"{check.method.upper()} {pattern} as {user.username}: {url}"
    if expected == "own":  # 404 when they have none; staff are sent to the H5 login
        assert response.status_code < 500 and response.status_code not in {401, 403}, (
            where,
            response.status_code,
        )
    elif expected is None:
        assert response.status_code < 500 and response.status_code not in DENIED, (
            where,
            response.status_code,
        )
    else:
        assert response.status_code == expected, (where, response.status_code, expected)
        if expected in DENIED:
            assert not changed, f"{where}: a denied request changed data"
