from django.core.management.base import BaseCommand

from zhijia.dispatch.services.orders import orders_tick


class Command(BaseCommand):
    help = (
        "Time out expert orders not accepted in time and send the day-before reminders (what the "
        "`dispatch-orders-tick` beat entry does; run it from cron without a broker)."
    )

    def handle(self, *args, **options):
        counts = orders_tick()
        self.stdout.write(f"{counts['timed_out']} orders timed out, {counts['reminded']} reminders sent.")
