"""The commit-ordered change feed (issue 19): an incremental client that keeps `changes` never
misses nor repeats a change — also when transactions commit out of order (PostgreSQL test
below); SQLite (one writer) keeps working."""

import threading
import time

import pytest
from django.db import connection, transaction

from zhijia.positions.models import Position, Room
from zhijia.positions.selectors import positions_feed, positions_feed_head
from zhijia.positions.services import position_delete, position_update

URL = "/api/v1/positions"

# The feed's horizon is the oldest transaction in flight on the whole PostgreSQL server: these
# tests run in the process of the permission matrix (whose module transaction would hold it back
# for minutes), not beside it (`--dist loadgroup` in the Makefile).
pytestmark = pytest.mark.xdist_group("long_transaction")


def settle(timeout: float = 60) -> None:
    """On PostgreSQL, wait until every transaction committed so far is below the feed's horizon
    (other sessions on a shared server may hold it back for a moment); SQLite: nothing to wait."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT txid_current()")
        mine = cur.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cur:
            cur.execute("SELECT txid_snapshot_xmin(txid_current_snapshot())")
            if cur.fetchone()[0] > mine:
                return
        time.sleep(0.1)


def drain(client, cursor, pages=None):
    """Every page from `cursor` on; returns (ids of items, ids of tombstones, the cursor to keep)."""
    settle()
    items, tombs = [], []
    while True:
        body = client.get(URL, {"changes": cursor}).json()
        items += [i["id"] for i in body["items"]]
        tombs += [t["id"] for t in body["tombstones"]]
        cursor = body["changes"]
        if pages is not None:
            pages.append(body)
        if body["next"] is None:
            return items, tombs, cursor


@pytest.mark.django_db(transaction=True)
def test_first_sync_then_changes_once_each(make_position, demo, client):
    admin = demo.user("province_admin")
    a, b, c = make_position(), make_position(), make_position()
    first = client.get(URL).json()
    assert {str(a.pk), str(b.pk), str(c.pk)} <= {i["id"] for i in first["items"]}
    kept = first["changes"]
    assert kept and kept.startswith("c")
    position_update(actor=admin, position=a, data={"name": "改名一"})
    position_update(actor=admin, position=a, data={"name": "改名二"})  # twice: sent once, as it is now
    Room.objects.create(position=b, name="活动室")
    from zhijia.positions.services.positions import touch

    touch(b)
    position_delete(actor=admin, position=c)
    items, tombs, kept = drain(client, kept)
    assert sorted(items) == sorted([str(a.pk), str(b.pk)]) and tombs == [str(c.pk)]
    assert client.get(URL, {"changes": kept}).json()["items"] == []  # nothing new: nothing repeated


@pytest.mark.django_db(transaction=True)
def test_feed_pages_never_split_or_repeat(make_position, client, monkeypatch):
    from zhijia.api import positions as api

    head = positions_feed_head()
    made = [str(make_position().pk) for _ in range(7)]
    monkeypatch.setattr(api, "SYNC_PAGE", 3)
    pages = []
    items, tombs, _kept = drain(client, head, pages)
    assert items == made and tombs == [] and len(pages) == 3


@pytest.mark.parametrize(
    "bad", ["", "yesterday", "c1", "c-1_2", "c1_x", "c99999999999999999999_1", "c1_" + "9" * 30, "2026-01-01"]
)
def test_bad_cursor_is_400(db, client, bad):
    response = client.get(URL, {"changes": bad})
    assert response.status_code == 400 and "changes" in response.json()["fields"]


@pytest.mark.django_db(transaction=True)
def test_selector_directly(make_position):
    head = positions_feed_head()
    p = make_position()
    settle()
    page = positions_feed(cursor=head)
    assert [x.pk for x in page.items] == [p.pk] and not page.more
    assert positions_feed(cursor=page.cursor).items == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_out_of_order_commits_are_neither_missed_nor_repeated(demo, client):
    """T1 changes A first (earlier txid, earlier updated_at) but commits last; T2 changes B and
    commits first. A client syncing in between must not move past A's change."""
    from zhijia.positions.services import position_create

    admin = demo.user("province_admin")
    org = demo.org("福田区总")
    base = {"kind": "outdoor_station", "address": "测试路", "lat": 30.0, "lng": 100.0}
    a = position_create(actor=admin, org=org, data={**base, "name": "甲驿站"})
    b = position_create(actor=admin, org=demo.org("宝安区总"), data={**base, "name": "乙驿站"})
    kept = client.get(URL).json()["changes"]
    t1_changed, t2_done, release = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow():
        try:
            with transaction.atomic():
                position_update(actor=admin, position=Position.objects.get(pk=a.pk), data={"name": "甲改"})
                t1_changed.set()
                release.wait(30)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def fast():
        try:
            t1_changed.wait(30)
            position_update(actor=admin, position=Position.objects.get(pk=b.pk), data={"name": "乙改"})
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            t2_done.set()
            connection.close()

    threads = [threading.Thread(target=slow), threading.Thread(target=fast)]
    for t in threads:
        t.start()
    t2_done.wait(30)
    # T2 has committed, T1 has not: the feed must not hand out B's change past A's
    seen_items: list[str] = []
    body = client.get(URL, {"changes": kept}).json()
    items, kept_mid = [i["id"] for i in body["items"]], body["changes"]
    seen_items += items
    assert str(a.pk) not in items
    # the old updated_at feed would now have moved past A's change for good
    release.set()
    for t in threads:
        t.join()
    assert errors == []
    items, _t, cursor = drain(client, kept_mid)
    seen_items += items
    assert sorted(seen_items) == sorted([str(a.pk), str(b.pk)])  # each exactly once
    assert drain(client, cursor)[0] == []
