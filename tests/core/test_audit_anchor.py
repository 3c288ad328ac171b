"""Issue 16 §3: the chain head is anchored outside the database at every seal run, and
audit_verify sees entries cut off the end of the chain (which the chain alone cannot)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.core.test_audit_chain import attacker
from zhijia.core.audit import audit_log
from zhijia.core.audit_chain import read_anchors, seal_pending, verify
from zhijia.core.models import AuditEntry, AuditSeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor(settings, tmp_path):
    path = tmp_path / "audit-anchor.log"
    settings.AUDIT_ANCHOR_FILE = str(path)
    return path


def seal(capture) -> None:
    with capture(execute=True):  # the head is anchored once the seals commit
        seal_pending()


def write(n: int) -> list[AuditEntry]:
    return [audit_log(actor=None, action="test.anchor", data={"n": i}) for i in range(n)]


def cut_off_the_end(n: int) -> None:
    """What an attacker with database access does: delete the newest n entries and their seals."""
    victims = list(AuditSeal.objects.order_by("-seq").values_list("seq", "entry_id")[:n])
    with attacker() as cur:
        for seq, entry_id in victims:
            cur.execute("DELETE FROM core_auditseal WHERE seq = %s", [seq])
            cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entry_id])


def test_each_seal_run_appends_a_signed_head(anchor, django_capture_on_commit_callbacks):
    write(3)
    seal(django_capture_on_commit_callbacks)
    write(2)
    seal(django_capture_on_commit_callbacks)
    lines = [json.loads(line) for line in anchor.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [lines[0]["count"], lines[1]["count"]]
    head = AuditSeal.objects.order_by("-seq").first()
    assert lines[-1]["seq"] == head.seq and lines[-1]["hash"] == head.hash
    assert read_anchors(str(anchor)).head.seq == head.seq
    assert verify().ok and verify().anchored_seq == head.seq


def test_cutting_off_the_newest_entries_is_reported(anchor, django_capture_on_commit_callbacks):
    write(5)
    seal(django_capture_on_commit_callbacks)
    head = AuditSeal.objects.order_by("-seq").first().seq
    cut_off_the_end(3)
    assert verify(anchor_file="").ok  # the chain alone cannot see it: a valid, shorter chain
    result = verify()
    assert [p.kind for p in result.problems] == ["truncated"]
    assert result.problems[0].missing == f"#{head - 2}-#{head}"
    with pytest.raises(CommandError, match=r"cut off"):
        call_command("audit_verify")


def test_a_forged_anchor_line_does_not_count(anchor, django_capture_on_commit_callbacks):
    write(2)
    seal(django_capture_on_commit_callbacks)
    line = json.loads(anchor.read_text().splitlines()[-1])
    forged = {**line, "seq": line["seq"] - 1, "count": line["count"] - 1}  # an attacker "shortens" it
    with anchor.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    result = verify()
    assert [p.kind for p in result.problems] == ["anchor"]


def test_a_missing_anchor_file_is_reported_once_there_are_seals(anchor, django_capture_on_commit_callbacks):
    assert verify().ok  # a fresh install: nothing sealed, nothing anchored
    write(1)
    seal(django_capture_on_commit_callbacks)
    anchor.unlink()
    assert [p.kind for p in verify().problems] == ["anchor"]


def test_a_rewritten_chain_does_not_match_its_anchor(anchor, django_capture_on_commit_callbacks, settings):
    write(2)
    seal(django_capture_on_commit_callbacks)
    line = json.loads(anchor.read_text().splitlines()[-1])
    with attacker() as cur:
        cur.execute("UPDATE core_auditseal SET hash = %s WHERE seq = %s", ["e" * 64, line["seq"]])
    kinds = [p.kind for p in verify().problems]
    assert kinds.count("changed") == 2  # the seal's own hash check and the anchored head


def test_sqlite_refuses_update_and_delete_like_postgres():
    from django.db import DatabaseError, transaction

    entry = write(1)[0]
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="x"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: connection.cursor().execute("DELETE FROM core_auditentry"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.anchor").exists()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_still_flush_the_audit_tables():
    """The flush after a transactional test (e2e, concurrency) passes the SQLite triggers."""
    write(2)
    seal_pending()
    assert AuditSeal.objects.count() >= 2


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_tables_are_empty_and_protected_again():
    from django.db import DatabaseError, transaction

    assert not AuditSeal.objects.exists()
    write(1)
    for sql in ("DELETE FROM core_auditentry", "UPDATE core_auditentry SET action = 'x'"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql)
