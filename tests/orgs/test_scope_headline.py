"""The scope promise spelt out for the headline case (the full matrix: tests/test_permission_matrix.py)."""

from django.test import Client


def test_futian_staff_sees_fubao_not_baoan_through_api_and_console(demo, api_client):
    """The issue's headline case, spelt out."""
    fubao, baoan = demo.org("福保街道"), demo.org("宝安区总")
    api = api_client.login("futian_staff")
    console = Client()
    console.force_login(demo.user("futian_staff"))
    assert api.get(f"/api/v1/orgs/{fubao.pk}").status_code == 200
    assert api.get(f"/api/v1/orgs/{baoan.pk}").status_code == 404
    assert console.get(f"/console/orgs/{fubao.pk}/").status_code == 200
    assert console.get(f"/console/orgs/{baoan.pk}/").status_code == 404
