from django.core.management.base import BaseCommand

from zhijia.stats.rebuild import cells_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every statistics cell from the whole ledger (a backfill, or after a change to "
        "what the cells hold): set-based on PostgreSQL, a full refold elsewhere."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{cells_rebuild()} ledger rows counted.")
