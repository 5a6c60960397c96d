"""Writing the access log. One call per read of personal data by staff."""

from __future__ import annotations

from django.http import HttpRequest

from xuexin.logging import redact
from xuexin.network import request_network

from .models import AccessAction, AccessLog


def access_record(*, request: HttpRequest, action: AccessAction, target: str) -> AccessLog:
    """Log that ``request.user`` did ``action`` on ``target`` (never pass a full ID number)."""
    user = request.user
    return AccessLog.objects.create(
        actor=user if user.is_authenticated else None,
        actor_label=str(user)[:100],
        action=action,
        target=target[:200],
        # A search typed into an admin list may be an ID number: the path is stored masked.
        path=redact(request.get_full_path())[:300],
        ip_prefix=request_network(request),
    )
