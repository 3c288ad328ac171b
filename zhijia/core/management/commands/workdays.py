from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from zhijia.core.models import CalendarDay, CalendarDayKind


def _days(spec: str) -> list[date]:
    """`2026-10-01` or a range `2026-10-01..2026-10-07`."""
    first, _, last = spec.partition("..")
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last or first)
    except ValueError as exc:
        raise CommandError(f"not a date or date range: {spec!r}") from exc
    if end < start:
        raise CommandError(f"range ends before it starts: {spec!r}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


class Command(BaseCommand):
    help = (
        "Keep the working-day calendar from the State Council's holiday notice: "
        "`workdays --holiday 2026-10-01..2026-10-07 --name 国庆节 --workday 2026-09-27`; "
        "`workdays --list 2026` shows a year; `--clear DATE[..DATE]` removes entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--holiday", action="append", default=[], metavar="DATE[..DATE]")
        parser.add_argument(
            "--workday", action="append", default=[], metavar="DATE[..DATE]", help="调休 make-up day"
        )
        parser.add_argument("--clear", action="append", default=[], metavar="DATE[..DATE]")
        parser.add_argument("--name", default="")
        parser.add_argument("--list", type=int, metavar="YEAR", dest="year")

    def handle(self, *args, holiday, workday, clear, name, year: int | None, **options):
        for spec in clear:
            CalendarDay.objects.filter(date__in=_days(spec)).delete()
        for kind, specs in ((CalendarDayKind.HOLIDAY, holiday), (CalendarDayKind.WORKDAY, workday)):
            for spec in specs:
                for day in _days(spec):
                    CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        if year:
            for entry in CalendarDay.objects.filter(date__year=year):
                self.stdout.write(f"{entry.date} {entry.kind:<8} {entry.name}")
