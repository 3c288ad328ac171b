"""Issue 16 §1: the forced password change and the password's maximum age hold for every way in —
the console session, the same session on /api/v1/ and the phone pages, a bearer token, and the
token endpoint. The API answers 403 `password_change_required`."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.tokens import token_issue
from zhijia.core.models import AuditEntry

pytestmark = pytest.mark.django_db

MAX_AGE = override_settings(PASSWORD_MAX_AGE_DAYS=90, TWO_FACTOR_REQUIRED=False)


def must_change(username="futian_staff"):
    User.objects.filter(username=username).update(password_must_change=True)


def expired(username="futian_staff"):
    User.objects.filter(username=username).update(password_changed_at=timezone.now() - timedelta(days=91))


def refused(response):
    assert response.status_code == 403, (response.status_code, response.content[:200])
    assert response.json()["code"] == "password_change_required"


@MAX_AGE
@pytest.mark.parametrize("make_due", [must_change, expired])
def test_token_endpoint_issues_no_token(demo, client, make_due):
    make_due()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "futian_staff", "password": demo.password},
        content_type="application/json",
    )
    refused(response)
    assert "token" not in response.json()


@MAX_AGE
@pytest.mark.parametrize("make_due", [must_change, expired])
def test_a_token_issued_before_stops_working(demo, api_client, make_due):
    api_client.login("futian_staff")
    assert api_client.get("/api/v1/members").status_code == 200
    make_due()
    for path in ("/api/v1/members", "/api/v1/orgs", "/api/v1/auth/me"):
        refused(api_client.get(path))
    assert AuditEntry.objects.filter(action="access.denied", data__code="password_change_required").exists()


@MAX_AGE
@pytest.mark.parametrize("make_due", [must_change, expired])
def test_the_console_session_on_the_api(demo, staff_client, make_due):
    client = staff_client("futian_staff")
    assert client.get("/api/v1/members").status_code == 200
    make_due()
    refused(client.get("/api/v1/members"))
    refused(client.get("/api/v1/auth/me"))
    assert client.get("/console/")["Location"] == "/console/password/"
    assert client.get("/h5/")["Location"] == "/console/password/"
    assert client.get("/console/password/").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_no_maximum_age_means_none(demo, api_client):
    expired()
    api_client.login("futian_staff")
    assert api_client.get("/api/v1/members").status_code == 200


@MAX_AGE
def test_workers_have_no_password_to_change(demo, api_client):
    worker = User.objects.exclude(kind="staff").first()
    User.objects.filter(pk=worker.pk).update(password_changed_at=timezone.now() - timedelta(days=900))
    token, _ = token_issue(user=worker)
    response = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_session_without_its_second_factor_is_not_logged_in_on_the_api(demo, staff_client):
    client = staff_client("futian_staff")  # force_login: the password step only, no TOTP
    response = client.get("/api/v1/members")
    assert response.status_code == 401
