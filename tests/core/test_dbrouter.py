"""The primary/replica router: stale-tolerant reads to the replica, everything else (and a user
right after their own write) to the primary. Exercised without a real replica: the router only
names an alias; deploy/topology.sh runs it against streaming replication. No database mark:
the suite's per-test transaction would pin every read to the primary (rule 2)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from zhijia.accounts.models import User
from zhijia.activities.models import Enrolment, Slot
from zhijia.benefits.models import Campaign, Voucher
from zhijia.core.dbrouter import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    PrimaryReplicaRouter,
    ReplicaPinMiddleware,
    routed_for,
)
from zhijia.core.models import AuditEntry
from zhijia.positions.models import Position
from zhijia.records.models import ServiceRecord

router = PrimaryReplicaRouter()


def _through_middleware(request, view):
    seen = {}

    def get_response(req):
        seen.update(view())
        return HttpResponse("ok")

    response = ReplicaPinMiddleware(get_response)(request)
    return response, seen


def test_outside_a_request_everything_reads_the_primary():
    assert routed_for(Position) == PRIMARY
    assert routed_for(ServiceRecord) == PRIMARY


def test_a_get_reads_lists_and_statistics_from_the_replica_but_never_scarce_stock():
    request = RequestFactory().get("/h5/stations/")
    _, seen = _through_middleware(
        request,
        lambda: {
            m.__name__: routed_for(m)
            for m in (Position, ServiceRecord, Voucher, Campaign, Slot, Enrolment, Session, User)
        },
    )
    assert seen == {
        "Position": REPLICA,
        "ServiceRecord": REPLICA,
        "Voucher": PRIMARY,
        "Campaign": PRIMARY,
        "Slot": PRIMARY,
        "Enrolment": PRIMARY,
        "Session": PRIMARY,
        "User": PRIMARY,
    }


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary():
    def view():
        with transaction.atomic():
            return {"in": routed_for(Position)}

    _, seen = _through_middleware(RequestFactory().get("/"), view)
    assert seen == {"in": PRIMARY}


def test_unsafe_methods_read_the_primary_and_a_write_pins_the_user():
    def view():
        before = routed_for(Position)
        router.db_for_write(Enrolment)
        return {"before": before, "after": routed_for(Position)}

    response, seen = _through_middleware(RequestFactory().post("/"), view)
    assert seen == {"before": PRIMARY, "after": PRIMARY}
    assert PIN_COOKIE in response.cookies and response.cookies[PIN_COOKIE]["httponly"]

    # A GET that writes is pinned from the write on.
    def get_view():
        before = routed_for(Position)
        router.db_for_write(Position)
        return {"before": before, "after": routed_for(Position)}

    response, seen = _through_middleware(RequestFactory().get("/"), get_view)
    assert seen == {"before": REPLICA, "after": PRIMARY}
    until = float(response.cookies[PIN_COOKIE].value)
    assert time.time() < until <= time.time() + 11


def test_the_pin_cookie_keeps_the_next_reads_on_the_primary_until_it_expires():
    factory = RequestFactory()
    pinned = factory.get("/")
    pinned.COOKIES[PIN_COOKIE] = f"{time.time() + 5:.3f}"
    expired = factory.get("/")
    expired.COOKIES[PIN_COOKIE] = f"{time.time() - 1:.3f}"
    junk = factory.get("/")
    junk.COOKIES[PIN_COOKIE] = "1e999x"
    assert _through_middleware(pinned, lambda: {"p": routed_for(Position)})[1] == {"p": PRIMARY}
    assert _through_middleware(expired, lambda: {"p": routed_for(Position)})[1] == {"p": REPLICA}
    assert _through_middleware(junk, lambda: {"p": routed_for(Position)})[1] == {"p": REPLICA}


def test_session_saves_and_audit_entries_do_not_pin():
    def view():
        router.db_for_write(Session)
        router.db_for_write(AuditEntry)
        return {"p": routed_for(Position)}

    response, seen = _through_middleware(RequestFactory().get("/"), view)
    assert seen == {"p": REPLICA} and PIN_COOKIE not in response.cookies


def test_writes_and_migrations_only_on_the_primary():
    assert router.db_for_write(Position) == PRIMARY
    assert router.allow_migrate(PRIMARY, "positions") is True
    assert router.allow_migrate(REPLICA, "positions") is False
