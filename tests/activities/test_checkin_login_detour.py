"""A worker who must first log in by SMS after scanning a session code lands back on a
still-valid check-in (issue 19): the code, valid when scanned, is honoured for the login detour
(LOGIN_DETOUR_SECONDS), judged as of the scan; nobody else gains a stale code."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import activity, worker
from zhijia.activities.models import Attendance
from zhijia.activities.services.checkin import LOGIN_DETOUR_SECONDS, session_code
from zhijia.activities.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(demo):
    org = demo.org("福田区总")
    act = activity(org, registration_closes_at=None)
    session = act.sessions.first()
    user, person = worker(org)
    enrolment_create(actor=user, activity=act, person=person)
    return session, user


def test_the_code_survives_the_sms_login(scene):
    session, user = scene
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        url = reverse("h5:activity_checkin", args=[session_code(session)])
        client = Client()
        first = client.get(url)
        assert first.status_code == 302 and "/h5/login/" in first["Location"] and "next=" in first["Location"]
        clock.shift(dt.timedelta(minutes=4))  # the SMS code arrives, is typed: the QR rotated 8 times
        client.force_login(user)  # what the SMS login does (the session keeps the scan)
        ask = client.get(url)
        assert 'data-state="ask"' in ask.content.decode()
        done = client.post(url)
        assert 'data-state="done"' in done.content.decode()
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_stale_code_without_the_detour_is_refused(scene):
    session, user = scene
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        url = reverse("h5:activity_checkin", args=[session_code(session)])
        clock.shift(dt.timedelta(minutes=4))
        client = Client()
        client.force_login(user)  # logged in already: no scan was remembered
        assert 'data-state="bad_checkin_code"' in client.post(url).content.decode()
    assert not Attendance.objects.exists()


def test_the_detour_has_a_limit(scene):
    session, user = scene
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        url = reverse("h5:activity_checkin", args=[session_code(session)])
        client = Client()
        client.get(url)
        clock.shift(dt.timedelta(seconds=LOGIN_DETOUR_SECONDS + 60))
        client.force_login(user)
        assert 'data-state="bad_checkin_code"' in client.post(url).content.decode()
    assert not Attendance.objects.exists()


def test_a_forged_or_stale_scan_is_not_remembered(scene):
    session, user = scene
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        stale = session_code(session)
        clock.shift(dt.timedelta(minutes=3))  # already stale when scanned
        client = Client()
        client.get(reverse("h5:activity_checkin", args=[stale]))
        client.get(reverse("h5:activity_checkin", args=["forged.code"]))
        assert "h5_pending_checkin" not in client.session
        client.force_login(user)
        assert (
            'data-state="bad_checkin_code"'
            in client.post(reverse("h5:activity_checkin", args=[stale])).content.decode()
        )
