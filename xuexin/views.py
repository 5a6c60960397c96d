"""Site-wide pages: home, 网站导航, the health check, throttled and benchmark answers."""

from __future__ import annotations

import math

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xuexin import throttle
from xuexin.logging import log_event
from xuexin.network import request_network


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """网站导航: every public page of the simulation, grouped as on the real site."""
    return render(request, "sitemap.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; no detail either way."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not healthy", nothing more to say
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site; send them to the hashed static file."""
    response = HttpResponsePermanentRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The answer to any throttled request: 429, a polite page saying when to come back."""
    return throttled_page(request, throttle.retry_after(request))


def throttled_page(request: HttpRequest, wait: int) -> HttpResponse:
    log_event("throttle.refused", path=request.path, ip=request_network(request))
    minutes = max(1, math.ceil(wait / 60))
    response = render(request, "429.html", {"retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The framework floor for `make bench`: the full middleware stack and a fixed string.

    Routed only when XUEXIN_BENCH_MODE is on (xuexin/urls.py).
    """
    return HttpResponse("ok", content_type="text/plain")
