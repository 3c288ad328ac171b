"""Shared fixtures: the demo tree and named cast (zhijia.demo), API and console clients."""

import os

import pytest
from django.db import connection
from django.test import Client

from zhijia.accounts.models import User
from zhijia.orgs.models import Org

DEMO_PASSWORD = "Demo-pass-2026"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and os.environ.get("DATABASE_URL", "").split(":")[0] not in {
            "postgres",
            "postgresql",
        }:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


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


@pytest.fixture(autouse=True)
def _log_scan():
    """Issue 16 §10: fail a test whose code wrote a full ID number or phone to a log."""
    from tests.support import LOG_LEAKS

    LOG_LEAKS.clear()
    yield
    found, LOG_LEAKS[:] = list(LOG_LEAKS), []
    assert not found, f"personal data reached the log: {found[:3]}"


@pytest.fixture
def demo(db):
    """The demo tree and cast. Returns a namespace: demo.org("福田区总"), demo.user("futian_staff")."""
    from zhijia.demo.seed import seed

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
