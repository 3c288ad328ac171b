"""The statistics fold's `folded` flag on each ledger row gives way to a queue of its own
(`Unfolded`): marking a row counted rewrote the wide row and all its indexes (the flag sat in a
partial index's predicate); now the fold deletes a narrow queue row. Rows not yet folded are
queued here before the flag goes."""

from django.db import migrations, models

QUEUE = "INSERT INTO records_unfolded (record_id) SELECT id FROM records_servicerecord WHERE NOT folded"


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_listed_source"),
        ("stats", "0003_fewer_cells"),  # it marks the ledger unfolded: before the flag goes
    ]

    operations = [
        migrations.CreateModel(
            name="Unfolded",
            fields=[("record_id", models.UUIDField(primary_key=True, serialize=False))],
        ),
        migrations.RunSQL(QUEUE, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="servicerecord", name="record_unfolded"),
        migrations.RemoveField(model_name="servicerecord", name="folded"),
    ]
