from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from zhijia.core.audit_chain import UNSEALED_GRACE, verify


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain. Exit 0 and print 'OK: N entries sealed and verified', "
        "or print every problem (the first bad entry first) and exit 1. Read-only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=UNSEALED_GRACE.total_seconds() / 60,
            help="Report unsealed entries older than this (default %(default)s).",
        )
        parser.add_argument(
            "--anchor",
            default=None,
            help="The anchor file of signed chain heads to check against (default AUDIT_ANCHOR_FILE; "
            "give the copy kept off the box when checking a restored backup; '' to skip).",
        )

    def handle(self, *args, grace_minutes: float, anchor: str | None, **options):
        result = verify(grace=timedelta(minutes=grace_minutes), anchor_file=anchor)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"BAD: {problem}")
            count, first = len(result.problems), result.problems[0]
            raise CommandError(f"{count} problem(s) in the audit chain; first: {first}")
        self.stdout.write(f"OK: {result.checked} entries sealed and verified")
        head = f"seal #{result.head_seq} {result.head_hash}"
        self.stdout.write(f"head: {head}; {result.pending} waiting to be sealed")
        if result.anchored_seq is not None:
            self.stdout.write(f"anchored head: seal #{result.anchored_seq} matches")
