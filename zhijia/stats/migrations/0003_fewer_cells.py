"""Slices lose their day cells at l4…l6 (stats.fold.slice_days), and the reads no longer use the
(period, start, dim) index. Cells folded before this would count those days twice (their old day
cells and the ledger's edge rows), so every cell is dropped and the ledger refolded: the next
folds (`manage.py stats_fold`, or the beat every 30 s) rebuild them, oldest rows first."""

from django.db import migrations


def refold(apps, schema_editor):
    StatCell = apps.get_model("stats", "StatCell")
    if not StatCell.objects.exists():
        return
    StatCell.objects.all().delete()
    apps.get_model("records", "ServiceRecord").objects.filter(folded=True).update(folded=False)
    apps.get_model("stats", "FoldState").objects.update(rows=0)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_reports"),
        ("records", "0004_listed_source"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="statcell", name="stat_cell_period"),
        migrations.RunPython(refold, migrations.RunPython.noop),
    ]
