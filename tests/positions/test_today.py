"""A station keeper's "today" page (issue 19): today's sessions held at my station (with the
check-in screen when I may open it), today's visits, and the next check-in, in one place."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import activity
from zhijia.accounts.services import user_create
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant
from zhijia.positions.services import visit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(demo):
    org = demo.org("福田区总")
    user = user_create(actor=None, username="futian_keeper", password="Zx-test-pass-1", org=org)
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code="station_keeper"))
    return user


def test_today_page_shows_sessions_visits_and_checkin(demo, keeper, make_position):
    station = make_position()
    other = make_position()
    now = timezone.localtime()
    soon = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if soon.date() != now.date():  # late evening: a session earlier today
        soon = now.replace(hour=0, minute=5, second=0, microsecond=0)
    today_act = activity(demo.org("福田区总"), position=station, starts_at=soon, title="今日健康讲座")
    activity(demo.org("福田区总"), position=station, title="下月活动")  # 40 days ahead: not today
    activity(demo.org("福田区总"), position=other, starts_at=soon, title="别处的讲座")
    visit_record(actor=keeper, position=station, visitor_group="courier", services=[])
    client = Client()
    client.force_login(keeper)
    response = client.get(reverse("staff:station_today"))
    page = response.content.decode()
    assert response.status_code == 200
    block = page[page.index(f'data-station="{station.pk}"') :]
    block = block[: block.index("</section>")]
    assert "今日健康讲座" in block and "下月活动" not in block and "别处的讲座" not in block
    session = today_act.sessions.get()
    assert reverse("staff:session_checkin", args=[session.pk]) in block
    assert 'data-testid="today-visits">1<' in block
    assert f"{reverse('staff:visit_new')}?position={station.pk}" in block


def test_today_page_needs_the_visits_capability(demo, staff_client):
    assert staff_client("auditor").get(reverse("staff:station_today")).status_code == 403
