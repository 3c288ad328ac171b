"""Console login: password, TOTP, enrolment, lockout (django-axes), workers refused, audit."""

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhijia.accounts.models import User, UserKind
from zhijia.accounts.services import user_set_password
from zhijia.core.models import AuditOutcome

from .conftest import add_device, audits, totp_code, wrong_code

LOGIN = "/console/login/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_has_test_ids(client, db):
    body = client.get(LOGIN).content.decode()
    for testid in ("username", "password", "login-submit"):
        assert f'data-testid="{testid}"' in body


def test_password_login_rotates_session_and_is_audited(demo):
    client = Client()
    session = client.session
    session["before"] = 1
    session.save()
    old_key = session.session_key

    response = post_login(client, "futian_staff", demo.password)

    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    assert client.session.session_key != old_key
    assert str(client.session["_auth_user_id"]) == str(demo.user("futian_staff").pk)
    assert audits("login.success", actor=demo.user("futian_staff")).exists()
    assert client.get("/console/").status_code == 200


def test_wrong_password_is_refused_and_audited(demo, client):
    response = post_login(client, "futian_staff", "wrong-Pass-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'data-testid="form-error"' in response.content.decode()
    entry = audits("login.failure").get()
    assert entry.outcome == AuditOutcome.FAILURE
    assert entry.data["username"] == "futian_staff"


def test_failed_username_that_looks_like_a_phone_is_masked(demo, client):
    post_login(client, "13812345678", "whatever")
    entry = audits("login.failure").get()
    assert entry.data["username"] == "138****5678"
    assert entry.actor_label == "138****5678"


def test_workers_can_never_log_in_to_the_console(demo, client):
    worker = User.objects.get(kind=UserKind.WORKER)
    worker.set_password("Some-Pass-2026")  # even if a worker somehow had a password
    worker.save()
    response = post_login(client, worker.username, "Some-Pass-2026")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    client.force_login(worker)
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_next_parameter_only_redirects_inside_the_console(demo, client):
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "futian_staff", "password": demo.password}
    )
    assert response["Location"] == reverse("staff:home")
    client.logout()
    response = client.post(
        LOGIN, {"username": "futian_staff", "password": demo.password, "next": "/console/security/"}
    )
    assert response["Location"] == "/console/security/"
    client.logout()
    response = client.post(  # experts log in here and go back to their workspace
        LOGIN, {"username": "expert_demo", "password": demo.password, "next": "/h5/expert/"}
    )
    assert response["Location"] == "/h5/expert/"
    client.logout()
    response = client.post(LOGIN, {"username": "expert_demo", "password": demo.password, "next": "/h5/me/"})
    assert response["Location"] == reverse("staff:home")


# --- TOTP -----------------------------------------------------------------------------------


def test_totp_login_success(demo, client):
    device = add_device(demo.user("futian_staff"))
    response = post_login(client, "futian_staff", demo.password)
    assert response["Location"] == reverse("staff:login_otp")
    assert "_auth_user_id" not in client.session  # the password alone logs nobody in
    assert client.get("/console/").status_code == 302

    page = client.get(reverse("staff:login_otp")).content.decode()
    assert 'data-testid="otp"' in page and 'data-testid="otp-submit"' in page
    response = client.post(reverse("staff:login_otp"), {"otp": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get("/console/").status_code == 200


def test_totp_login_failure(demo, client):
    device = add_device(demo.user("futian_staff"))
    post_login(client, "futian_staff", demo.password)
    response = client.post(reverse("staff:login_otp"), {"otp": wrong_code(device)})
    assert response.status_code == 200
    assert 'data-testid="error-otp"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert audits("login.failure", data__reason="otp").exists()


def test_pending_second_step_expires(demo, client):
    device = add_device(demo.user("futian_staff"))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "futian_staff", demo.password)
        traveller.shift(6 * 60)
        response = client.post(reverse("staff:login_otp"), {"otp": totp_code(device)})
    assert response["Location"] == reverse("staff:login")
    assert "_auth_user_id" not in client.session


def test_enrolment_when_two_factor_is_required(demo, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    user = demo.user("futian_staff")
    response = post_login(client, "futian_staff", demo.password)
    assert response["Location"] == reverse("staff:login_enrol")

    page = client.get(reverse("staff:login_enrol")).content.decode()
    assert 'src="data:image/svg+xml' in page  # QR made locally, no network
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert 'data-testid="otp-secret"' in page

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = client.post(reverse("staff:login_enrol"), {"otp": wrong_code(device)})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        traveller.shift(2)  # django-otp throttles the device for a second after a wrong code
        response = client.post(reverse("staff:login_enrol"), {"otp": totp_code(device)})
    assert response["Location"] == reverse("staff:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get("/console/").status_code == 200
    assert audits("otp.setup", object_id=str(user.pk)).exists()


def test_required_two_factor_blocks_a_session_without_verification(demo, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(demo.user("futian_staff"))  # logged in, not verified
    assert client.get("/console/").status_code == 302


def test_admin_password_reset_keeps_the_second_factor(demo, client):
    user = demo.user("futian_staff")
    device = add_device(user)
    user_set_password(
        actor=demo.user("security_admin"), user=user, password="Fresh-Pass-2027", must_change=True
    )
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    response = post_login(client, "futian_staff", "Fresh-Pass-2027")
    assert response["Location"] == reverse("staff:login_otp")  # the reset did not bypass 2FA


# --- lockout --------------------------------------------------------------------------------


def test_five_failures_lock_username_and_ip_only(demo):
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [post_login(attacker, "futian_staff", f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Locked: even the right password is refused from that address ...
    assert post_login(attacker, "futian_staff", demo.password).status_code == 429
    assert audits("login.locked").exists()
    # ... but the real user, elsewhere, still logs in.
    real = Client(REMOTE_ADDR="10.1.1.1")
    assert post_login(real, "futian_staff", demo.password).status_code == 302


def test_lock_lifts_after_thirty_minutes(demo):
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for i in range(5):
            post_login(attacker, "futian_staff", f"wrong-{i}")
        traveller.shift(31 * 60)
        assert post_login(attacker, "futian_staff", demo.password).status_code == 302


def test_wrong_totp_codes_count_towards_the_lock(demo):
    device = add_device(demo.user("futian_staff"))
    client = Client(REMOTE_ADDR="10.9.9.8")
    post_login(client, "futian_staff", demo.password)
    statuses = [
        client.post(reverse("staff:login_otp"), {"otp": wrong_code(device)}).status_code for _ in range(5)
    ]
    assert statuses[-1] == 429
    assert post_login(client, "futian_staff", demo.password).status_code == 429
