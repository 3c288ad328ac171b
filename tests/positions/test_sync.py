"""Incremental sync: changes after a time, tombstones for deleted positions, cursor paging that
neither skips nor repeats, even when many rows share one updated_at."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from zhijia.positions.models import Position
from zhijia.positions.selectors import positions_changed_since, positions_sync
from zhijia.positions.services import position_delete, position_update

URL = "/api/v1/positions"


def test_tombstone_after_delete_not_in_items(make_position, demo, client):
    kept, doomed = make_position(), make_position()
    since = timezone.now()
    position_update(actor=demo.user("province_admin"), position=kept, data={"name": "改名"})
    position_delete(actor=demo.user("province_admin"), position=doomed)
    body = client.get(URL, {"updated_since": since.isoformat()}).json()
    assert [i["id"] for i in body["items"]] == [str(kept.pk)]
    assert [t["id"] for t in body["tombstones"]] == [str(doomed.pk)]
    assert body["tombstones"][0]["deleted_at"]
    assert body["next"] is None and body["until"]
    # nothing changed since the last page's `until`
    body = client.get(URL, {"updated_since": body["until"]}).json()
    assert body["items"] == [] and body["tombstones"] == []
    # a first sync (no updated_since) lists live positions only
    first = client.get(URL).json()
    assert str(kept.pk) in {i["id"] for i in first["items"]}
    assert str(doomed.pk) not in {i["id"] for i in first["items"]} and first["tombstones"] == []


def test_cursor_paging_visits_every_change_once(make_position):
    start = timezone.now() - timedelta(seconds=1)
    made = [make_position().pk for _ in range(7)]
    seen, since, pages = [], start, 0
    while True:
        items, tombstones, cursor = positions_changed_since(since=since, limit=3)
        assert tombstones == []
        seen.extend(p.pk for p in items)
        pages += 1
        if cursor is None:
            break
        since = cursor
    assert seen == made and pages == 3


def test_page_never_splits_a_timestamp(make_position):
    start = timezone.now() - timedelta(seconds=1)
    first = make_position().pk
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        same = [make_position().pk for _ in range(4)]
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        later = make_position().pk
    page = positions_sync(since=start, limit=2)  # ends before the four rows sharing one time
    assert [p.pk for p in page.items] == [first] and page.next is not None
    page = positions_sync(since=page.next, limit=2)  # they alone exceed the limit: all come together
    assert sorted(p.pk for p in page.items) == sorted(same) and page.next is not None
    page = positions_sync(since=page.next, limit=2)
    assert [p.pk for p in page.items] == [later] and page.next is None


def test_bad_since_is_400(db, client):
    response = client.get(URL, {"updated_since": "yesterday"})
    assert response.status_code == 400 and "updated_since" in response.json()["fields"]
    response = client.get(URL, {"updated_since": "2026-01-01T00:00:00"})  # no zone
    assert response.status_code == 400


def test_sync_api_pages_with_cursor(make_position, client, monkeypatch):
    from zhijia.api import positions as api

    monkeypatch.setattr(api, "SYNC_PAGE", 2)
    start = (timezone.now() - timedelta(seconds=1)).isoformat()
    made = {str(make_position().pk) for _ in range(5)}
    body = client.get(URL, {"updated_since": start}).json()
    seen = [i["id"] for i in body["items"]]
    while body["next"]:
        body = client.get(URL, {"updated_since": start, "cursor": body["next"]}).json()
        seen += [i["id"] for i in body["items"]]
    assert len(seen) == 5 and set(seen) == made
    assert Position.objects.count() >= 5


def test_sync_query_count_does_not_grow(make_position, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijia.positions.models import Room

    start = (timezone.now() - timedelta(seconds=1)).isoformat()

    def count(n):
        for _ in range(n):
            Room.objects.create(position=make_position(), name="室")
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(URL, {"updated_since": start}).json()
        return len(ctx.captured_queries), len(body["items"])

    few, n_few = count(2)
    many, n_many = count(15)
    assert (n_few, n_many) == (2, 17) and few == many <= 5
