"""Remind students 7 days before a report or recipient code ends (run daily from cron).

Safe to run as often as you like: each expiry date is reminded of once (see
verification.reminders); a report or code extended since gets a reminder for its new date.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...reminders import DAYS_BEFORE, send


class Command(BaseCommand):
    help = (
        f"Send one SMS/email per account about reports and recipient codes ending within "
        f"{DAYS_BEFORE} days, with a link to extend them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count who would be reminded; send nothing"
        )

    def handle(self, *args: Any, **options: object) -> None:
        if not settings.SITE_URL:
            raise CommandError("XUEXIN_SITE_URL must be set: reminders link to the site")
        run = send(dry_run=bool(options["dry_run"]))
        verb = "would remind" if options["dry_run"] else "reminded"
        self.stdout.write(f"{verb} {run.sent} accounts of {run.items} reports and codes")
