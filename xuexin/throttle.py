"""Throttles: django-axes counts login failures; everything else is django-ratelimit, used
through this module so that every refusal is the same 429 page with a true Retry-After.

* ``limit(key=..., rate=...)`` decorates a view like django-ratelimit's ``ratelimit(block=True)``
  and remembers how long the refused window still runs;
* ``spend`` / ``spent`` count and read a budget inside a view (the public lookups, which count
  only some requests, see verification.views);
* ``check_rates`` runs at start-up: a rate that django-ratelimit cannot read stops the site
  with ImproperlyConfigured instead of failing on every request.

Counts live in the default cache (Redis in production). When it cannot be reached every
throttled request is refused (RATELIMIT_FAIL_OPEN is off): guessing never becomes free.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django_ratelimit import ALL
from django_ratelimit.core import _split_rate, get_usage, rate_re
from django_ratelimit.exceptions import Ratelimited

# Seconds to wait when the count could not be read (the cache is down): a minute, then retry.
UNKNOWN_WAIT = 60

# Settings holding a rate in django-ratelimit's notation ("30/10m").
RATE_SETTINGS = (
    "VERIFY_RATE",
    "STATUS_LIST_RATE",
    "ACCOUNT_RATE_PER_ADDRESS",
    "ACCOUNT_RATE_PER_TARGET",
    "VERIFIER_REQUEST_RATE_PER_ADDRESS",
    "VERIFIER_REQUEST_RATE_PER_EMAIL",
    "VERIFIER_REQUEST_RATE_PER_CANDIDATE",
)


def _wait(usage: dict[str, Any] | None) -> int | None:
    if usage is None or not usage["should_limit"]:
        return None
    left = int(usage["time_left"])
    return left if left > 0 else UNKNOWN_WAIT


def spend(request: HttpRequest, *, group: str, key: str | Callable, rate: str | Callable,
          method: object = ALL) -> int | None:  # fmt: skip
    """Count this request; None while within the budget, else the seconds left in the window."""
    usage = get_usage(request, group=group, key=key, rate=rate, method=method, increment=True)
    return _wait(usage)


def spent(request: HttpRequest, *, group: str, key: str | Callable,
          rate: str | Callable) -> int | None:  # fmt: skip
    """Like ``spend`` without counting: whether the budget is already used up."""
    return _wait(get_usage(request, group=group, key=key, rate=rate, increment=False))


def hits(request: HttpRequest, *, group: str, key: str | Callable, rate: str | Callable) -> int:
    """How many requests the current window of this budget has counted so far."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
    return int(usage["count"]) if usage else 0


def refuse(request: HttpRequest, wait: int) -> None:
    """Stop the view: RatelimitMiddleware answers with RATELIMIT_VIEW (the 429 page)."""
    request.throttle_wait = wait  # type: ignore[attr-defined]  # a per-request value, read by retry_after
    raise Ratelimited()


def retry_after(request: HttpRequest) -> int:
    """The seconds a refused request should wait, as counted when it was refused."""
    return int(getattr(request, "throttle_wait", UNKNOWN_WAIT))


def limit(*, key: str | Callable, rate: str | Callable, method: object = "POST"):
    """django-ratelimit's ``ratelimit(..., block=True)``, keeping the time left for the 429."""

    def decorator(view):
        group = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wait = spend(request, group=group, key=key, rate=rate, method=method)
            if wait is not None:
                refuse(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def check_rates() -> None:
    for name in RATE_SETTINGS:
        rate = getattr(settings, name)
        try:
            # The library's own grammar, matched whole (it would read "30/10x" as 30/10s).
            if not rate_re.fullmatch(rate):
                raise ValueError(rate)
            count, seconds = _split_rate(rate)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ImproperlyConfigured(
                f"{name} must be a rate such as '30/10m' (count/period, period s, m, h or d; "
                f"got {rate!r})"
            ) from None
        if count < 1 or seconds < 1:
            raise ImproperlyConfigured(f"{name} must allow at least one request; got {rate!r}")
