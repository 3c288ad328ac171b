"""Issue 16 §11 (the part that is not how `make run` serves): whatever the settings, a 500 never
returns a traceback — nor a 404 the URL list — to a client outside local development."""

import pytest
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_boom")]

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}
SECRETS = (b"Traceback", b"RuntimeError", b"secret detail", b"URLconf", b"console/", b"NONE,NOARCHIVE")


def client() -> Client:
    return Client(raise_request_exception=False)


def clean(response) -> None:
    for secret in SECRETS:
        assert secret not in response.content, (secret, response.content[:300])


@pytest.mark.parametrize("debug", [True, False])
def test_a_500_page_shows_no_traceback_outside_local_development(debug):
    with override_settings(DEBUG=debug):
        response = client().get("/boom/", **OUTSIDE)
    assert response.status_code == 500
    clean(response)


@pytest.mark.parametrize("debug", [True, False])
def test_an_api_500_is_plain_json(debug):
    with override_settings(DEBUG=debug):
        response = client().get("/api/v9/boom", **OUTSIDE)
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    clean(response)
    with override_settings(DEBUG=debug):  # not even to this machine: the log has the traceback
        clean(client().get("/api/v9/boom"))


def test_a_404_shows_no_url_list_outside_local_development():
    with override_settings(DEBUG=True):
        page = client().get("/no-such-page/", **OUTSIDE)
        api = client().get("/api/v1/no-such-route", **OUTSIDE)
    assert page.status_code == 404 and api.status_code == 404
    clean(page)
    clean(api)


def test_local_development_keeps_its_debug_pages():
    with override_settings(DEBUG=True):
        response = client().get("/boom/")  # REMOTE_ADDR 127.0.0.1
    assert response.status_code == 500 and b"RuntimeError" in response.content


def test_the_test_client_still_sees_api_errors():
    """The API's 500 handler signals the exception like Django, so tests keep failing loudly."""
    with pytest.raises(RuntimeError):
        Client().get("/api/v9/boom")
