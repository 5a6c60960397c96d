"""What each remaining cache layer is worth: `make bench ARGS=--layers`.

Run inside ``manage.py shell -c`` by bench/run.py (``--layers``), with the benchmark's
production settings and database, after bench/prepare.py wrote the students and codes to
BENCH_PREP_DIR. For each page, many keys (a random student or code on every request), through
the whole middleware stack (django.test.Client, in this one process), with every layer on and
then with one layer off at a time:

- ``fragments``: the per-process template fragments (site chrome, archive bar and tabs,
  footer), replaced by Django's DummyCache;
- ``open surveys``: the list of open surveys kept 60 s in the shared cache
  (surveys.eligibility.OPEN_SURVEYS_SECONDS set to 0: read on every page);
- ``session cache``: the Redis copy of sessions (``cached_db``) replaced by the database
  engine alone (``db``).

Every run starts with the caches emptied (Redis database 5 and the per-process ones) and the
sessions renewed beforehand by bench/run.py. Printed: milliseconds of this process's CPU per
request and of wall time per request (the wall time includes PostgreSQL and Redis answering),
the best of BENCH_LAYER_ROUNDS rounds (3) of BENCH_LAYER_REQUESTS requests (600), and the SQL
statements per request. CPU time of one process is steadier than requests/s on a shared box;
it leaves out the database's and Redis's own work, which the wall column shows.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Each page with the layers it goes through (the JSON API goes through none of them).
PAGES = [
    ("home", "/", "", ["fragments"]),
    ("学籍", "/archive/xueji/", "students", ["fragments", "open surveys", "session cache"]),
    ("public report", "/verify/%s/", "codes", ["fragments"]),
]


@contextmanager
def _without(layer: str) -> Iterator[None]:
    from django.core.cache import caches
    from django.core.cache.backends.dummy import DummyCache
    from django.test import override_settings

    from surveys import eligibility

    if layer == "fragments":
        kept = caches["fragments"]
        caches["fragments"] = DummyCache("", {})
        try:
            yield
        finally:
            caches["fragments"] = kept
    elif layer == "open surveys":
        kept_seconds = eligibility.OPEN_SURVEYS_SECONDS
        eligibility.OPEN_SURVEYS_SECONDS = 0
        try:
            yield
        finally:
            eligibility.OPEN_SURVEYS_SECONDS = kept_seconds
    elif layer == "session cache":
        with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
            yield
    else:
        yield


def _measure(path: str, keys: list[str], requests: int, rounds: int) -> tuple[float, float, float]:
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")  # a new client: middleware built with the settings

    def get(key: str):
        client.cookies.clear()
        if path == "/archive/xueji/":
            name, _sep, value = key.partition("=")
            client.cookies[name] = value
            return client.get(path)
        return client.get(path % key if "%s" in path else path)

    best: tuple[float, float, float] | None = None
    for _round in range(rounds):
        for alias in settings.CACHES:
            caches[alias].clear()
        get(keys[0])  # imports, templates and connections ready; one key warm
        sample = [random.choice(keys) for _ in range(requests)]
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            for key in sample:
                status = get(key).status_code
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: the prepared keys do not work")
            cpu = (time.process_time() - cpu) * 1000 / requests
            wall = (time.perf_counter() - wall) * 1000 / requests
        result = (cpu, wall, len(queries.captured_queries) / requests)
        if best is None or result[0] < best[0]:
            best = result
    assert best is not None
    return best


def layers(directory: Path) -> None:
    files = {
        name: (directory / f"{name}.txt").read_text().splitlines() for name in ("students", "codes")
    }
    requests = int(os.environ.get("BENCH_LAYER_REQUESTS", "600"))
    rounds = int(os.environ.get("BENCH_LAYER_ROUNDS", "3"))
    print("| page | layer off | CPU ms/request | wall ms/request | SQL/request |")
    print("|---|---|---:|---:|---:|")
    for name, path, kind, used in PAGES:
        keys = files[kind] if kind else [""]
        for layer in ["", *used]:
            with _without(layer):
                cpu, wall, sql = _measure(path, keys, requests, rounds)
            print(f"| {name} | {layer or '(all on)'} | {cpu:.2f} | {wall:.2f} | {sql:.2f} |",
                  flush=True)  # fmt: skip


if __name__ != "__main__" and os.environ.get("BENCH_PREP_DIR"):  # `manage.py shell -c`
    layers(Path(os.environ["BENCH_PREP_DIR"]))
