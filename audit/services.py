"""Writing the access log. One call per read of personal data by staff."""

from __future__ import annotations

from django.http import HttpRequest

from xuexin.logging import redact
from xuexin.network import request_network
from xuexin.private_files import private_file_response

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


def staff_download(request: HttpRequest, action: AccessAction, target: str, field_file):
    """Serve a private file; a staff member's download lands in the access log first."""
    response = private_file_response(field_file)
    if request.user.is_staff:
        access_record(request=request, action=action, target=target)
    return response
