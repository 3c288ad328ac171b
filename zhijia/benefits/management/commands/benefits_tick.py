from django.core.management.base import BaseCommand

from zhijia.benefits.services.expiry import campaigns_tick


class Command(BaseCommand):
    help = (
        "Start and end voucher campaigns, carry unclaimed stock over, expire vouchers and promote "
        "lottery reserves (what the `benefits-tick` beat entry does; run it from cron without a broker)."
    )

    def handle(self, *args, **options):
        done = campaigns_tick()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
