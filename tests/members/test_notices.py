"""One SMS notice helper (members.notices.notify) with one rule for which phone gets it: the
linked account's phone, else the registered phone. No other module sends notices itself."""

import ast
from pathlib import Path

import pytest

from zhijia.accounts import sms
from zhijia.members.models import Person
from zhijia.members.services import joining

from .joining_support import apply_to, phone_of

ROOT = Path(__file__).resolve().parents[2] / "zhijia"


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_a_join_decision_goes_to_the_phone_the_worker_logs_in_with(
    demo, outbox, django_capture_on_commit_callbacks
):
    app = apply_to(demo.org("河套科创工会"), 7)
    app.person.phone = "13911112222"  # the register's phone moved on; the login did not
    app.person.save()
    with django_capture_on_commit_callbacks(execute=True):
        joining.application_approve(actor=demo.user("enterprise_staff"), application=app)
    assert [m["phone"] for m in outbox] == [phone_of(7)]


def test_a_person_without_an_account_gets_it_on_the_registered_phone(
    db, outbox, django_capture_on_commit_callbacks
):
    from zhijia.members.notices import notify

    person = Person(name="王五", phone="13933334444")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "x", {"title": "一" * 60})
        notify("13955556666", "y", {})
        notify(None, "z", {})
    assert [(m["phone"], m["template"]) for m in outbox] == [("13933334444", "x"), ("13955556666", "y")]
    assert outbox[0]["params"]["title"] == "一" * 40


def test_notices_are_sent_only_through_the_one_helper():
    callers = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in {"notice_on_commit", "send_notice"}:
                    callers.append(str(path.relative_to(ROOT)))
    assert sorted(set(callers)) == ["accounts/sms.py", "members/notices.py"]
