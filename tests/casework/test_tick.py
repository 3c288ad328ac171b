"""Reminders of clocks falling due (once each) and the yearly review campaign."""

import datetime as dt

import pytest

from zhijia.accounts import sms
from zhijia.casework.models import CaseDeadline
from zhijia.casework.services.tick import cases_tick, review_campaign
from zhijia.core.errors import PermissionDenied, ValidationFailed

from .support import counselling, expert_login, hardship, step

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_the_handler(demo, django_capture_on_commit_callbacks):
    org = demo.org("大朗镇")
    case = counselling(org)
    user, expert = expert_login(org, name="心理咨询师")
    user.phone = "13900004444"
    user.save(update_fields=["phone"])
    step(case, "assign", None, expert_id=str(expert.pk))
    due = CaseDeadline.objects.get(case=case, code="first_contact").due_on
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_tick(today=due - dt.timedelta(days=5)) == {"reminded": 0}
        assert cases_tick(today=due - dt.timedelta(days=1)) == {"reminded": 1}
        assert cases_tick(today=due) == {"reminded": 0}
    assert [m["phone"] for m in sms.outbox] == ["13900004444"]
    assert sms.outbox[0]["template"] == "case_deadline"


def test_review_campaign_puts_every_filed_file_on_review(demo):
    org = demo.org("福保街道")
    filed = hardship(org)
    for name, data in (
        ("screen", {}),
        ("visit", {"visit_record": "x", "income_check_signed": True}),
        ("publicise", {}),
    ):
        step(filed, name, None, **data)
    filed.hardship.__class__.objects.filter(case=filed).update(
        publicity_until=dt.date.today() - dt.timedelta(days=1)
    )
    step(filed, "approve", None)
    hardship(org)  # only applied: not on the campaign
    due = dt.date.today() + dt.timedelta(days=30)
    assert (
        review_campaign(actor=demo.user("shenzhen_admin"), org=demo.org("福田区总"), due_on=due.isoformat())
        == 1
    )
    assert CaseDeadline.objects.get(case=filed, code="review_by").due_on == due
    with pytest.raises(PermissionDenied):
        review_campaign(actor=demo.user("futian_staff"), org=demo.org("福田区总"), due_on=due.isoformat())
    with pytest.raises(ValidationFailed):
        review_campaign(actor=None, org=org, due_on="2026-02-30")
    step(filed, "review", demo.user("fubao_staff"))
    clock = CaseDeadline.objects.get(case=filed, code="review_by")
    assert clock.met_at is None and clock.due_on > due


def test_a_cancelled_booking_is_not_reminded(demo):
    """A clock of a case that has ended (here the worker cancelled) reminds nobody, as the
    dashboard's to-do no longer counts it."""
    case = counselling(demo.org("大朗镇"))
    step(case, "cancel", None)
    due = CaseDeadline.objects.get(case=case, code="first_contact").due_on
    assert cases_tick(today=due) == {"reminded": 0}
    assert CaseDeadline.objects.get(case=case, code="first_contact").reminded_at is None
