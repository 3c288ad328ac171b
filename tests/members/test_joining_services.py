"""Joining services: workers only, routing, consent, one open application, approve / reject /
forward / withdraw with guarded transitions, the 15-working-day deadline, and the SMS notices
of decisions (after commit only)."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry, CalendarDay, CalendarDayKind
from zhijia.core.workdays import add_working_days
from zhijia.members.enums import ApplicationStatus, MemberStatus
from zhijia.members.models import Consent, JoinApplication, Membership, MembershipEvent, Person
from zhijia.members.selectors.joining import application_counts, application_list, working_days_left
from zhijia.members.services import joining
from zhijia.orgs.services import org_dissolve

from .joining_support import NOTICE, apply_to, cn_id, person, phone_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _apply(actor, **kwargs):
    return joining.join_apply(actor=actor, data=person(), consent_version=NOTICE, **kwargs)


def test_application_to_a_workplace_union_goes_there(demo):
    union = demo.org("河套科创工会")
    app = apply_to(union)
    assert (app.org, app.workplace_org, app.routed) == (union, union, False)
    assert app.status == ApplicationStatus.SUBMITTED and app.notify_employer is False
    assert app.due_on == add_working_days(timezone.localdate(), 15)
    assert app.consent.purpose == "sensitive" and app.consent.notice_version == NOTICE
    assert app.person.occupation == "delivery_rider" and app.person.phone == "13900000001"
    assert AuditEntry.objects.filter(action="join_application.submit", object_id=str(app.pk)).exists()


@pytest.mark.parametrize("area", ["福保街道", "西乡工联会"])
def test_without_a_workplace_union_the_application_is_routed_to_the_area_union(demo, area):
    app = apply_to(demo.org(area), routed=True)
    assert app.org == demo.org(area) and app.routed is True and app.workplace_org is None


@pytest.mark.parametrize(
    ("field", "unit"),
    [
        ("workplace_org_id", "福保街道"),  # a street is not a workplace union
        ("work_org_id", "福田区总"),  # a district union does not take members
        ("work_org_id", "河套科创工会"),  # a grassroots union is not an area union
    ],
)
def test_other_levels_are_refused(demo, field, unit):
    with pytest.raises(ValidationFailed) as exc:
        _apply(worker_for_phone(phone=phone_of(1)), **{field: demo.org(unit).pk})
    assert exc.value.code == "not_a_union_to_join" and field in exc.value.fields
    assert not Person.objects.exists()


def test_dissolved_union_and_no_union_are_refused(demo):
    union = demo.org("福保精密工会")
    org_dissolve(actor=None, org=union)
    worker = worker_for_phone(phone=phone_of(1))
    with pytest.raises(ValidationFailed) as exc:
        _apply(worker, workplace_org_id=union.pk)
    assert exc.value.code == "not_a_union_to_join"
    with pytest.raises(ValidationFailed) as exc:
        _apply(worker)
    assert exc.value.code == "union_required"


def test_consent_is_required_and_nothing_is_stored_without_it(demo):
    with pytest.raises(ValidationFailed) as exc:
        joining.join_apply(
            actor=worker_for_phone(phone=phone_of(1)),
            data=person(),
            consent_version="  ",
            workplace_org_id=demo.org("河套科创工会").pk,
        )
    assert exc.value.code == "consent_required" and "consent" in exc.value.fields
    assert not Person.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_only_a_worker_can_apply(demo, who):
    """No anonymous form (it would tell anyone whether an ID number is a member) and no staff
    applying in someone's name: refused before the identity is even looked at."""
    apply_to(demo.org("河套科创工会"))  # person 1 exists and has an application
    actor = None if who == "anonymous" else demo.user("futian_staff")
    for org in (demo.org("河套科创工会"), demo.org("福田区总")):  # a valid and an invalid union
        with pytest.raises(PermissionDenied) as exc:
            _apply(actor, workplace_org_id=org.pk)
        assert exc.value.code == "worker_only"
    assert JoinApplication.objects.count() == 1 and Person.objects.count() == 1


def test_the_phone_is_the_workers_verified_phone(demo):
    worker = worker_for_phone(phone="13900007878")
    app = apply_to(demo.org("河套科创工会"), actor=worker, phone="13800000000")  # a typed phone is ignored
    assert app.person.phone == "13900007878" and app.person.user == worker


def test_bad_person_data_names_the_field(demo):
    bad = cn_id(5)[:-1] + ("0" if cn_id(5)[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        apply_to(demo.org("河套科创工会"), id_number=bad)
    assert "id_number" in exc.value.fields


def test_one_open_application_per_person(demo):
    apply_to(demo.org("河套科创工会"))
    with pytest.raises(Conflict) as exc:
        apply_to(demo.org("福保街道"), routed=True)
    assert exc.value.code == "application_open"
    assert JoinApplication.objects.count() == 1


def test_the_database_constraint_backs_up_the_open_application_rule(demo, monkeypatch):
    apply_to(demo.org("河套科创工会"))
    monkeypatch.setattr(joining, "_refuse_if_member_or_applying", lambda person: None)
    with pytest.raises(Conflict) as exc:
        apply_to(demo.org("福保街道"), routed=True)
    assert exc.value.code == "application_open"
    assert JoinApplication.objects.count() == 1


def test_a_member_cannot_apply_again(demo):
    app = apply_to(demo.org("河套科创工会"))
    joining.application_approve(actor=demo.user("enterprise_staff"), application=app)
    with pytest.raises(Conflict) as exc:
        apply_to(demo.org("福保街道"), routed=True)
    assert exc.value.code == "already_member"


def test_approve_issues_a_member_number_and_history(demo):
    reviewer = demo.user("enterprise_staff")
    app = joining.application_approve(actor=reviewer, application=apply_to(demo.org("河套科创工会")))
    membership = app.membership
    today = timezone.localdate()
    assert app.status == ApplicationStatus.APPROVED and app.decided_by == reviewer
    assert membership.status == MemberStatus.MEMBER and membership.joined_on == today
    assert membership.member_no.startswith(f"440304{today.year}") and len(membership.member_no) == 17
    event = MembershipEvent.objects.get(membership=membership)
    assert (event.kind, event.to_org, event.actor) == ("joined", demo.org("河套科创工会"), reviewer)
    second = joining.application_approve(actor=reviewer, application=apply_to(demo.org("河套科创工会"), 2))
    assert second.membership.member_no != membership.member_no


def test_reject_needs_a_reason(demo):
    app = apply_to(demo.org("河套科创工会"))
    with pytest.raises(ValidationFailed) as exc:
        joining.application_reject(actor=None, application=app, reason="  \n ")
    assert exc.value.code == "reason_required"
    assert JoinApplication.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED
    done = joining.application_reject(actor=None, application=app, reason="不是本单位职工")
    assert done.status == ApplicationStatus.REJECTED and done.reason == "不是本单位职工"


@pytest.mark.parametrize("first", ["approve", "reject", "withdraw"])
def test_only_a_submitted_application_moves(demo, first):
    worker = worker_for_phone(phone="13900002222")
    app = apply_to(demo.org("河套科创工会"), actor=worker)
    {
        "approve": lambda: joining.application_approve(actor=None, application=app),
        "reject": lambda: joining.application_reject(actor=None, application=app, reason="x"),
        "withdraw": lambda: joining.application_withdraw(actor=worker, application=app),
    }[first]()
    before = JoinApplication.objects.values().get(pk=app.pk)
    for attempt in (
        lambda: joining.application_approve(actor=None, application=app),
        lambda: joining.application_reject(actor=None, application=app, reason="again"),
        lambda: joining.application_forward(actor=None, application=app, to_org=demo.org("福保街道")),
        lambda: joining.application_withdraw(actor=worker, application=app),
    ):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "invalid_transition"
    assert JoinApplication.objects.values().get(pk=app.pk) == before
    assert Membership.objects.count() == (1 if first == "approve" else 0)


def test_forward_restarts_the_deadline_and_keeps_where_it_came_from(demo):
    start = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)  # a Monday
    with time_machine.travel(start, tick=False) as traveller:
        app = apply_to(demo.org("河套科创工会"))
        assert app.due_on == date(2026, 3, 23)
        traveller.move_to(datetime(2026, 3, 12, 10, tzinfo=SHANGHAI))
        forwarded = joining.application_forward(
            actor=demo.user("enterprise_staff"), application=app, to_org=demo.org("福保街道")
        )
    assert forwarded.org == demo.org("福保街道") and forwarded.forwarded_from == demo.org("河套科创工会")
    assert forwarded.due_on == date(2026, 4, 2)  # 15 working days after 12 March
    assert forwarded.status == ApplicationStatus.SUBMITTED


def test_forward_targets_are_the_reviewers_scope_or_the_street_above(demo):
    app = apply_to(demo.org("河套科创工会"))
    enterprise = demo.user("enterprise_staff")  # holds only the enterprise union
    for target, code in (
        (demo.org("福保精密工会"), "not_a_union_to_join"),  # a sibling outside the reviewer's scope
        (demo.org("福田区总"), "not_a_union_to_join"),  # a district takes no members
        (demo.org("河套科创工会"), "same_union"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            joining.application_forward(actor=enterprise, application=app, to_org=target)
        assert exc.value.code == code
    done = joining.application_forward(
        actor=demo.user("futian_staff"), application=app, to_org=demo.org("福保精密工会")
    )
    assert done.org == demo.org("福保精密工会")


def test_withdraw_is_the_applicants_own(demo):
    owner = worker_for_phone(phone="13900003333")
    other = worker_for_phone(phone="13900004444")
    app = apply_to(demo.org("河套科创工会"), actor=owner)
    assert Person.objects.get(pk=app.person_id).user == owner
    for actor in (other, None, demo.user("enterprise_staff")):
        with pytest.raises(NotFound):
            joining.application_withdraw(actor=actor, application=app)
    assert joining.application_withdraw(actor=owner, application=app).status == ApplicationStatus.WITHDRAWN
    again = apply_to(demo.org("福保街道"), actor=owner, routed=True)  # may apply again afterwards
    assert again.status == ApplicationStatus.SUBMITTED


def test_an_identity_linked_to_an_account_needs_that_account(demo):
    owner = worker_for_phone(phone="13900003333")
    app = apply_to(demo.org("河套科创工会"), actor=owner)
    joining.application_withdraw(actor=owner, application=app)
    for phone in ("13900009999", "13900004444"):  # other verified accounts, someone else's identity
        with pytest.raises(Conflict) as exc:
            apply_to(demo.org("河套科创工会"), actor=worker_for_phone(phone=phone))
        assert exc.value.code == "identity_in_use"
    with pytest.raises(Conflict) as exc:
        apply_to(demo.org("河套科创工会"), 7, actor=owner)  # the account belongs to another person
    assert exc.value.code == "person_mismatch"
    assert Person.objects.get(pk=app.person_id).phone == "13900003333"  # refusals changed nothing


def test_deadline_skips_weekends_holidays_and_counts_make_up_days(demo):
    for day in (1, 2, 5, 6, 7):  # 国庆 on weekdays
        CalendarDay.objects.create(date=date(2026, 10, day), kind=CalendarDayKind.HOLIDAY)
    for day in (date(2026, 9, 27), date(2026, 10, 10)):  # 调休: a Sunday and a Saturday worked
        CalendarDay.objects.create(date=day, kind=CalendarDayKind.WORKDAY)
    with time_machine.travel(datetime(2026, 9, 25, 12, tzinfo=SHANGHAI), tick=False):  # a Friday
        app = apply_to(demo.org("河套科创工会"))
        assert app.due_on == date(2026, 10, 21)
        assert working_days_left(app) == 15
    with time_machine.travel(datetime(2026, 10, 23, 12, tzinfo=SHANGHAI), tick=False):  # Friday after
        assert working_days_left(app) == -2


def test_overdue_applications_lead_the_queue_and_are_counted(demo):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        old = apply_to(demo.org("河套科创工会"), 1)
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        fresh = apply_to(demo.org("福保街道"), 2, routed=True)
        decided = joining.application_reject(
            actor=None, application=apply_to(demo.org("福保精密工会"), 3), reason="x"
        )
        futian = demo.user("futian_staff")
        assert list(application_list(actor=futian)) == [old, fresh, decided]
        assert list(application_list(actor=futian, overdue=True)) == [old]
        assert list(application_list(actor=futian, overdue=False)) == [fresh, decided]
        assert application_counts(actor=futian) == {"submitted": 2, "overdue": 1}
        assert list(application_list(actor=demo.user("baoan_staff"))) == []
        assert list(application_list(actor=demo.user("enterprise_staff"))) == [old]
        assert list(application_list(actor=futian, q="lqs")) == [old, fresh, decided]
        assert list(application_list(actor=futian, q=cn_id(2))) == [fresh]
        assert list(application_list(actor=futian, q="0003")) == [decided]


def test_decisions_are_sent_to_the_worker_after_commit(demo, outbox, django_capture_on_commit_callbacks):
    union = demo.org("河套科创工会")
    first, second = apply_to(union, 1), apply_to(union, 2)
    assert outbox == []  # applying sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        approved = joining.application_approve(actor=demo.user("enterprise_staff"), application=first)
        assert outbox == []  # nothing before the commit
    member_no = approved.membership.member_no
    assert outbox == [
        {
            "phone": phone_of(1),
            "template": "join_approved",
            "params": {"org": union.name, "member_no": member_no},
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        joining.application_reject(actor=None, application=second, reason="不是本单位职工")
    assert outbox[-1] == {"phone": phone_of(2), "template": "join_rejected", "params": {"org": union.name}}
    assert "不是本单位职工" not in str(outbox)  # the reason is shown on the status page, not sent


def test_no_notice_when_the_decision_fails_or_rolls_back(demo, outbox, django_capture_on_commit_callbacks):
    app = apply_to(demo.org("河套科创工会"))
    with django_capture_on_commit_callbacks(execute=True):  # what would run after a commit runs
        with pytest.raises(ValidationFailed):
            joining.application_reject(actor=None, application=app, reason=" ")
        with pytest.raises(RuntimeError), transaction.atomic():  # approved, then the caller fails
            joining.application_approve(actor=None, application=app)
            raise RuntimeError
        joining.application_withdraw(actor=app.person.user, application=app)
        for attempt in (
            lambda: joining.application_approve(actor=None, application=app),
            lambda: joining.application_reject(actor=None, application=app, reason="x"),
        ):
            with pytest.raises(Conflict):
                attempt()
    assert outbox == [] and not Membership.objects.exists()


def test_a_failed_notice_is_logged_not_raised(
    demo, outbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(self, **kwargs):
        raise ConnectionError(f"gateway down for {kwargs['phone']}")

    monkeypatch.setattr(sms.LocmemBackend, "send_notice", broken)
    app = apply_to(demo.org("河套科创工会"))
    caplog.set_level(logging.ERROR, logger="zhijia.members")
    with django_capture_on_commit_callbacks(execute=True):
        approved = joining.application_approve(actor=None, application=app)
    assert approved.status == ApplicationStatus.APPROVED
    assert "join_approved" in caplog.text and "139****0001" in caplog.text
    assert phone_of(1) not in caplog.text  # the phone stays masked in the log
