from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from zhijia.core import crypto
from zhijia.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the current key (the first in FIELD_ENCRYPTION_KEYS). "
        "Rotate by prepending a new key, running this, then removing the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch: int, **options):
        current = crypto.current_key_id()
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.name for f in fields]
            columns = [f.column for f in fields]
            changed = 0
            manager = model._default_manager
            # Check the raw ciphertext's key id per row; rewrite (re-encrypt) rows on an old key.
            for pk in manager.values_list("pk", flat=True).iterator(chunk_size=batch):
                with transaction.atomic():
                    obj = manager.select_for_update().get(pk=pk)
                    stale = self._stale(model, pk, columns, current)
                    if stale:
                        manager.filter(pk=pk).update(**{n: getattr(obj, n) for n in names})
                        changed += 1
            self.stdout.write(f"{model._meta.label}: {changed} rows re-encrypted with key {current!r}")

    @staticmethod
    def _stale(model, pk, columns, current) -> bool:
        from django.db import connection

        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        pk_col = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {cols} FROM {table} WHERE {pk_col} = %s",  # noqa: S608 - identifiers quoted
                [model._meta.pk.get_db_prep_value(pk, connection)],
            )
            row = cur.fetchone()
        return any(value and crypto.key_id_of(value) != current for value in row)
