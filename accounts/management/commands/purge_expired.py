"""Delete what the retention rules say is no longer kept: ``manage.py purge_expired`` (daily).

Retention (days, set in the environment; see README "Logs and retention"): one-time codes,
the demo outbox, login records (最近登录记录), sent or abandoned notifications and django-axes'
failure records; then the apps above accounts delete theirs through
``xuexin.retention.purge_requested`` (verification: employers' 查验申请). The access log (staff
reads) is not purged here: it is append-only and kept for ``XUEXIN_RETENTION_ACCESS_LOG_DAYS``
by the database owner's archive job.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import LoginEvent, Notification, OneTimeCode, OutboxMessage
from xuexin.retention import cutoff as _before
from xuexin.retention import purge_requested


class Command(BaseCommand):
    help = "Delete records older than their retention period (run daily from cron)."

    def handle(self, *args: Any, **options: object) -> None:
        days = settings.RETENTION_DAYS
        counts = {
            "one-time codes": OneTimeCode.objects.filter(
                created_at__lt=_before(days["one_time_codes"])
            ).delete()[0],
            "outbox messages": OutboxMessage.objects.filter(
                created_at__lt=_before(days["outbox"])
            ).delete()[0],
            "login records": LoginEvent.objects.filter(
                created_at__lt=_before(days["login_events"])
            ).delete()[0],
            "notifications": Notification.objects.exclude(status=Notification.Status.PENDING)
            .filter(created_at__lt=_before(days["notifications"]))
            .delete()[0],
            "login failure records": AccessAttempt.objects.filter(
                attempt_time__lt=_before(days["login_failures"])
            ).delete()[0]
            + AccessFailureLog.objects.filter(
                attempt_time__lt=_before(days["login_failures"])
            ).delete()[0],
        }
        for receiver, deleted in purge_requested.send(sender=self.__class__):
            if not isinstance(deleted, dict):
                raise TypeError(f"{receiver!r} must return {{'what': count deleted}}")
            counts.update(deleted)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
