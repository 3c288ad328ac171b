"""The hash chain: canonical form, sealing, tamper detection (SQLite always, PostgreSQL when
DATABASE_URL points at it), the audit_verify/audit_seal commands, and on PostgreSQL the
append-only trigger and concurrent writers."""

import importlib
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from zhijia.core import context
from zhijia.core.audit import audit_log
from zhijia.core.audit_chain import canonical, seal_pending, verify
from zhijia.core.models import AuditEntry, AuditSeal

AUDIT_TABLES = ("core_auditentry", "core_auditseal")
SQLITE_TRIGGERS = importlib.import_module("zhijia.core.migrations.0004_audit_append_only_sqlite")
pytestmark = pytest.mark.django_db


def write_entries(n: int, action: str = "test.write") -> list[AuditEntry]:
    return [audit_log(actor=None, action=action, data={"n": i}) for i in range(n)]


@contextmanager
def attacker():
    """Raw SQL with the append-only triggers off: someone with owner access to the database."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        if pg:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
            for table in AUDIT_TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        else:
            for table in AUDIT_TABLES:
                for sql in SQLITE_TRIGGERS.drop_sql(table):
                    cur.execute(sql)
        try:
            yield cur
        finally:
            if pg:
                for table in AUDIT_TABLES:
                    cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for table in AUDIT_TABLES:
                    for sql in SQLITE_TRIGGERS.create_sql(table):
                        cur.execute(sql)


def raw_insert_entry(cur, *, at: datetime) -> int:
    cur.execute(
        "INSERT INTO core_auditentry"
        " (at, actor_label, org_path, action, object_type, object_id, outcome, data)"
        " VALUES (%s, 'ghost', '', 'user.create', '', '', 'success', %s)",
        [connection.ops.adapt_datetimefield_value(at), '{"forged": true}'],
    )
    return AuditEntry.objects.get(actor_label="ghost").id


def run_verify() -> tuple[str, str]:
    """(stdout, stderr) of `manage.py audit_verify`; raises CommandError (exit 1) on problems."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- canonical form and sealing ---------------------------------------------------------------


def test_canonical_form_survives_the_database_round_trip():
    token = context.set_current(context.RequestContext(ip="2001:0db8:0000:0000:0000:0000:0000:0001"))
    try:
        written = audit_log(
            actor=None,
            action="test.unicode",
            data={
                "z": "职家 𠀀 café",
                "a": {"y": [1, 2.5, None, True], "b": 0.1},
                "big": 1e20,
                "bigger": 1e23,  # jsonb gives back 10**23, not the float's binary value
                "one": 1.0,
                "neg_zero": -0.0,
                "huge": 12345678901234567890123456789012345,
                "nul": "a\x00b",
            },
        )
    finally:
        context.reset(token)
    read = AuditEntry.objects.get(pk=written.pk)
    assert canonical(read) == canonical(written)
    assert read.data["nul"] == "a\ufffdb"  # PostgreSQL refuses NUL; it is replaced, not lost silently
    assert seal_pending() == 1
    assert verify().ok


def test_seal_is_idempotent_and_in_entry_order():
    entries = write_entries(5)
    assert seal_pending() == 5
    assert seal_pending() == 0
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.seq for s in seals] == [1, 2, 3, 4, 5]
    assert [s.entry_id for s in seals] == [e.id for e in entries]
    assert AuditEntry.objects.get(pk=entries[0].pk).seal_seq == 1


def test_seal_in_batches():
    write_entries(7)
    assert seal_pending(batch=3) == 7
    assert AuditSeal.objects.count() == 7
    assert verify().ok


def test_a_late_entry_gets_a_later_seal():
    first = write_entries(2)
    seal_pending()
    late = write_entries(1)
    seal_pending()
    assert AuditSeal.objects.get(entry=late[0]).seq == 3
    assert verify().ok and verify().checked == len(first) + 1


def inverted_pair(first_at: datetime) -> tuple[AuditEntry, AuditEntry]:
    """Two writers stamp, then insert: the later stamp got the smaller id, and its transaction
    commits after the sealer has sealed the other one."""
    sealed = AuditEntry.objects.create(id=1_000, at=first_at, action="test.first_stamp")
    seal_pending()
    late = AuditEntry.objects.create(id=900, at=first_at + timedelta(milliseconds=1), action="test.late")
    return sealed, late


@pytest.mark.parametrize("history", [False, True], ids=["young table", "hours of history"])
def test_an_entry_with_a_smaller_id_but_a_later_stamp_is_still_sealed(history):
    now = timezone.now()
    if history:
        AuditEntry.objects.create(id=10, at=now - timedelta(hours=3), action="test.old")
        AuditEntry.objects.create(id=20, at=now - timedelta(hours=2), action="test.old")
    sealed, late = inverted_pair(now)
    assert seal_pending() == 1
    assert AuditSeal.objects.get(entry=late).seq == AuditSeal.objects.get(entry=sealed).seq + 1
    assert verify().ok


def test_audit_seal_command(capsys):
    write_entries(3)
    call_command("audit_seal")
    assert "Sealed 3 entries" in capsys.readouterr().out
    call_command("audit_seal", "--all")
    assert "Sealed 0 entries" in capsys.readouterr().out


def test_on_commit_seals_inline_in_the_embedded_default(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit_log(actor=None, action="test.commit")
    assert AuditEntry.objects.get(pk=entry.pk).seal_seq is not None


# --- verification and tampering ---------------------------------------------------------------


def test_clean_chain_verifies():
    write_entries(4)
    seal_pending()
    out, _ = run_verify()
    assert "OK: 4 entries sealed and verified" in out


def test_changed_entry_is_named():
    entries = write_entries(5)
    seal_pending()
    victim = entries[2]
    with attacker() as cur:
        cur.execute("UPDATE core_auditentry SET action = 'org.forged' WHERE id = %s", [victim.id])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert exc.value.returncode == 1
    assert f"entry #{victim.id} " in str(exc.value)
    problems = verify().problems
    assert [(p.kind, p.entry_id) for p in problems] == [("changed", victim.id)]


def test_changed_data_is_detected():
    entries = write_entries(3)
    seal_pending()
    with attacker() as cur:
        cur.execute("UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"n": 99}', entries[0].id])
    assert [(p.kind, p.entry_id) for p in verify().problems] == [("changed", entries[0].id)]


def test_deleted_entry_is_reported():
    entries = write_entries(5)
    seal_pending()
    victim = entries[1]
    with attacker() as cur:
        cur.execute("DELETE FROM core_auditseal WHERE entry_id = %s", [victim.id])
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [victim.id])
    problems = verify().problems
    assert [(p.kind, p.entry_id, p.missing) for p in problems] == [("deleted", entries[2].id, "#2")]
    with pytest.raises(CommandError):
        run_verify()


def test_deleted_first_entries_are_reported():
    entries = write_entries(3)
    seal_pending()
    with attacker() as cur:
        cur.execute("DELETE FROM core_auditseal WHERE seq = 1")
    first = verify().problems[0]
    assert (first.kind, first.entry_id) == ("deleted", entries[1].id)


def test_inserted_entry_is_reported():
    write_entries(3)
    seal_pending()
    with attacker() as cur:
        ghost = raw_insert_entry(cur, at=timezone.now() - timedelta(days=2))
    seal_pending()  # a backdated row is older than the sealer looks back: it stays unsealed
    assert [(p.kind, p.entry_id) for p in verify().problems] == [("unsealed", ghost)]
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert f"entry #{ghost} " in str(exc.value)


def test_unsealed_entry_is_reported_only_after_the_grace_period():
    write_entries(2)
    seal_pending()
    with attacker() as cur:
        ghost = raw_insert_entry(cur, at=timezone.now())
    assert verify().ok and verify().pending == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert [p.entry_id for p in verify().problems] == [ghost]
    assert [p.entry_id for p in verify(grace=timedelta(0)).problems] == [ghost]


def test_forged_seal_is_detected():
    entries = write_entries(3)
    seal_pending()
    with attacker() as cur:
        cur.execute("UPDATE core_auditseal SET hash = %s WHERE seq = 2", ["f" * 64])
    kinds = [(p.kind, p.entry_id) for p in verify().problems]
    assert kinds[0] == ("changed", entries[1].id)


def test_chain_depends_on_the_key(settings):
    write_entries(2)
    seal_pending()
    settings.AUDIT_HMAC_KEY = "another-key"
    assert len(verify().problems) == 2


# --- the append-only trigger (PostgreSQL and, since issue 16, SQLite) ---------------------------


def _refused(fn) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        fn()


def test_trigger_refuses_update_and_delete_through_the_orm():
    entry = write_entries(1)[0]
    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="x.changed"))
    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).delete())
    seal_pending()
    _refused(lambda: AuditSeal.objects.filter(entry=entry).update(hash="0" * 64))
    _refused(lambda: AuditSeal.objects.filter(entry=entry).delete())
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"
    assert verify().ok


def test_trigger_refuses_raw_sql():
    entry = write_entries(1)[0]
    seal_pending()

    def raw(sql):
        return lambda: connection.cursor().execute(sql, [entry.id] if "%s" in sql else None)

    _refused(raw("UPDATE core_auditentry SET data = '{}' WHERE id = %s"))
    _refused(raw("DELETE FROM core_auditseal WHERE entry_id = %s"))
    _refused(raw("DELETE FROM core_auditentry WHERE id = %s"))
    assert verify().ok


@pytest.mark.postgres
def test_trigger_refuses_truncate_for_an_ordinary_role():
    with connection.cursor() as cur:
        cur.execute("CREATE ROLE zhijia_app_test NOLOGIN")
        cur.execute("GRANT ALL ON core_auditentry, core_auditseal TO zhijia_app_test")
        cur.execute("SET LOCAL ROLE zhijia_app_test")
        try:
            _refused(lambda: cur.execute("TRUNCATE core_auditseal"))
        finally:
            cur.execute("RESET ROLE")


# --- PostgreSQL: concurrent writers and sealers -----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_are_each_sealed_exactly_once():
    threads, per_thread, errors = 6, 15, []
    barrier = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                # Each entry in its own transaction; its on_commit seals inline (eager mode),
                # so sealers race each other as well as the writers.
                with transaction.atomic():
                    audit_log(actor=None, action="test.concurrent", data={"thread": n, "i": i})
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    seal_pending()
    total = threads * per_thread
    assert AuditEntry.objects.count() == total
    seqs = list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert AuditSeal.objects.values("entry").distinct().count() == total
    result = verify()
    assert result.ok and result.checked == total
