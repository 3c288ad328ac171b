"""Year cells (period "y"): each unit's year is one cell, not twelve month cells. Derived here from
the month cells already folded (a year's 人次 and money are its months' sums, its people the union
of theirs), under the fold's lock; from now on the fold writes them with the months."""

from django.db import migrations


def derive_years(apps, schema_editor):
    if not apps.get_model("stats", "StatCell").objects.filter(period="m").exists():
        return
    from zhijia.stats.fold import lock_state
    from zhijia.stats.rebuild import years_rebuild

    lock_state()
    years_rebuild()


def drop_years(apps, schema_editor):
    apps.get_model("stats", "StatCell").objects.filter(period="y").delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_fewer_cells"), ("records", "0005_unfolded_queue")]

    operations = [migrations.RunPython(derive_years, drop_years)]
