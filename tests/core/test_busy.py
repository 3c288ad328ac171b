"""A lock wait that times out answers 409 "busy", never a 500 (SECURITY.md, Reliability)."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from zhijia.core.errors import busy_error


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__("lock")
        self.sqlstate = sqlstate


def _wrapped(cause):
    exc = OperationalError(str(cause))
    exc.__cause__ = cause
    return exc


def test_lock_timeouts_and_deadlocks_are_busy_other_errors_are_not():
    for state in ("55P03", "40P01", "40001"):
        assert busy_error(_wrapped(_Cause(state))).status == 409
    assert busy_error(OperationalError("database is locked")).code == "busy"
    assert busy_error(_wrapped(_Cause("08006"))) is None  # connection failure: a real error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_held_by_another_transaction_answers_409_busy(demo, api_client):
    """One transaction holds the org row; an API write on it waits for lock_timeout, then 409."""
    org = demo.org("河套联合工会")
    api = api_client.login("shenzhen_admin")
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            type(org).objects.select_for_update().get(pk=org.pk)
            held.set()
            release.wait(15)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = '300ms'")
        response = api.patch(f"/api/v1/orgs/{org.pk}", {"short_name": "忙"})
    finally:
        release.set()
        holder.join()
    assert response.status_code == 409
    assert response.json()["code"] == "busy"
