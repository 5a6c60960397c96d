"""Tell students of new 查验申请 naming them (run every minute from cron).

Matching happens here, not while the employer waits, so the public form's answer and timing
are the same whoever it names. Each request is told once (see verification.verifier_requests);
the students see their requests in the archive whether or not this has run yet.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from ...verifier_requests import notify_candidates


class Command(BaseCommand):
    help = "Send one SMS/email per student named by new verification requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count who would be told; send nothing"
        )

    def handle(self, *args: object, **options: object) -> None:
        told = notify_candidates(dry_run=bool(options["dry_run"]))
        verb = "would tell" if options["dry_run"] else "told"
        self.stdout.write(f"{verb} {told} accounts of new verification requests")
