from django.core.management.base import BaseCommand

from zhijia.stats.fold import fold_all


class Command(BaseCommand):
    help = (
        "Count new service-ledger rows into the statistics rollups (what the `stats-fold` beat "
        "entry does every 30 seconds; run it from cron without a broker)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{fold_all()} ledger rows folded.")
