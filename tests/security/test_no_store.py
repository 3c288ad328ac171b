"""Issue 16 §6: every response to a logged-in request is `Cache-Control: no-store` (member pages,
the console generally, /api/v1/ with a token or the session, the phone's personal pages). The
response scan (tests/support.py) holds every response of the suite to the same rule; this file
names the pages the review found."""

import pytest
from django.test import Client

from tests.activities.support import member
from zhijia.accounts.models import User
from zhijia.core.middleware import allow_cache
from zhijia.members.models import Membership

pytestmark = pytest.mark.django_db


def no_store(response):
    assert "no-store" in response.get("Cache-Control", ""), (
        response.status_code,
        response.get("Cache-Control"),
    )


def test_console_member_pages(demo, staff_client):
    client = staff_client("futian_staff")
    person = member(demo.org("福田区总"), name="张三")
    membership = Membership.objects.get(person=person)
    for url in ("/console/", "/console/members/", f"/console/members/{membership.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        no_store(response)


def test_api_with_a_token_and_with_the_session(demo, api_client, staff_client):
    api_client.login("futian_staff")
    for path in ("/api/v1/members", "/api/v1/auth/me", "/api/v1/orgs"):
        no_store(api_client.get(path))
    no_store(staff_client("futian_staff").get("/api/v1/members"))


def test_phone_pages_of_a_logged_in_worker(demo):
    client = Client()
    client.force_login(User.objects.exclude(kind="staff").first())
    for url in ("/h5/", "/h5/card/", "/h5/activities/mine/"):
        response = client.get(url)
        if response.status_code == 200:
            no_store(response)


def test_errors_to_a_logged_in_user_are_no_store_too(demo, api_client):
    api_client.login("futian_staff")
    no_store(api_client.get("/api/v1/members/00000000-0000-0000-0000-000000000000"))


def test_anonymous_public_pages_are_left_to_their_views(db):
    response = Client().get("/api/v1/activities")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_may_opt_out(rf):
    from django.http import HttpResponse

    from zhijia.core.middleware import NoStoreMiddleware

    request = rf.get("/")
    request.user = User(username="x")  # an unsaved user is authenticated
    assert "no-store" in NoStoreMiddleware(lambda r: HttpResponse("x"))(request)["Cache-Control"]
    assert "Cache-Control" not in NoStoreMiddleware(lambda r: allow_cache(HttpResponse("x")))(request)
