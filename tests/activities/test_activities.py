"""Activity lifecycle services: create, from a plan entry, edit, publish, cancel, finish,
duplicate, sessions."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.activities.support import activity, member, worker
from zhijia.accounts import sms
from zhijia.activities.enums import ActivityStatus, EnrolmentStatus
from zhijia.activities.models import Activity, Attendance, Enrolment, Session
from zhijia.activities.services import activities as svc
from zhijia.activities.services.enrolment import enrolment_create
from zhijia.catalog.models import ActivityPlan, PlanEntry
from zhijia.core.errors import Conflict, NotFound, ValidationFailed
from zhijia.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _when(days: int, hour: int = 9) -> dt.datetime:
    base = timezone.localtime() + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def _data(**over):
    data = {
        "kind": "course",
        "title": "AI 办公技能培训",
        "capacity": 30,
        "sessions": [
            {"title": f"第{i + 1}讲", "starts_at": _when(10 + i), "ends_at": _when(10 + i, 11)}
            for i in range(3)
        ],
    }
    data.update(over)
    return data


def test_create_is_a_draft_spanning_its_sessions(demo):
    staff = demo.user("futian_staff")
    act = svc.activity_create(actor=staff, org=demo.org("福田区总"), data=_data())
    assert act.status == ActivityStatus.DRAFT
    assert act.sessions.count() == 3
    assert act.starts_at == _when(10) and act.ends_at == _when(12, 11)
    assert all(s.capacity == 0 for s in act.sessions.all())  # the activity's slot counts
    assert AuditEntry.objects.filter(action="activity.create", object_id=str(act.pk)).exists()


@pytest.mark.parametrize(
    "over, field",
    [
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"sessions": []}, "sessions"),
        ({"capacity": -1}, "capacity"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"occupations": ["astronaut"]}, "occupations"),
        ({"child_age_min": 10, "child_age_max": 6}, "child_age_max"),
        ({"position_id": "00000000-0000-0000-0000-000000000000"}, "position_id"),
        ({"sessions": [{"starts_at": _when(3, 11), "ends_at": _when(3, 9)}]}, "sessions.0.ends_at"),
    ],
)
def test_create_refuses_bad_data_naming_the_field(demo, over, field):
    with pytest.raises(ValidationFailed) as exc:
        svc.activity_create(actor=demo.user("futian_staff"), org=demo.org("福田区总"), data=_data(**over))
    assert field in exc.value.fields
    assert not Activity.objects.exists()


def test_from_plan_entry_prefills_a_draft(demo):
    org = demo.org("福田区总")
    plan = ActivityPlan.objects.create(org=org, year=2027, title="2027 活动清单")
    entry = PlanEntry.objects.create(
        plan=plan, title="非遗手作", category="文化", month=5, planned_participants=40
    )
    act = svc.activity_from_plan_entry(actor=demo.user("futian_staff"), entry=entry)
    assert (act.title, act.category, act.capacity, act.plan_entry_id, act.org_id) == (
        "非遗手作",
        "文化",
        40,
        entry.pk,
        org.pk,
    )
    first = timezone.localtime(act.sessions.get().starts_at)
    assert (first.year, first.month, first.day) == (2027, 5, 1)


def test_from_plan_entry_is_scoped(demo):
    plan = ActivityPlan.objects.create(org=demo.org("宝安区总"), year=2027, title="宝安清单")
    entry = PlanEntry.objects.create(plan=plan, title="x", month=3)
    with pytest.raises(NotFound):
        svc.activity_from_plan_entry(actor=demo.user("futian_staff"), entry=entry)


def test_update_changes_only_given_keys_and_capacity_goes_through_the_engine(demo):
    org = demo.org("福田区总")
    act = activity(org, capacity=1, waitlist_enabled=True)
    first, second = member(org), member(org)
    staff = demo.user("futian_staff")
    enrolment_create(actor=staff, activity=act, person=first, channel="staff")
    waiting = enrolment_create(actor=staff, activity=act, person=second, channel="staff")
    assert waiting.status == EnrolmentStatus.WAITLISTED
    svc.activity_update(actor=staff, activity=act, data={"capacity": 2, "summary": "新说明"})
    act.refresh_from_db()
    waiting.refresh_from_db()
    assert (act.capacity, act.summary, act.title) == (2, "新说明", act.title)
    assert waiting.status == EnrolmentStatus.OFFERED
    with pytest.raises(ValidationFailed) as exc:
        svc.activity_update(actor=staff, activity=act, data={"capacity": 1})
    assert exc.value.code == "capacity_below_taken"


def test_publish_needs_capacity_and_only_from_draft(demo):
    staff = demo.user("futian_staff")
    act = svc.activity_create(actor=staff, org=demo.org("福田区总"), data=_data(capacity=0))
    with pytest.raises(ValidationFailed):
        svc.activity_publish(actor=staff, activity=act)
    svc.activity_update(actor=staff, activity=act, data={"capacity": 5})
    act = svc.activity_publish(actor=staff, activity=act)
    assert act.status == ActivityStatus.PUBLISHED and act.published_at
    with pytest.raises(Conflict) as exc:
        svc.activity_publish(actor=staff, activity=act)
    assert exc.value.code == "invalid_transition"


def test_cancel_cancels_every_active_enrolment_and_notifies_on_commit(
    demo, django_capture_on_commit_callbacks
):
    org = demo.org("福田区总")
    act = activity(org, capacity=1)
    staff = demo.user("futian_staff")
    (u1, p1), (u2, p2) = worker(org), worker(org)
    held = enrolment_create(actor=u1, activity=act, person=p1)
    waiting = enrolment_create(actor=u2, activity=act, person=p2)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.activity_cancel(actor=staff, activity=act, reason="台风停课")
    act.refresh_from_db()
    assert act.status == ActivityStatus.CANCELLED and act.taken == 0 and act.cancel_reason == "台风停课"
    assert set(Enrolment.objects.filter(pk__in=[held.pk, waiting.pk]).values_list("status", flat=True)) == {
        EnrolmentStatus.CANCELLED
    }
    notices = [m for m in sms.outbox if m.get("template") == "activity_cancelled"]
    assert sorted(m["phone"] for m in notices) == sorted([u1.phone, u2.phone])
    with pytest.raises(Conflict):
        svc.activity_cancel(actor=staff, activity=act, reason="again")


def test_cancel_sends_nothing_when_it_rolls_back(demo, django_capture_on_commit_callbacks):
    act = activity(demo.org("福田区总"))
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        svc.activity_cancel(actor=demo.user("futian_staff"), activity=act, reason="  ")
    assert sms.outbox == []
    act.refresh_from_db()
    assert act.status == ActivityStatus.PUBLISHED


def test_duplicate_is_a_draft_one_calendar_month_later(demo):
    start = timezone.make_aware(dt.datetime(2027, 1, 31, 9, 0))
    act = activity(demo.org("福田区总"), sessions=2, starts_at=start)
    enrolment_create(
        actor=demo.user("futian_staff"), activity=act, person=member(demo.org("福田区总")), channel="staff"
    )
    copy = svc.activity_duplicate(actor=demo.user("futian_staff"), activity=act)
    assert copy.pk != act.pk and copy.status == ActivityStatus.DRAFT
    assert copy.enrolments.count() == 0 and copy.taken == 0
    starts = [timezone.localtime(s.starts_at) for s in copy.sessions.all()]
    assert [(s.month, s.day, s.hour) for s in starts] == [(2, 28, 9), (3, 1, 9)]
    assert copy.title == act.title and copy.capacity == act.capacity


def test_add_month_keeps_the_wall_clock():
    value = timezone.make_aware(dt.datetime(2027, 12, 15, 19, 30))
    shifted = timezone.localtime(svc.add_month(value))
    assert (shifted.year, shifted.month, shifted.day, shifted.hour, shifted.minute) == (2028, 1, 15, 19, 30)


def test_finish_updates_the_plan_entry_with_distinct_attendees(demo):
    org = demo.org("福田区总")
    plan = ActivityPlan.objects.create(org=org, year=2027, title="清单")
    entry = PlanEntry.objects.create(plan=plan, title="课程", month=1)
    start = timezone.now() - dt.timedelta(days=5)
    act = activity(org, sessions=2, starts_at=start, plan_entry=entry)
    people = [member(org), member(org)]
    sessions = list(act.sessions.all())
    for person in people:
        for s in sessions:
            Attendance.objects.create(
                session=s, person=person, holder=f"{person.pk}:-:-", method="staff", at=start
            )
    Attendance.objects.create(
        session=sessions[0], holder="anon:1", method="walk_in", visitor_group="courier", at=start
    )
    svc.activity_finish(actor=demo.user("futian_staff"), activity=act)
    entry.refresh_from_db()
    act.refresh_from_db()
    assert act.status == ActivityStatus.FINISHED
    assert (entry.held_times, entry.participants, entry.status) == (2, 3, "held")


def test_finish_waits_for_the_last_session_and_the_periodic_run_finishes_due_ones(demo):
    org = demo.org("福田区总")
    future = activity(org)
    with pytest.raises(Conflict):
        svc.activity_finish(actor=None, activity=future)
    past = activity(org, starts_at=timezone.now() - dt.timedelta(days=3))
    assert svc.activities_finish_due() == 1
    past.refresh_from_db()
    future.refresh_from_db()
    assert past.status == ActivityStatus.FINISHED and future.status == ActivityStatus.PUBLISHED


def test_sessions_add_update_delete(demo):
    staff = demo.user("futian_staff")
    act = activity(demo.org("福田区总"), sessions=1)
    extra = svc.session_add(
        actor=staff, activity=act, data={"starts_at": _when(60), "ends_at": _when(60, 12)}
    )
    act.refresh_from_db()
    assert act.ends_at == _when(60, 12)
    svc.session_update(actor=staff, session=extra, data={"title": "加场", "ends_at": _when(60, 13)})
    act.refresh_from_db()
    assert act.ends_at == _when(60, 13)
    first = act.sessions.order_by("starts_at").first()
    Attendance.objects.create(session=first, holder="anon:x", method="walk_in", at=timezone.now())
    with pytest.raises(Conflict):
        svc.session_delete(actor=staff, session=first)
    svc.session_delete(actor=staff, session=extra)
    assert not Session.objects.filter(pk=extra.pk).exists()
    lone = activity(demo.org("福田区总"), sessions=1).sessions.get()
    with pytest.raises(Conflict):  # the last session of a published activity stays
        svc.session_delete(actor=staff, session=lone)


def test_cancelled_activity_cannot_be_edited(demo):
    act = activity(demo.org("福田区总"), status=ActivityStatus.CANCELLED)
    with pytest.raises(Conflict):
        svc.activity_update(actor=demo.user("futian_staff"), activity=act, data={"title": "x"})
