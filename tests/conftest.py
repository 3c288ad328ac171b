"""Shared fixtures: the demo tree and named cast (zhijia.demo), API and console clients."""

import datetime as dt
import itertools
import os
import random
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from zhijia.accounts.models import User
from zhijia.orgs.models import Org

from . import demo_snapshot, hypothesis_profiles

DEMO_PASSWORD = "Demo-pass-2026"

# Before any test module builds its settings objects (they inherit the loaded profile).
hypothesis_profiles.load()

# Every test but the browser tests starts at this moment, the clock then ticking: an ordinary
# Tuesday morning in Shanghai (02:00 UTC, the same date everywhere), mid-month, far from a year's
# end and from public holidays. No test depends on the day, hour or month the suite runs in; a
# test that needs another moment travels there itself (time_machine).
PINNED_NOW = dt.datetime(2026, 11, 17, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The demo seed is captured a little before (its rows are older than anything a test makes).
SEEDED_AT = PINNED_NOW - dt.timedelta(seconds=10)


@pytest.hookimpl(trylast=True)  # after hypothesis's own plugin has read --hypothesis-seed
def pytest_configure(config):
    config._zhijia_hypothesis_seed = hypothesis_profiles.choose_seed()


def _hypothesis_line(config) -> str:
    seed = getattr(config, "_zhijia_hypothesis_seed", None)
    name = hypothesis_profiles.profile_name()
    if seed is None:
        return f"hypothesis: profile {name} (derandomized)"
    return (
        f"hypothesis: profile {name}, seed {seed} (replay: HYPOTHESIS_PROFILE={name} HYPOTHESIS_SEED={seed})"
    )


def pytest_report_header(config):
    lines = [_hypothesis_line(config)]
    if shuffle := os.environ.get("ZHIJIA_TEST_SHUFFLE"):
        lines.append(f"test order shuffled with seed {shuffle} (ZHIJIA_TEST_SHUFFLE)")
    return lines


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "_zhijia_hypothesis_seed", None) is not None:  # shown under -q too
        terminalreporter.write_line(_hypothesis_line(config))


@pytest.hookimpl(tryfirst=True)  # before pytest-django's (stable) sort: db tests, then committing
def pytest_collection_modifyitems(config, items):
    # ZHIJIA_TEST_SHUFFLE=N runs the tests in an order shuffled by seed N (as pytest-randomly
    # would, which the project does not install): a test that passes only after another fails.
    if shuffle := os.environ.get("ZHIJIA_TEST_SHUFFLE"):
        random.Random(int(shuffle)).shuffle(items)
    for item in items:
        if "postgres" in item.keywords and os.environ.get("DATABASE_URL", "").split(":")[0] not in {
            "postgres",
            "postgresql",
        }:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    if request.node.get_closest_marker("e2e"):  # a real browser keeps the real time
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _sqlite_flush_past_audit_triggers():
    """Transactional tests end with Django's flush (DELETE FROM every table): on SQLite the
    append-only audit triggers (core migration 0004) are dropped for that statement and put back."""
    import importlib

    from django.db.backends.sqlite3.base import DatabaseOperations  # (importing operations first is circular)

    triggers = importlib.import_module("zhijia.core.migrations.0004_audit_append_only_sqlite")
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not set(triggers.TABLES) & set(tables):
            return sql
        drops = [q for table in triggers.TABLES for q in triggers.drop_sql(table)]
        creates = [q for table in triggers.TABLES for q in triggers.create_sql(table)]
        return [*drops, *sql, *creates]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


def _log_scan():
    """Issue 16 §10: fail a test whose code wrote a full ID number or phone to a log."""
    from tests.support import LOG_LEAKS

    LOG_LEAKS.clear()
    yield
    found, LOG_LEAKS[:] = list(LOG_LEAKS), []
    assert not found, f"personal data reached the log: {found[:3]}"


@pytest.fixture
def frozen_clock():
    """The clock stands still for the test (it yields time_machine's traveller: .shift(),
    .move_to()). For tests of fixed time windows (rate limits per minute, a state shared for a
    second): on a busy machine the ticking clock may cross into the next window mid-test."""
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """What a test leaves in process memory does not reach the next one (xdist decides which
    tests share a process, and in what order): the local-memory cache (rate-limit buckets, the
    benefits flags) and the local SMS outbox start empty."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from zhijia.accounts import sms

    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()
    sms.outbox.clear()


_COUNTER_STARTS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The factories' sequence numbers (`_seq` in the support modules: titles, phones, made-up
    ID numbers) restart for every test, so a test gets the same names and numbers whichever
    tests ran before it in its process ("专家10" sorts before "专家9")."""
    for name, module in list(sys.modules.items()):
        counter = getattr(module, "_seq", None) if name.startswith("tests.") else None
        if isinstance(counter, itertools.count):
            start = _COUNTER_STARTS.setdefault(name, int(repr(counter)[len("count(") : -1]))
            module._seq = itertools.count(start)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated; then the demo seed is captured once for this process (and
    rolled back: the database stays as the migrations left it). See tests/demo_snapshot.py."""
    from zhijia.demo.seed import seed

    with django_db_blocker.unblock():
        _DEMO["snapshot"] = demo_snapshot.capture(lambda: seed(password=DEMO_PASSWORD), at=SEEDED_AT)


_DEMO: dict = {"snapshot": None}


@pytest.fixture
def demo(db):
    """The demo tree and cast. Returns a namespace: demo.org("福田区总"), demo.user("futian_staff").

    Inside a test's transaction (the usual `db` test), the rows the seed made once for this
    process are copied in; a test that commits (transactional) runs the seed itself, and so does
    every test under ZHIJIA_TEST_DEMO=seed (to compare, or to rule the copy out)."""
    return seed_demo()


def seed_demo() -> "Demo":
    """The demo rows, copied from this process's snapshot inside a transaction, else seeded."""
    from zhijia.demo.seed import seed

    snapshot = _DEMO["snapshot"]
    copy = os.environ.get("ZHIJIA_TEST_DEMO", "copy") != "seed"
    if copy and connection.in_atomic_block and demo_snapshot.restorable(snapshot):
        demo_snapshot.restore(snapshot)
    else:
        seed(password=DEMO_PASSWORD)
    return Demo()


class Demo:
    password = DEMO_PASSWORD

    def org(self, short_or_name: str) -> Org:
        return Org.objects.filter(short_name=short_or_name).first() or Org.objects.get(name=short_or_name)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)


@pytest.fixture
def api_client():
    return ApiClient()


class ApiClient:
    """JSON client for /api/v1 that can log in as a demo user with a bearer token."""

    def __init__(self):
        self.client = Client()
        self.token = None

    def login(self, username: str, password: str = DEMO_PASSWORD) -> "ApiClient":
        from zhijia.accounts.tokens import token_issue

        user = User.objects.get(username=username)
        self.token, _ = token_issue(user=user)
        return self

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path, data=None, headers=None):
        return self.client.get(path, data, headers=self._headers(headers))

    def post(self, path, data=None, headers=None):
        return self.client.post(
            path, data or {}, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path, data=None, headers=None):
        return self.client.patch(
            path, data or {}, content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path, headers=None):
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def staff_client(demo):
    """Console client logged in (session, no 2FA set up) as a demo user: staff_client("futian_staff")."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
