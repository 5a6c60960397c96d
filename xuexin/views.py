"""Site-wide pages: the home page, the health check, and the notice for pages still to come."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.services import truncated_ip
from xuexin.logging import log_event

# Pages that the home page already links to but that are built in later steps. Each shows a
# clear "coming" page rather than a 404, so every link on the home page leads somewhere.
COMING_FEATURES = {
    "sitemap": _("网站导航"),
    "edu": _("教育网"),
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def coming(request: HttpRequest, feature: str) -> HttpResponse:
    title = COMING_FEATURES[feature]
    return render(request, "coming.html", {"title": title, "feature": feature})


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


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The answer to any throttled request: 429, a polite page, no detail."""
    log_event(
        "throttle.refused", path=request.path, ip=truncated_ip(request.META.get("REMOTE_ADDR"))
    )
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The framework floor for `make bench`: the full middleware stack and a fixed string.

    Routed only when XUEXIN_BENCH_MODE is on (xuexin/urls.py).
    """
    return HttpResponse("ok", content_type="text/plain")
