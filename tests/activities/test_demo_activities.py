"""The demo activities (zhijia.demo.activities): created through the services, published with
registration open now, idempotent; with demo members, a few are enrolled."""

import pytest
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.accounts.phones import phone_index
from zhijia.activities.enums import HOLDING, ActivityKind, ActivityStatus, Delivery
from zhijia.activities.models import Activity, Enrolment
from zhijia.demo.activities import ACTIVITIES, CAMP_GROUP, CAMP_TITLE, seed_activities
from zhijia.demo.seed import WORKER_PHONE, seed

pytestmark = pytest.mark.django_db


def test_seed_creates_published_activities_once(demo):
    assert seed_activities() == len(ACTIVITIES)
    counts = (Activity.objects.count(), Enrolment.objects.count())
    assert seed_activities() == 0
    assert (Activity.objects.count(), Enrolment.objects.count()) == counts
    now = timezone.now()
    for activity in Activity.objects.all():
        assert activity.status == ActivityStatus.PUBLISHED
        assert activity.registration_opens_at <= now < activity.registration_closes_at
        assert activity.starts_at > now


def test_the_camp_and_the_course(demo):
    seed_activities()
    camp = Activity.objects.get(title=CAMP_TITLE)
    assert camp.org.name == "鹤山市桃源镇总工会"
    assert camp.kind == ActivityKind.CAMP
    assert (camp.capacity, camp.waitlist_enabled, camp.for_children) == (55, True, True)
    assert (camp.child_age_min, camp.child_age_max, camp.limit_group, camp.limit_count) == (
        6,
        12,
        CAMP_GROUP,
        1,
    )
    assert camp.sessions.count() == 10
    assert [q["id"] for q in camp.questions] == [
        "guardian", "pickup_name", "pickup_phone", "health", "emergency_name", "emergency_phone",
    ]  # fmt: skip
    course = Activity.objects.get(kind=ActivityKind.COURSE)
    assert course.delivery == Delivery.MIXED
    sessions = list(course.sessions.all())
    assert len(sessions) == 3
    assert all(s.live_url and s.replay_url for s in sessions)
    assert Activity.objects.get(kind=ActivityKind.TRAINING).certificate
    assert set(Activity.objects.values_list("kind", flat=True)) >= {
        ActivityKind.CAMP, ActivityKind.COURSE, ActivityKind.TRAINING,
        ActivityKind.LECTURE, ActivityKind.EVENT, ActivityKind.CONTEST,
    }  # fmt: skip


def test_with_members_rosters_have_people(demo):
    seed(password="Demo-pass-2026x", members=True)
    seed_activities()
    lecture = Activity.objects.get(kind=ActivityKind.LECTURE)
    assert lecture.enrolments.filter(status__in=HOLDING).count() == 6
    assert lecture.taken == 6
    assert Enrolment.objects.count() > 6
    worker = User.objects.get(phone_index=phone_index(WORKER_PHONE))  # not a member: never enrolled
    assert not Enrolment.objects.filter(person__user=worker).exists()
