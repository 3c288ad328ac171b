from django.core.management.base import BaseCommand

from zhijia.members.services.ledgers import exports_purge


class Command(BaseCommand):
    help = (
        "Delete stored member exports older than MEMBERS_EXPORT_FILE_TTL seconds, downloaded or not "
        "(what the `members-exports-purge` beat entry does; run it from cron without a broker)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{exports_purge()} stored exports deleted.")
