"""/api/v1/auth: token (password + TOTP, phone + SMS), sms-code, me, logout."""

import json

import pytest
from django.test import Client

from .conftest import WORKER_PHONE, add_device, totp_code, wrong_code

TOKEN = "/api/v1/auth/token"


def post(client, path, body, **extra):
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def no_full_phone(response) -> None:
    assert WORKER_PHONE not in response.content.decode()


def test_password_token_and_me(demo):
    client = Client(enforce_csrf_checks=True)  # token needs no CSRF: there is no session to ride
    response = post(client, TOKEN, {"username": "shenzhen_admin", "password": demo.password})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at"}

    me = client.get("/api/v1/auth/me", **bearer(body["token"]))
    assert me.status_code == 200
    data = me.json()
    assert data["username"] == "shenzhen_admin" and data["kind"] == "staff"
    grant = data["grants"][0]
    assert (
        grant["role"] == "admin" and grant["org_name"] == "深圳市总工会" and grant["include_subtree"] is True
    )
    assert "users.manage" in grant["capabilities"]


def test_wrong_password_is_401_invalid_credentials(demo, client):
    response = post(client, TOKEN, {"username": "shenzhen_admin", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_unknown_user_is_401_invalid_credentials(db, client):
    response = post(client, TOKEN, {"username": "ghost", "password": "nope"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_staff_with_a_device_needs_a_valid_otp(demo, client):
    device = add_device(demo.user("shenzhen_admin"))
    creds = {"username": "shenzhen_admin", "password": demo.password}
    assert post(client, TOKEN, creds).json()["code"] == "otp_required"
    response = post(client, TOKEN, {**creds, "otp": wrong_code(device)})
    assert response.status_code == 401 and response.json()["code"] == "otp_required"


def test_staff_with_a_device_and_right_otp_gets_a_token(demo, client):
    device = add_device(demo.user("shenzhen_admin"))
    response = post(
        client, TOKEN, {"username": "shenzhen_admin", "password": demo.password, "otp": totp_code(device)}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_required_two_factor_without_a_device_is_otp_required(demo, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    response = post(client, TOKEN, {"username": "shenzhen_admin", "password": demo.password})
    assert response.status_code == 401 and response.json()["code"] == "otp_required"


def test_lockout_is_429_locked_out_for_that_ip_only(demo):
    attacker = Client(REMOTE_ADDR="10.7.7.7")
    codes = [
        post(attacker, TOKEN, {"username": "shenzhen_admin", "password": f"bad{i}"}).status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 401, 429]
    response = post(attacker, TOKEN, {"username": "shenzhen_admin", "password": demo.password})
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    other = Client(REMOTE_ADDR="10.7.7.8")
    assert post(other, TOKEN, {"username": "shenzhen_admin", "password": demo.password}).status_code == 200


def test_sms_code_then_phone_token(demo, outbox, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/v1/auth/sms-code", {"phone": WORKER_PHONE})
    assert response.status_code == 202
    assert response.json() == {"sent": True, "expires_in": 300}
    no_full_phone(response)

    response = post(client, TOKEN, {"phone": WORKER_PHONE, "sms_code": outbox[-1]["code"]})
    assert response.status_code == 200
    me = client.get("/api/v1/auth/me", **bearer(response.json()["token"]))
    assert me.json()["kind"] == "worker" and me.json()["phone"] == "138****0001"
    assert me.json()["grants"] == []
    no_full_phone(me)


def test_wrong_sms_code_is_401(demo, client, send_code):
    code = send_code()
    response = post(client, TOKEN, {"phone": WORKER_PHONE, "sms_code": f"{(int(code) + 1) % 10**6:06d}"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
    no_full_phone(response)


def test_sms_code_bad_phone_names_the_field(db, client):
    response = post(client, "/api/v1/auth/sms-code", {"phone": "12345"})
    assert response.status_code == 400
    assert "phone" in response.json()["fields"]


def test_sms_code_rate_limited(db, client, settings, outbox):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    assert post(client, "/api/v1/auth/sms-code", {"phone": WORKER_PHONE}).status_code == 202
    response = post(client, "/api/v1/auth/sms-code", {"phone": WORKER_PHONE})
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    no_full_phone(response)


def test_logout_revokes_the_bearer_token(demo, client):
    token = post(client, TOKEN, {"username": "futian_staff", "password": demo.password}).json()["token"]
    assert client.get("/api/v1/auth/me", **bearer(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", **bearer(token)).status_code == 200
    response = client.get("/api/v1/auth/me", **bearer(token))
    assert response.status_code == 401


def test_me_needs_authentication(db, client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("body", [{}, {"password": "x"}])
def test_token_without_credentials_is_refused(db, client, body):
    response = post(client, TOKEN, body)
    assert response.status_code in {400, 401}
    assert response.json()["code"] in {"invalid", "invalid_credentials"}
