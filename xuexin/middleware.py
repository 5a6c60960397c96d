"""Site-wide middleware."""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.defaults import bad_request

from xuexin.logging import log_event

LAST_SEEN_KEY = "_last_seen"
# Set at login (accounts.signals); a session older than the absolute lifetime ends.
LOGGED_IN_AT_KEY = "_logged_in_at"
# Writing the session on every request (photos included) would cost a database write each
# time; once a minute is precise enough for a 30-minute idle timeout.
TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log out a session idle for SESSION_IDLE_TIMEOUT seconds, or older than
    SESSION_ABSOLUTE_LIFETIME seconds since its login however busy (DESIGN §4.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            started = request.session.setdefault(LOGGED_IN_AT_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                log_event("session.expired", user=request.user.pk, reason="absolute")
                logout(request)
            elif last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
            elif last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
                # Saving the session also moves its expiry (SESSION_COOKIE_AGE) forward.
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class CrossOriginHeadersMiddleware:
    """Cross-Origin-Resource-Policy on every response (Django sets COOP itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


class TrustedProxyMiddleware:
    """Behind nginx every request comes from 127.0.0.1; throttles need the visitor's address.

    Only when the direct peer is a configured trusted proxy is its ``X-Real-IP`` believed, so
    nobody can choose their own address by sending the header themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted and request.META.get("REMOTE_ADDR") in self.trusted:
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            try:
                ipaddress.ip_address(forwarded)
            except ValueError:
                pass
            else:
                request.META["REMOTE_ADDR"] = forwarded
        return self.get_response(request)


# C0 controls (NUL included), DEL and the C1 controls; tab, line feed and carriage return are
# ordinary text in a textarea.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ControlCharacterMiddleware:
    """NUL and other control characters in any input are a 400, never a 500.

    PostgreSQL refuses NUL in text, so a NUL in a query or a form field would fail deep inside
    a query; no person types control characters, so the request is refused at the door: the
    path, every query parameter and every form field (names and values; uploaded files are
    bytes and are left to the upload checks).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_control(request):
            log_event("request.bad_characters", path=_CONTROL.sub("?", request.path)[:200])
            return bad_request(request, SuspiciousOperation("control characters in the input"))
        return self.get_response(request)

    @staticmethod
    def _has_control(request: HttpRequest) -> bool:
        if _CONTROL.search(request.path):
            return True
        parts = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            parts.append(request.POST)
        for query in parts:
            for key, values in query.lists():
                if _CONTROL.search(key) or any(_CONTROL.search(value) for value in values):
                    return True
        return False
