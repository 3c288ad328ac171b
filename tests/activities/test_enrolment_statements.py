"""What one enrolment costs the database over the API (issue 17: at most 8 statements): the
token, the activity, the worker's person, the person's lock, the membership check, the guarded
slot UPDATE (which also re-checks the activity is published), the INSERT and its audit entry.
A waitlisted answer also counts the places ahead (`waitlist_position`): one more. SAVEPOINT /
RELEASE are the test's transaction standing in for BEGIN / COMMIT and not counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijia.activities.models import Enrolment

from .support import activity, worker
from .test_enrolment_api import as_worker, url


def _statements(ctx) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def futian(demo):
    return demo.org("福田区总")


@pytest.mark.parametrize(("capacity", "status", "budget"), [(5, "confirmed", 8), (1, "waitlisted", 9)])
def test_an_enrolment_takes_at_most_eight_statements(api_client, futian, capacity, status, budget):
    act = activity(futian, capacity=capacity)
    first, _ = worker(futian)
    assert as_worker(api_client, first).post(url(act)).status_code == 201  # warm caches, fill a place
    user, _ = worker(futian)
    client = as_worker(api_client, user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url(act))
    assert response.status_code == 201 and response.json()["status"] == status
    statements = _statements(ctx)
    assert len(statements) <= budget, "\n".join(s[:160] for s in statements)


def test_the_refusals_keep_their_order_and_leave_the_counters_alone(api_client, futian):
    """Without the up-front duplicate look-up: a second enrolment is refused by the constraint
    (already_enrolled, counters rolled back); on a full activity without a waiting list it is
    still already_enrolled, not full."""
    act = activity(futian, capacity=1, waitlist_enabled=False)
    user, _ = worker(futian)
    client = as_worker(api_client, user)
    assert client.post(url(act)).status_code == 201
    act.refresh_from_db()
    before = (act.taken, act.arrivals)
    again = client.post(url(act))
    assert again.status_code == 409 and again.json()["code"] == "already_enrolled"
    open_act = activity(futian, capacity=3)
    assert client.post(url(open_act)).status_code == 201
    dup = client.post(url(open_act))
    assert dup.status_code == 409 and dup.json()["code"] == "already_enrolled"
    open_act.refresh_from_db()
    act.refresh_from_db()
    assert (act.taken, act.arrivals) == before
    assert (open_act.taken, open_act.arrivals) == (1, 1)
    assert Enrolment.objects.filter(person__user=user).count() == 2
