"""Error answers that never show a trace: branded 404/500, and 503 while the database is down."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found

logger = logging.getLogger("django.request")

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


class BrandedErrorsMiddleware:
    """With DEBUG on, answer errors with the portal's own pages instead of Django's trace pages.

    The demo (`make run`) runs with DEBUG on, where Django would show its technical 404 (every
    URL pattern, in English, without the 仿真 mark) and the yellow trace page. A developer who
    wants those sets ``XUEXIN_DEBUG_PAGES=true``; this middleware is then not installed. The
    trace of a 500 still goes to the console log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info)
            except Resolver404 as missing:
                # Unknown addresses never reach a view, so process_exception would not see
                # them. CommonMiddleware still turns this 404 into a redirect to "path/".
                return page_not_found(request, missing)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django's own handlers already answer with the branded pages
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, (PermissionDenied, SuspiciousOperation)):
            return None  # Django answers these with the branded 403/400 pages even in DEBUG
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exception,
            extra={"status_code": 500, "request": request},
        )  # fmt: skip
        return server_error(request)


def _log_forbidden(request: HttpRequest, reason: str) -> None:
    from xuexin.logging import log_event
    from xuexin.network import request_network

    user = getattr(request, "user", None)
    log_event(
        "http.forbidden",
        path=request.path[:200],
        method=request.method,
        user=user.pk if user is not None and user.is_authenticated else None,
        reason=reason,
        ip=request_network(request),
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the branded page, and a security event (ASVS V16) for every refusal."""
    from django.views.defaults import permission_denied as default_permission_denied

    _log_forbidden(request, "permission")
    return default_permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's page (templates/403_csrf.html), logged like any 403."""
    from django.views.csrf import csrf_failure as default_csrf_failure

    _log_forbidden(request, "csrf")
    return default_csrf_failure(request, reason=reason)
