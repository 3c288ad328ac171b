from django.core.management.base import BaseCommand

from zhijia.casework.services.tick import cases_tick


class Command(BaseCommand):
    help = "Remind case handlers of clocks falling due (what the `casework-cases-tick` beat entry does)."

    def handle(self, *args, **options):
        counts = cases_tick()
        self.stdout.write(f"{counts['reminded']} reminders sent.")
