"""Retention across apps: ``manage.py purge_expired`` (accounts) deletes its own expired rows and
then sends ``purge_requested``, so that an app above it (which accounts may not import) deletes
its own. Each receiver returns ``{"what": count deleted}`` for the command's summary line."""

from __future__ import annotations

import datetime

from django.dispatch import Signal
from django.utils import timezone

purge_requested = Signal()


def cutoff(days: int) -> datetime.datetime:
    """The moment before which a record kept ``days`` days is past its period."""
    return timezone.now() - datetime.timedelta(days=days)
