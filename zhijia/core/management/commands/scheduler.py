import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhijia.core.scheduler import default_state_path, jobs_from_schedule, run_loop


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE inline, each when due, without a broker "
        "(what `make run` starts beside gunicorn; with a broker run `celery beat` instead). "
        "SIGTERM or Ctrl-C stops it after the job in hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit.")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="NAME",
            help="Only this schedule entry (repeatable).",
        )

    def handle(self, *args, once: bool, only: list[str], **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = sorted(set(only) - set(schedule))
        if unknown:
            raise CommandError(f"Not in CELERY_BEAT_SCHEDULE: {', '.join(unknown)}")
        jobs = jobs_from_schedule(schedule, only)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        run_loop(jobs, stop=stop, state_path=default_state_path(), once=once)
