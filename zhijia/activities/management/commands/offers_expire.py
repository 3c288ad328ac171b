from django.core.management.base import BaseCommand

from zhijia.activities.services.enrolment import offers_expire


class Command(BaseCommand):
    help = (
        "Expire offered places past their hold time and offer them to the next on the waiting list "
        "(what the `activities-offers-expire` beat entry does; run it from cron without a broker)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{offers_expire()} offers expired.")
