# The ledger count's copy (labour.sorting): each status period carries its record's village, filled
# for the rows already there, and the periods' status index leads with it.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    StatusPeriod = apps.get_model("labour", "StatusPeriod")
    RegistryPerson = apps.get_model("labour", "RegistryPerson")
    StatusPeriod.objects.update(
        org_id=Subquery(RegistryPerson.objects.filter(pk=OuterRef("entry_id")).values("org_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('labour', '0002_ledger_order_key'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='statusperiod',
            name='org',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='statusperiod',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org'),
        ),
        migrations.RemoveIndex(
            model_name='statusperiod',
            name='labour_stat_status_df377e_idx',
        ),
        migrations.AddIndex(
            model_name='statusperiod',
            index=models.Index(fields=['org', 'status', 'starts_on', 'ends_on'], name='labour_period_ledger_count'),
        ),
    ]
