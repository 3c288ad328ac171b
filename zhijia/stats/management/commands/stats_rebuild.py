import time

from django.core.management.base import BaseCommand

from zhijia.stats.rebuild import cells_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every statistics cell from the whole ledger (a backfill, or after a change to "
        "what the cells hold): set-based on PostgreSQL, a full refold elsewhere."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(label: str) -> None:
            self.stdout.write(f"{label} written ({time.monotonic() - started:.0f} s)")

        self.stdout.write(f"{cells_rebuild(progress)} ledger rows counted.")
