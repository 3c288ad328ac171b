"""Issue 16 "Daily use" pages at 375 px: the SMS login keeps the code field when a code was sent
moments ago; the language menu names each language in itself; the member history in words."""

from tests.members.joining_support import apply_to
from zhijia.members.services import joining

from .conftest import shot
from .test_members_journeys import staff_login

WORKER_PHONE = "13800000001"


def test_login_keeps_the_code_field_and_names_languages_in_themselves(phone, db, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    phone.goto("/h5/login/")
    options = phone.locator('[data-testid="language"] option').all_inner_texts()
    assert options == ["简体中文", "繁體中文", "English"]
    phone.fill('[data-testid="phone"]', WORKER_PHONE)
    phone.locator('button[value="send"]').click()
    phone.locator('[data-testid="change-phone"]').click()
    phone.fill('[data-testid="phone"]', WORKER_PHONE)
    phone.locator('button[value="send"]').click()
    assert phone.locator('[data-testid="code"]').is_visible()
    shot(phone, "daily-login-code-kept")


def test_member_history_in_words(phone, demo):
    app = apply_to(demo.org("河套科创工会"), 11)
    membership = joining.application_approve(actor=None, application=app).membership
    staff_login(phone, "futian_staff")
    phone.goto(f"/console/members/{membership.pk}/")
    history = phone.locator('[data-testid="member-history"]').inner_text()
    assert str(app.pk) not in history and "join application" not in history.split("online")[0]
    shot(phone, "daily-member-history")
