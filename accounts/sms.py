"""The SMS gateway, simulated behind a pluggable backend chosen by ``SMS_BACKEND``.

- ``ConsoleBackend`` prints each message (a developer's terminal is the phone);
- ``LocmemBackend`` keeps messages in ``accounts.sms.outbox`` for tests to read;
- ``DatabaseBackend`` stores them as OutboxMessage rows, listed by the demo outbox page.

A real gateway would be one more class with the same ``send`` method.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


outbox: list[SmsMessage] = []


class BaseBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> None:
        self.stream.write(f"[SMS {timezone.now():%H:%M:%S}] to {message.phone}: {message.text}\n")
        self.stream.flush()


class LocmemBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class DatabaseBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        from .models import OutboxMessage

        OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SMS, recipient=message.phone, body=message.text
        )


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(SmsMessage(phone=phone, text=text))
