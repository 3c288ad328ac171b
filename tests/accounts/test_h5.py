"""Worker H5: phone login with an SMS code, the "Me" page, logout; never a full phone number."""

import pytest
from django.contrib.sessions.models import Session

from zhijia.accounts.models import UserKind

from .conftest import WORKER_PHONE

LOGIN = "/h5/login/"


@pytest.fixture
def sent(client, outbox, django_capture_on_commit_callbacks):
    """POST "send code" for the demo worker's phone; returns the code from the outbox."""

    def send(phone=WORKER_PHONE):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(LOGIN, {"phone": phone, "action": "send"}, follow=True)
        assert WORKER_PHONE not in response.content.decode()
        return response, outbox[-1]["code"] if outbox else None

    return send


def test_pages_need_a_logged_in_worker(demo, client, staff_client):
    response = client.get("/h5/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    staff = staff_client("futian_staff")
    assert staff.get("/h5/")["Location"].startswith(LOGIN)


def test_login_page_controls(db, client):
    body = client.get(LOGIN).content.decode()
    assert 'data-testid="phone"' in body and 'data-testid="send-code"' in body


def test_phone_login_end_to_end(demo, client, sent):
    response, code = sent()
    body = response.content.decode()
    assert "138****0001" in body and 'data-testid="code"' in body and 'data-testid="login-submit"' in body

    response = client.post(LOGIN, {"code": code, "action": "login"})
    assert response.status_code == 302 and response["Location"] == "/h5/"
    me = client.get("/h5/")
    body = me.content.decode()
    assert me.status_code == 200
    assert "138****0001" in body and "张骑手" in body and WORKER_PHONE not in body
    assert 'data-testid="language"' in body and 'data-testid="logout"' in body
    assert client.session["_auth_user_id"]


def test_wrong_code_shows_an_error_next_to_the_code(demo, client, sent):
    _, code = sent()
    response = client.post(LOGIN, {"code": f"{(int(code) + 1) % 10**6:06d}", "action": "login"})
    body = response.content.decode()
    assert 'data-testid="error-code"' in body and WORKER_PHONE not in body
    assert "_auth_user_id" not in client.session


def test_bad_phone_shows_an_error_next_to_the_phone(db, client):
    response = client.post(LOGIN, {"phone": "12345", "action": "send"})
    assert 'data-testid="error-phone"' in response.content.decode()


def test_rate_limit_is_shown(db, client, sent, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    sent()
    response = client.post(LOGIN, {"action": "resend"}, follow=True)
    html = response.content.decode()
    assert "moments ago" in html or "刚刚" in html
    assert 'data-testid="code"' in html  # the code sent moments ago is still asked for


def test_a_code_sent_under_a_minute_ago_keeps_the_code_field(db, client, sent, settings):
    """Issue 16: asking again within the minute (another tab, "another number" and back) hid
    the code field although the first code was still good."""
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    sent()
    client.post(LOGIN, {"action": "change"})
    response = client.post(LOGIN, {"phone": WORKER_PHONE, "action": "send"}, follow=True)
    html = response.content.decode()
    assert 'data-testid="code"' in html and 'data-testid="masked-phone"' in html


def test_first_login_creates_the_worker(db, client, sent):
    _, code = sent("13900000077")
    client.post(LOGIN, {"code": code, "action": "login"})
    from zhijia.accounts.models import User

    assert User.objects.get(phone_index__isnull=False, kind=UserKind.WORKER)


def test_logout(demo, client, sent):
    _, code = sent()
    client.post(LOGIN, {"code": code, "action": "login"})
    key = client.session.session_key
    response = client.post("/h5/logout/")
    assert response["Location"] == LOGIN
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/h5/").status_code == 302
