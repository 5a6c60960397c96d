"""Where one cold request of each benchmarked page spends its time: `make bench ARGS=--profile`.

Run inside ``manage.py shell -c`` by bench/run.py (``--profile``), with the benchmark's
production settings and database, after bench/prepare.py wrote the students and codes to
BENCH_PREP_DIR. For each page, through the whole middleware stack (django.test.Client):

1. every cache is emptied (Redis database 5 and the per-process ones);
2. one request with a key that is not profiled (line 2 of the file), so that imports,
   templates and connections are ready, as in a worker that has been up for a while;
3. the profiled request, with a key never used before in this process (line 3): the cold
   per-key path of the many-keys rows of the benchmark.

Printed per page: the status, the SQL queries (count and each statement, shortened) and the
top 25 functions by cumulative time (cProfile; BENCH_PROFILE_TOP changes the 25), then the top 15
by own time.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from pathlib import Path

PAGES = [
    ("baseline", "/bench/baseline", ""),
    ("home", "/", ""),
    ("学籍", "/archive/xueji/", "students"),
    ("public report", "/verify/%s/", "codes"),
    ("JSON API", "/api/v1/reports/%s", "codes"),
]


def _clear_caches() -> None:
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


def _request(client, path: str, keys: str, line: str):
    from django.conf import settings

    client.cookies.clear()
    if keys == "students":
        name, _sep, value = line.partition("=")
        if name != settings.SESSION_COOKIE_NAME:
            raise SystemExit(f"students.txt holds {name} cookies, the site reads another name")
        client.cookies[name] = value
        return client.get(path)
    return client.get(path % line if keys else path)


def profile(directory: Path, top: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    files = {
        name: (directory / f"{name}.txt").read_text().splitlines() for name in ("students", "codes")
    }
    client = Client(HTTP_HOST="127.0.0.1")
    for name, path, keys in PAGES:
        warm_key = files[keys][1] if keys else ""
        cold_key = files[keys][2] if keys else ""
        _clear_caches()
        warm = _request(client, path, keys, warm_key)
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            profiler.enable()
            response = _request(client, path, keys, cold_key)
            profiler.disable()
            elapsed = (time.perf_counter() - started) * 1000
        count = len(queries.captured_queries)
        print(
            f"\n=== {name} {path}: warm-up {warm.status_code}, profiled "
            f"{response.status_code}, {elapsed:.1f} ms under the profiler, {count} SQL queries"
        )
        if response.status_code in (301, 302):
            print(f"    redirected to {response['Location']}")
        for number, query in enumerate(queries.captured_queries, 1):
            sql = " ".join(query["sql"].split())
            print(f"  {number:>2}. {query['time']}s  {sql[:220]}{'…' if len(sql) > 220 else ''}")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        # The middleware chain fills the top of the cumulative list; own time shows the leaves.
        stats.sort_stats("tottime").print_stats(15)
        print(out.getvalue().rstrip())


if __name__ != "__main__" and os.environ.get("BENCH_PREP_DIR"):  # `manage.py shell -c`
    profile(Path(os.environ["BENCH_PREP_DIR"]), int(os.environ.get("BENCH_PROFILE_TOP", "25")))
