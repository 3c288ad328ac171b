"""Sessions: logout flushes server-side and clears site data; idle timeout."""

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone


def test_logout_flushes_the_session_and_sends_clear_site_data(demo):
    client = Client()
    client.post("/console/login/", {"username": "futian_staff", "password": demo.password})
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client.post("/console/logout/")

    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/console/").status_code == 302


def test_logout_is_post_only(staff_client):
    assert staff_client("futian_staff").get("/console/logout/").status_code == 405


def test_idle_timeout_logs_out(demo, settings):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post("/console/login/", {"username": "futian_staff", "password": demo.password})
        assert client.get("/console/").status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE + 60)
        response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_activity_keeps_the_session_alive(demo, settings):
    client = Client()
    step = settings.SESSION_COOKIE_AGE * 2 // 3
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post("/console/login/", {"username": "futian_staff", "password": demo.password})
        for _ in range(3):  # three steps add up to twice the idle limit; none is idle for long
            traveller.shift(step)
            assert client.get("/console/").status_code == 200
