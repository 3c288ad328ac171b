"""Password policy profiles "dengbao" and "asvs", maximum age, forced and own changes."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from zhijia.accounts.models import User

from .conftest import audits

DENGBAO = override_settings(
    AUTH_PASSWORD_VALIDATORS=django_settings.PASSWORD_VALIDATORS_DENGBAO, PASSWORD_MAX_AGE_DAYS=90
)
ASVS = override_settings(
    AUTH_PASSWORD_VALIDATORS=django_settings.PASSWORD_VALIDATORS_ASVS, PASSWORD_MAX_AGE_DAYS=0
)


def ok(password: str) -> bool:
    try:
        validate_password(password, User(username="someone", display_name="某人"))
    except ValidationError:
        return False
    return True


@DENGBAO
@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Abcdef1!", True),  # 8 characters, 4 classes
        ("Bridge-ox7", True),  # 3 classes
        ("Abc1!xy", False),  # 7 characters
        ("lanternriverstone", False),  # one class only
        ("lanternriver77", False),  # two classes
        ("Password1", False),  # on the common-password list
    ],
)
def test_dengbao_profile(password, accepted):
    assert ok(password) is accepted


@ASVS
@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("lanternriverstone", True),  # long, no composition rule
        ("correct horse battery", True),
        ("Abcdef1!", False),  # strong mix but under 12 characters
        ("password1234", False),  # common
    ],
)
def test_asvs_profile(password, accepted):
    assert ok(password) is accepted


@DENGBAO
def test_dengbao_forces_a_change_after_max_age(staff_client, demo):
    User.objects.filter(username="futian_staff").update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client = staff_client("futian_staff")
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"] == "/console/password/"
    assert client.get("/console/security/").status_code == 302
    assert client.get("/console/password/").status_code == 200

    response = client.post(
        "/console/password/",
        {"old_password": demo.password, "new_password1": "Renewed-2027", "new_password2": "Renewed-2027"},
    )
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200  # still logged in, no longer forced
    assert audits("password.change", actor=demo.user("futian_staff")).exists()


@ASVS
def test_asvs_has_no_rotation(staff_client):
    User.objects.filter(username="futian_staff").update(
        password_changed_at=timezone.now() - timedelta(days=400)
    )
    assert staff_client("futian_staff").get("/console/").status_code == 200


@ASVS
def test_must_change_flag_forces_a_change_under_any_profile(staff_client):
    User.objects.filter(username="futian_staff").update(password_must_change=True)
    response = staff_client("futian_staff").get("/console/")
    assert response["Location"] == "/console/password/"


@DENGBAO
def test_password_change_errors_sit_next_to_their_fields(staff_client, demo):
    client = staff_client("futian_staff")
    response = client.post(
        "/console/password/", {"old_password": "wrong", "new_password1": "short", "new_password2": "short"}
    )
    body = response.content.decode()
    assert 'data-testid="error-old_password"' in body
    response = client.post(
        "/console/password/",
        {"old_password": demo.password, "new_password1": "short", "new_password2": "short"},
    )
    body = response.content.decode()
    assert 'data-testid="error-new_password1"' in body
    assert User.objects.get(username="futian_staff").check_password(demo.password)


@ASVS
def test_asvs_password_change_accepts_a_long_simple_password(staff_client, demo):
    client = staff_client("futian_staff")
    response = client.post(
        "/console/password/",
        {
            "old_password": demo.password,
            "new_password1": "lanternriverstone",
            "new_password2": "lanternriverstone",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="futian_staff").check_password("lanternriverstone")


def test_security_page_and_own_totp_setup(staff_client, demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .conftest import totp_code

    client = staff_client("futian_staff")
    body = client.get("/console/security/").content.decode()
    assert 'data-testid="otp-setup"' in body
    page = client.get("/console/security/otp/").content.decode()
    assert "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user=demo.user("futian_staff"), confirmed=False)
    response = client.post("/console/security/otp/", {"otp": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/").status_code == 200  # this session is verified now
    assert audits("otp.setup", actor=demo.user("futian_staff")).exists()
