"""Move the 查验记录 waiting in Redis to the database: ``manage.py flush_lookups``.

Workers move them in batches on their own (verification.journal); run this before a backup,
or from a timer on a quiet site, so that the database holds every lookup up to now.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from verification import journal


class Command(BaseCommand):
    help = "Move the 查验记录 waiting in Redis to the database."

    def handle(self, *args: object, **options: object) -> None:
        waiting = journal.waiting()
        moved = journal.flush()
        self.stdout.write(f"{moved} moved ({waiting} were waiting)")
