"""Notifications that are never lost (issue: a gateway failure after a decision committed).

``queue`` stores the messages in the caller's transaction, next to the decision they report,
and asks for delivery once that transaction commits. ``deliver_due`` sends whatever is due; a
failure counts an attempt and schedules the next one with a growing delay, and the reviewer's
request carries on as if nothing happened. ``manage.py send_notifications`` (cron, every
minute) sends what an earlier attempt could not.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from xuexin.logging import log_event

from .models import Notification, User
from .sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 20  # with the delays below: retried for about a day before giving up
FIRST_DELAY = datetime.timedelta(minutes=1)
LONGEST_DELAY = datetime.timedelta(hours=2)


def queue(user: User, text: str, subject: str) -> list[Notification]:
    """Store the messages for ``user`` (SMS, and email when verified) in this transaction."""
    email = user.email if user.email and user.email_verified_at else None
    return queue_to(phone=user.phone, email=email, text=text, subject=subject)


def queue_to(
    *, phone: str | None, email: str | None, text: str, subject: str
) -> list[Notification]:
    """Store messages to a phone and/or an email address, delivered after the commit."""
    rows = []
    if phone:
        rows.append(Notification(channel=Notification.Channel.SMS, recipient=phone, body=text))
    if email:
        rows.append(
            Notification(
                channel=Notification.Channel.EMAIL, recipient=email, subject=subject, body=text
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: deliver_due(ids=ids), robust=True)
    return created


def _retry_delay(attempts: int) -> datetime.timedelta:
    return min(FIRST_DELAY * (2 ** max(0, attempts - 1)), LONGEST_DELAY)


def _send(row: Notification) -> None:
    if row.channel == Notification.Channel.SMS:
        send_sms(row.recipient, row.body)
    else:
        send_mail(row.subject, row.body, None, [row.recipient])


def deliver_due(*, ids: list[int] | None = None, limit: int = 500) -> dict[str, int]:
    """Send pending notifications that are due; returns counts of sent, retried, failed."""
    due = Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # skip_locked: a cron run and a request's after-commit delivery never both send it.
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Notification.Status.PENDING)
                .first()
            )
            if row is None:
                continue
            now = timezone.now()
            row.attempts += 1
            try:
                _send(row)
            except Exception as error:  # noqa: BLE001 - any gateway failure is retried later
                row.last_error = type(error).__name__[:200]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = Notification.Status.FAILED
                    counts["failed"] += 1
                else:
                    row.next_attempt_at = now + _retry_delay(row.attempts)
                    counts["retry"] += 1
                log_event(
                    "notification.failed",
                    notification=row.pk,
                    channel=row.channel,
                    attempts=row.attempts,
                    error=row.last_error,
                    gave_up=row.status == Notification.Status.FAILED,
                )
            else:
                row.status = Notification.Status.SENT
                row.sent_at = now
                counts["sent"] += 1
            row.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at",
                                    "last_error"])  # fmt: skip
    return counts
