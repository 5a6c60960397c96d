"""Rows that each worker keeps in its own memory while a stamp in the shared cache stands.

The hot pages read the same few rows again and again: the logged-in account with its person,
and a verification report by its code. Loading them through the ORM costs more than the rest of
the request together, so each worker keeps its own copy, valid only under the *stamps* it was
made under. A stamp is a random token in the default cache (Redis in production):

* readers fetch every stamp they need in one round trip (``current``) and use a copy only if it
  was made under exactly those stamps;
* writers replace the stamps once their transaction has committed (``renew``), so every worker's
  copy goes stale at the same moment, whichever worker or process wrote.

The shared cache holds only tokens, never a row. When it cannot be reached, ``current`` returns
None and callers read the database as if nothing were kept; a copy is never used after
``MAX_AGE`` seconds, which bounds the harm of a replacement lost while the cache was down.
"""

from __future__ import annotations

import logging
import pickle
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

STAMP_PREFIX = "stamp:"
STAMP_TTL = 10 * 60
MAX_AGE = 10 * 60

Stamps = tuple[str, ...]

logger = logging.getLogger(__name__)


def redis_client():  # type: ignore[no-untyped-def]
    """The Redis client behind the default cache, or None when the cache is not Redis."""
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def stamp_key(name: str) -> str:
    """The stamp's key in Redis, under the cache's prefix."""
    return cache.make_key(STAMP_PREFIX + name)


def _keys(names: tuple[str, ...]) -> list[str]:
    return [stamp_key(name) for name in names]


def complete(client, keys: list[str], found: list[object]) -> Stamps | None:  # type: ignore[no-untyped-def]
    """``found`` with every missing stamp made; None when the shared cache is unreachable."""
    stamps = []
    for key, stamp in zip(keys, found, strict=True):
        if stamp is None:
            token = secrets.token_hex(8)
            # Only if absent: keep a stamp another worker made meanwhile, and read that one.
            if client is not None:
                stamp = token if client.set(key, token, nx=True, ex=STAMP_TTL) else client.get(key)
            else:
                stamp = token if cache.add(key, token, STAMP_TTL) else cache.get(key)
            if stamp is None:
                return None
        stamps.append(stamp.decode("latin-1") if isinstance(stamp, bytes) else str(stamp))
    return tuple(stamps)


def current(*names: str) -> Stamps | None:
    """The stamps for ``names``, made where missing; None when the shared cache is unreachable."""
    client = redis_client()
    try:
        if client is None:
            keys = [STAMP_PREFIX + name for name in names]
            found = cache.get_many(keys)
            return complete(None, keys, [found.get(key) for key in keys])
        keys = _keys(names)
        return complete(client, keys, client.mget(keys))
    except Exception:  # noqa: BLE001 - unreachable: read the database instead
        return None


def renew(*names: str) -> None:
    """Make every copy made under ``names`` stale: now, and again once the transaction commits.

    Now, so that this process never serves its own stale copy; again after the commit,
    because until then another reader could load the old row under the new stamp.
    """

    def drop() -> None:
        client = redis_client()
        try:
            if client is None:
                cache.delete_many([STAMP_PREFIX + name for name in names])
            else:
                client.delete(*_keys(names))
        except Exception:  # noqa: BLE001 - copies still expire after MAX_AGE
            logger.warning("stamps: shared cache unreachable; copies expire within %ss", MAX_AGE)

    drop()
    transaction.on_commit(drop)


class Memo:
    """A bounded map of pickled rows; every hit is unpickled afresh, so requests share no object."""

    instances: list[Memo] = []

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        Memo.instances.append(self)
        self._entries: dict[Hashable, tuple[Stamps, float, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamps: Stamps | None) -> Any | None:
        if stamps is None:
            return None
        entry = self._entries.get(key)
        if entry is None or entry[0] != stamps or time.monotonic() - entry[1] > MAX_AGE:
            return None
        return pickle.loads(entry[2])  # noqa: S301 - bytes this process pickled itself

    def peek(self, key: Hashable) -> tuple[Stamps, Any] | None:
        """The copy under whatever stamps it was made with (not yet known to be current)."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[1] > MAX_AGE:
            return None
        return entry[0], pickle.loads(entry[2])  # noqa: S301 - bytes this process pickled

    def put(self, key: Hashable, stamps: Stamps | None, value: object) -> None:
        if stamps is None:
            return
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (stamps, time.monotonic(), data)
            while len(self._entries) > self.max_entries:
                del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all() -> None:
    """Forget every copy this process keeps (tests start each case from nothing)."""
    for kept in Memo.instances:
        kept.clear()


# Marks standing in a kept page for what must differ on every response. Random per process,
# so no stored value can contain them by chance or by design.
NONCE_MARK = "nonce-" + secrets.token_hex(12)
CSRF_MARK = "csrf-" + secrets.token_hex(24)


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def render_kept(
    request: HttpRequest,
    pages: Memo,
    key: Hashable,
    stamps: Stamps | None,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """``render``, reusing this worker's rendering of the same page under the same stamps.

    The kept page is rendered with marks where the CSP nonce and the CSRF token go, and each
    response gets its own. ``key`` must name everything else the page depends on (the
    viewer, the language, the host). Pages with messages waiting are rendered afresh.
    """
    if stamps is None or _has_messages(request):
        return render(request, template, context())
    body = pages.get(key, stamps)
    if body is None:
        nonce = getattr(request, "csp_nonce", None)
        request.csp_nonce = NONCE_MARK
        try:
            body = render_to_string(template, {**context(), "csrf_token": CSRF_MARK}, request)
        finally:
            if nonce is None:
                del request.csp_nonce
            else:
                request.csp_nonce = nonce
        pages.put(key, stamps, body)
    if NONCE_MARK in body:
        body = body.replace(NONCE_MARK, str(getattr(request, "csp_nonce", "")))
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request))
    return HttpResponse(body)
