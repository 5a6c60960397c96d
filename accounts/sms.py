"""The SMS gateway, simulated behind a pluggable backend chosen by ``SMS_BACKEND``.

- ``ConsoleBackend`` prints each message (a developer's terminal is the phone);
- ``LocmemBackend`` keeps messages in ``accounts.sms.outbox`` for tests to read;
- ``DatabaseBackend`` stores them as OutboxMessage rows, listed by the demo outbox page;
- ``HttpGatewayBackend`` posts each message as JSON to an SMS gateway (production).

The first three are for development and the demo only: with DEBUG off, ``check --deploy``
refuses them (accounts.checks). A failure to send raises; notifications are retried
(accounts.notifications) and a one-time code can be asked for again.
"""

from __future__ import annotations

import json
import sys
import urllib.request
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
    def __init__(self, stream=None) -> None:
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


class GatewayError(Exception):
    """The gateway did not accept the message."""


class HttpGatewayBackend(BaseBackend):
    """POST ``{"phone": ..., "text": ...}`` to XUEXIN_SMS_GATEWAY_URL with a bearer token.

    Any answer but 2xx, or no answer within the timeout, raises: the caller retries.
    """

    def send(self, message: SmsMessage) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url.startswith("https://") and not settings.DEBUG:
            raise GatewayError("the SMS gateway must be reached over HTTPS")
        body = json.dumps({"phone": message.phone, "text": message.text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the configured https gateway
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:
                raise GatewayError(f"gateway answered {answer.status}")


# Backends that never reach a phone: fine for development and the demo, never in production.
DEVELOPMENT_BACKENDS = {
    "accounts.sms.ConsoleBackend",
    "accounts.sms.LocmemBackend",
    "accounts.sms.DatabaseBackend",
}


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(SmsMessage(phone=phone, text=text))
