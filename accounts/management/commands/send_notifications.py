"""Send the notifications that are due: ``manage.py send_notifications`` from cron, every minute.

Requests send their notifications right after their transaction commits; this command sends the
ones a failing gateway held back, with the retry delays of ``accounts.notifications``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.notifications import deliver_due


class Command(BaseCommand):
    help = "Send pending SMS/email notifications that are due (run from cron every minute)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="at most this many per run")

    def handle(self, *args: Any, limit: int, **options: object) -> None:
        counts = deliver_due(limit=limit)
        self.stdout.write(
            f"sent {counts['sent']}, to retry {counts['retry']}, given up {counts['failed']}"
        )
