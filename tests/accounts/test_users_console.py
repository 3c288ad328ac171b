"""Users and role grants console: scope (404/403), create, enable/disable, unlock, 2FA reset,
grants with 三员分立, no mass assignment."""

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhijia.accounts.models import User, UserKind
from zhijia.orgs.models import Role, RoleGrant

from .conftest import add_device, audits


def detail(user) -> str:
    return reverse("staff:user_detail", args=[user.pk])


def test_list_shows_only_users_in_scope_and_searches(staff_client, demo):
    client = staff_client("shenzhen_admin")
    body = client.get("/console/users/").content.decode()
    assert "futian_staff" in body and "baoan_staff" in body
    assert "province_admin" not in body and "security_admin" not in body
    body = client.get("/console/users/", {"q": "宝安"}).content.decode()
    assert "baoan_staff" in body and "futian_staff" not in body


def test_list_needs_users_view(staff_client):
    assert staff_client("futian_staff").get("/console/users/").status_code == 403


def test_user_outside_scope_is_404_inside_without_capability_is_403(staff_client, demo):
    futian = staff_client("futian_staff")
    assert futian.get(detail(demo.user("baoan_staff"))).status_code == 404  # 宝安: outside
    assert futian.get(detail(demo.user("fubao_staff"))).status_code == 403  # 福田 subtree, no users.view
    assert staff_client("shenzhen_admin").get(detail(demo.user("baoan_staff"))).status_code == 200


def test_workers_are_not_reachable_from_the_console(staff_client, demo):
    worker = User.objects.get(kind=UserKind.WORKER)
    assert staff_client("province_admin").get(detail(worker)).status_code == 404


def test_create_user_in_scope_must_change_password(staff_client, demo):
    client = staff_client("shenzhen_admin")
    page = client.get("/console/users/new/").content.decode()
    assert "深圳市福田区总工会" in page and "广东省总工会" not in page
    response = client.post(
        "/console/users/new/",
        {
            "username": "new_clerk",
            "display_name": "新业务员",
            "org": str(demo.org("福田区总").pk),
            "password": "Initial-Pass-9",
            "kind": "worker",
            "is_active": "0",
            "password_must_change": "0",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert (
        user.kind == UserKind.STAFF and user.is_active and user.password_must_change
    )  # nothing mass-assigned
    assert user.org == demo.org("福田区总")
    assert audits("user.create", object_id=str(user.pk)).exists()

    first = Client()
    first.post("/console/login/", {"username": "new_clerk", "password": "Initial-Pass-9"})
    assert first.get("/console/").headers["Location"] == "/console/password/"


def test_create_user_outside_scope_or_with_weak_password_is_refused(staff_client, demo):
    client = staff_client("shenzhen_admin")
    response = client.post(
        "/console/users/new/",
        {"username": "x1", "org": str(demo.org("广东省总工会").pk), "password": "Initial-Pass-9"},
    )
    assert 'data-testid="error-org"' in response.content.decode()
    response = client.post(
        "/console/users/new/", {"username": "x1", "org": str(demo.org("福田区总").pk), "password": "weak"}
    )
    assert 'data-testid="error-password"' in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_create_needs_users_manage(staff_client, demo):
    assert staff_client("security_admin").get("/console/users/new/").status_code == 403


def test_disable_and_enable(staff_client, demo):
    target = demo.user("futian_staff")
    client = staff_client("shenzhen_admin")
    client.post(reverse("staff:user_set_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert (
        Client().post("/console/login/", {"username": "futian_staff", "password": demo.password}).status_code
        == 200
    )
    client.post(reverse("staff:user_set_active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active
    assert audits("user.disable").exists() and audits("user.enable").exists()


def test_disable_needs_users_manage_and_changes_nothing_when_denied(staff_client, demo):
    target = demo.user("futian_staff")
    response = staff_client("security_admin").post(
        reverse("staff:user_set_active", args=[target.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_unlock_clears_axes_lockout(staff_client, demo):
    attacker = Client(REMOTE_ADDR="10.3.3.3")
    for i in range(5):
        attacker.post("/console/login/", {"username": "futian_staff", "password": f"bad{i}"})
    assert (
        attacker.post("/console/login/", {"username": "futian_staff", "password": demo.password}).status_code
        == 429
    )
    target = demo.user("futian_staff")
    assert (
        staff_client("shenzhen_admin").post(reverse("staff:user_unlock", args=[target.pk])).status_code == 403
    )
    staff_client("security_admin").post(reverse("staff:user_unlock", args=[target.pk]))
    assert (
        attacker.post("/console/login/", {"username": "futian_staff", "password": demo.password}).status_code
        == 302
    )
    assert audits("user.unlock").exists()


def test_reset_otp_needs_users_security(staff_client, demo):
    target = demo.user("futian_staff")
    add_device(target)
    assert (
        staff_client("shenzhen_admin").post(reverse("staff:user_reset_otp", args=[target.pk])).status_code
        == 403
    )
    assert TOTPDevice.objects.filter(user=target).exists()
    staff_client("security_admin").post(reverse("staff:user_reset_otp", args=[target.pk]))
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert audits("otp.reset", object_id=str(target.pk)).exists()


def test_admin_password_reset_forces_a_change_and_keeps_the_device(staff_client, demo):
    target = demo.user("futian_staff")
    add_device(target)
    response = staff_client("security_admin").post(
        reverse("staff:user_reset_password", args=[target.pk]), {"password": "Reset-Pass-2027"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Reset-Pass-2027") and target.password_must_change
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()


def test_grant_and_revoke(staff_client, demo):
    target = demo.user("futian_staff")
    client = staff_client("security_admin")
    page = client.get(detail(target)).content.decode()
    assert 'data-testid="grant-form"' in page
    response = client.post(
        reverse("staff:grant_create", args=[target.pk]),
        {
            "role": str(Role.objects.get(code="viewer").pk),
            "org": str(demo.org("福保街道").pk),
            "include_subtree": "on",
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=target, role__code="viewer")
    assert grant.include_subtree and grant.granted_by == demo.user("security_admin")
    client.post(reverse("staff:grant_revoke", args=[target.pk, grant.pk]))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert audits("role.grant").exists() and audits("role.revoke").exists()


def test_separation_of_duties_is_shown_on_the_form(staff_client, demo):
    target = demo.user("shenzhen_admin")  # holds admin (system duty)
    response = staff_client("security_admin").post(
        reverse("staff:grant_create", args=[target.pk]),
        {
            "role": str(Role.objects.get(code="auditor").pk),
            "org": str(demo.org("深圳市总工会").pk),
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-error-code="separation_of_duties"' in body
    assert 'data-testid="error-role"' in body
    assert not RoleGrant.objects.filter(user=target, role__code="auditor").exists()


def test_grant_needs_roles_grant(staff_client, demo):
    target = demo.user("futian_staff")
    response = staff_client("shenzhen_admin").post(
        reverse("staff:grant_create", args=[target.pk]),
        {
            "role": str(Role.objects.get(code="viewer").pk),
            "org": str(demo.org("福田区总").pk),
        },
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=target, role__code="viewer").exists()


def test_nobody_changes_their_own_roles(staff_client, demo):
    me = demo.user("security_admin")
    response = staff_client("security_admin").post(
        reverse("staff:grant_create", args=[me.pk]),
        {
            "role": str(Role.objects.get(code="viewer").pk),
            "org": str(demo.org("福田区总").pk),
        },
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=me, role__code="viewer").exists()
