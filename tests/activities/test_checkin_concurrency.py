"""Check-in racing on PostgreSQL: the same person scanned at the door by several staff and
scanning the session code at once gets one attendance and one service record."""

import threading

import pytest
from django.db import connection

from tests.activities.support import activity, worker
from zhijia.accounts.models import User
from zhijia.activities.enums import EnrolmentStatus
from zhijia.activities.models import Attendance, Enrolment
from zhijia.activities.services import checkin
from zhijia.demo.seed import seed
from zhijia.orgs.models import Org
from zhijia.records.models import ServiceRecord

pytestmark = [pytest.mark.postgres]
THREADS = 10


def test_concurrent_scans_make_one_attendance(transactional_db):
    seed(password="Demo-pass-2026")
    org = Org.objects.get(short_name="福田区总")
    act = activity(org)
    user, person = worker(org)
    Enrolment.objects.create(
        activity=act, person=person, holder=f"{person.pk}:-:-", status=EnrolmentStatus.CONFIRMED, arrival=1
    )
    act.taken, act.arrivals, act.last_placed = 1, 1, 1
    act.save()
    session = act.sessions.get()
    code = checkin.session_code(session)
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS
    staff = User.objects.get(username="futian_staff")

    def run(i: int) -> None:
        try:
            barrier.wait()
            if i % 2:
                results[i] = checkin.checkin_by_code(user=user, code=code).pk
            else:
                enrolment = Enrolment.objects.get(activity=act)
                results[i] = checkin.checkin_mark(actor=staff, session=session, enrolment=enrolment).pk
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1, results
    assert Attendance.objects.count() == 1
    assert ServiceRecord.objects.filter(source="activity").count() == 1
