"""The contests on the phone: the list (public), an event's results only once locked (names
masked), and the worker's own prizes with the certificate link."""

import pytest

from tests.contests.test_contests import _setup
from tests.support import leaks
from zhijia.accounts.models import User, UserKind
from zhijia.contests.models import Entry, Event

pytestmark = pytest.mark.django_db


def test_contests_on_the_phone(demo, client):
    contest, event, entries, _units = _setup(demo)
    page = client.get("/h5/contests/").content.decode()
    assert contest.title in page and event.title in page
    r = client.get(f"/h5/contests/events/{event.pk}/")
    assert r.status_code == 200 and 'data-testid="results"' not in r.content.decode()
    Entry.objects.filter(pk=entries[0].pk).update(rank=1, award="first")
    Event.objects.filter(pk=event.pk).update(locked=True)
    page = client.get(f"/h5/contests/events/{event.pk}/").content.decode()
    names = [p.name for e in entries for p in e.people.all()]
    assert 'data-testid="result"' in page and not any(n in page for n in names) and not leaks(page)
    assert client.get("/h5/contests/events/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/h5/contests/events/nope/").status_code == 404
    assert client.get("/h5/contests/mine/").status_code == 302  # login first
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    person = entries[0].people.first()
    person.user = worker
    person.save(update_fields=["user"])
    client.force_login(worker)
    mine = client.get("/h5/contests/mine/").content.decode()
    assert f"/api/v1/contests/registrations/{entries[0].pk}/certificate.pdf" in mine
