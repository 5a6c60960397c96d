"""Telling an account holder something, from any app.

Records, surveys and verification report decisions to students; the queue that stores and
delivers the messages (the Notification model, retries, the SMS and email gateways) belongs to
accounts, which sits above records. ``notify`` hands the message over with a signal, and the
receiver (accounts.signals) stores it in the caller's transaction: it is sent after the commit
and retried later if the gateway fails. One-time codes and reset links never go this way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# Sent with keyword arguments user, text and subject (both plain strings).
notification_requested = Signal()


def notify(user: Any, text: object, subject: object) -> None:
    """Tell ``user`` by SMS, and by email when one is verified, once this transaction commits.

    Call it inside the transaction of what it reports. ``user`` is an account (typed loosely:
    the model lives above this module).
    """
    answered = notification_requested.send(
        sender=None, user=user, text=str(text), subject=str(subject)
    )
    if not answered:
        # A message silently dropped would look like a sent one to the reviewer.
        raise ImproperlyConfigured("No notification queue is connected (accounts.signals).")
