"""On PostgreSQL the database itself keeps an expert from holding two booked orders at
overlapping times: an exclusion constraint over (expert, [starts_at, ends_at)) for the booked
statuses (dispatch.enums.BOOKED). SQLite has no exclusion constraints; there the service locks
the expert row and checks, and SQLite serialises writers anyway."""

from django.db import migrations

BOOKED = "('accepted', 'delivered', 'confirmed', 'disputed', 'settled')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE dispatch_serviceorder ADD CONSTRAINT expert_no_overlap EXCLUDE USING gist"
    " (expert_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    f" WHERE (expert_id IS NOT NULL AND starts_at IS NOT NULL AND status IN {BOOKED})",
]
BACKWARD = ["ALTER TABLE dispatch_serviceorder DROP CONSTRAINT IF EXISTS expert_no_overlap"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
