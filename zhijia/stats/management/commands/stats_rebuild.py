from django.core.management.base import BaseCommand

from zhijia.stats.fold import fold_all, refold_everything


class Command(BaseCommand):
    help = (
        "Drop every statistics cell and fold the whole ledger again, oldest rows first (after a "
        "change to what the cells hold; figures are incomplete until it finishes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=50000, help="ledger rows per fold transaction")

    def handle(self, *args, **options):
        refold_everything()
        self.stdout.write(f"{fold_all(limit=options['batch'])} ledger rows folded.")
