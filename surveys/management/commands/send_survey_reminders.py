"""Remind eligible students who have not answered an open survey, once per survey.

Safe to run from cron as often as you like (e.g. every morning): a person who has been
reminded, or has answered, is never reminded again for that survey.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from records.access import parse_public_id

from ...models import Survey
from ...reminders import open_surveys, remind


class Command(BaseCommand):
    help = "Send one SMS/email reminder per person for each open survey they have not answered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--survey", metavar="PUBLIC_ID", help="only this survey (its public id)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count who would be reminded; send nothing"
        )

    def handle(self, *args: Any, **options: object) -> None:
        surveys = open_surveys()
        if options["survey"]:
            try:
                wanted = parse_public_id(options["survey"])
            except Http404:
                raise CommandError("--survey must be a survey's public id (a UUID)") from None
            surveys = [survey for survey in surveys if survey.public_id == wanted]
            if not surveys:
                exists = Survey.objects.filter(public_id=wanted).exists()
                raise CommandError("that survey is not open" if exists else "no such survey")
        for survey in surveys:
            report = remind(survey, dry_run=bool(options["dry_run"]))
            verb = "would remind" if options["dry_run"] else "reminded"
            self.stdout.write(
                f"{survey.title} (v{survey.version}): {verb} {report.sent}; "
                f"skipped {report.skipped}"
            )
        if not surveys:
            self.stdout.write("No open survey.")
