"""PostgreSQL: audit rows are append-only. A trigger refuses UPDATE, DELETE and TRUNCATE on
core_auditentry and core_auditseal for every role (SQLite has no roles; nothing to do there).

Only a table owner or superuser can switch the trigger off (ALTER TABLE ... DISABLE TRIGGER), so
production should run the application as a role that does not own these tables.
"""

from django.db import migrations

TABLES = ("core_auditentry", "core_auditseal")

FUNCTION = """
CREATE OR REPLACE FUNCTION zhijia_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Django's test flush truncates every table as a superuser. A superuser can bypass any
    -- trigger anyway, so letting TRUNCATE through for superusers alone protects no less.
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: keep RAISE's % as is
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION zhijia_audit_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION zhijia_audit_append_only()"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS zhijia_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
