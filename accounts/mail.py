"""An email backend for the demo: messages land in the outbox page instead of a mail server."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class DatabaseEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from .models import OutboxMessage

        for message in email_messages:
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=", ".join(message.recipients()),
                subject=str(message.subject)[:200],
                body=str(message.body),
            )
        return len(email_messages)
