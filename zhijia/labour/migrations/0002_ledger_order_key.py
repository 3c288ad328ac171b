# The ledger order's stored key (labour.sorting): copies of the village path, household number
# and pinyin on the registry row, filled for the rows already there, then indexed.

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    RegistryPerson = apps.get_model("labour", "RegistryPerson")
    Household = apps.get_model("labour", "Household")
    Org = apps.get_model("orgs", "Org")
    Person = apps.get_model("members", "Person")
    RegistryPerson.objects.update(
        sort_path=Subquery(Org.objects.filter(pk=OuterRef("org_id")).values("path")[:1]),
        sort_household=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("number")[:1]),
        sort_pinyin=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("name_pinyin")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('labour', '0001_initial'),
        ('members', '0004_person_search_trgm'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='registryperson',
            name='sort_household',
            field=models.CharField(blank=True, max_length=30, null=True),
        ),
        migrations.AddField(
            model_name='registryperson',
            name='sort_path',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='registryperson',
            name='sort_pinyin',
            field=models.CharField(blank=True, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='registryperson',
            index=models.Index(fields=['sort_path', 'group', 'sort_household', 'sort_pinyin', 'id'], name='labour_person_ledger_order'),
        ),
    ]
