"""Error answers that never show a trace: branded 500, and 503 while the database is down."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 60


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage is a 503 the client may retry; anything else a 500.

    Both pages are static HTML rendered without a request context, so they render even when
    the database, the cache and the session are all unavailable.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse(render_to_string("500.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response


def _log_forbidden(request: HttpRequest, reason: str) -> None:
    from accounts.services import request_network
    from xuexin.logging import log_event

    user = getattr(request, "user", None)
    log_event(
        "http.forbidden",
        path=request.path[:200],
        method=request.method,
        user=user.pk if user is not None and user.is_authenticated else None,
        reason=reason,
        ip=request_network(request),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the branded page, and a security event (ASVS V16) for every refusal."""
    from django.views.defaults import permission_denied as default_permission_denied

    _log_forbidden(request, "permission")
    return default_permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's page (templates/403_csrf.html), logged like any 403."""
    from django.views.csrf import csrf_failure as default_csrf_failure

    _log_forbidden(request, "csrf")
    return default_csrf_failure(request, reason=reason)
