"""Log lines for logins and failures (structured, never a password or a full identifier), and
the notification queue's receiver for messages other apps send (xuexin.notifications)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from records.identity import mask_id_number
from xuexin.logging import log_event
from xuexin.middleware import LOGGED_IN_AT_KEY
from xuexin.network import request_network
from xuexin.notifications import notification_requested

from . import notifications
from .models import User


def mask_username(typed: str) -> str:
    text = (typed or "").strip()
    if "@" in text:
        local, _sep, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(text) == 11 and text.isdigit():
        return f"{text[:3]}****{text[-4:]}"
    return mask_id_number(text) if len(text) > 7 else "***"


def _ip(request) -> str:
    return request_network(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="accounts.log_login")
def log_login(sender, request, user, **kwargs) -> None:
    log_event("login.succeeded", user=user.pk, staff=user.is_staff, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        # The absolute lifetime counts from here (xuexin.middleware.IdleTimeoutMiddleware).
        request.session[LOGGED_IN_AT_KEY] = int(time.time())


@receiver(user_login_failed, dispatch_uid="accounts.log_login_failure")
def log_login_failure(sender, credentials, request=None, **kwargs) -> None:
    log_event(
        "login.failed",
        user=mask_username(str(credentials.get("username", ""))),
        ip=_ip(request),
        locked=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(notification_requested, dispatch_uid="accounts.queue_notification")
def queue_notification(
    sender: object, *, user: User, text: str, subject: str, **kwargs: Any
) -> None:
    notifications.queue(user, text, subject)
