"""SQLite: audit rows are append-only too. Triggers refuse UPDATE and DELETE on core_auditentry
and core_auditseal (SQLite has no TRUNCATE; its DELETE without WHERE is refused the same way).

SQLite has no roles: whoever can write the database file can drop a trigger, so this guards
against the application itself (a stray ORM update, an injected statement), like the PostgreSQL
trigger does for the application role; the anchored chain head (core.audit_chain) is what shows
a cut-off end either way.
"""

from django.db import migrations

TABLES = ("core_auditentry", "core_auditseal")


def create_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only ({op} on {table})'); END"
        for op in ("UPDATE", "DELETE")
    ]


def drop_sql(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for sql in create_sql(table):
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for sql in drop_sql(table):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar_and_counters")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
