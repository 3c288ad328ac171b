from django.core.management.base import BaseCommand

from zhijia.core.audit_chain import seal_pending
from zhijia.core.models import AuditSeal


class Command(BaseCommand):
    help = (
        "Seal pending audit entries into the hash chain (what the `audit-seal` beat task does). "
        "Safe to run at any time, also while the application runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="scan_all",
            help="Look at every entry, not only recent ones (after a very long transaction or a restore).",
        )

    def handle(self, *args, scan_all: bool, **options):
        sealed = seal_pending(lookback=None) if scan_all else seal_pending()
        head = AuditSeal.objects.order_by("-seq").first()
        head_text = f"seal #{head.seq} {head.hash}" if head else "empty chain"
        self.stdout.write(f"Sealed {sealed} entries; head: {head_text}")
